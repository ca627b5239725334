"""Fill-once memo for pure functions of one hashable argument.

Unlike functools.lru_cache it never evicts: the first ``maxsize`` distinct arguments are kept and later
ones are computed each time. The arguments that repeat (template labels, small numbers) come first and
stay; one-off texts (prose, amounts) never push them out, and the memo stops growing once full, so the
memory a long run uses stays flat.
"""
from __future__ import annotations

_MISS = object()


def memo(maxsize: int):
    def wrap(fn):
        cache: dict = {}
        get = cache.get

        def cached(arg):
            v = get(arg, _MISS)
            if v is _MISS:
                v = fn(arg)
                if len(cache) < maxsize:
                    cache[arg] = v
            return v

        cached.__wrapped__ = fn  # type: ignore[attr-defined]
        cached.__doc__ = fn.__doc__
        cached.__name__ = fn.__name__
        cached.cache = cache  # type: ignore[attr-defined]
        return cached
    return wrap
