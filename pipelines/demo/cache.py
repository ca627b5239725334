"""The demo corpus, generated once per seed and generator version and kept on disk.

Rendering the demo's PDFs and Word files takes ~3 s, a third of a `make demo` with nothing new;
the corpus is a pure function of the seed, the generator's files, the agency list and the pinned
libraries that render (requirements.lock), so those are the cache key. A damaged or unreadable cache
file is regenerated, never trusted."""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from .generator import AGENCIES_FILE, generate_corpus
from .model import Corpus

DEMO_PACKAGE = Path(__file__).resolve().parent
LOCK_FILE = DEMO_PACKAGE.parents[1] / "requirements.lock"

log = logging.getLogger("govreports.demo")


def corpus_key(seed: int) -> str:
    digest = hashlib.sha256(f"seed={seed}\0".encode())
    inputs = sorted(p for p in DEMO_PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in [*inputs, AGENCIES_FILE, LOCK_FILE]:
        if path.exists():
            digest.update(str(path.relative_to(DEMO_PACKAGE.parents[1])).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def cached_corpus(seed: int, cache_dir: Path) -> Corpus:
    path = cache_dir / f"corpus-{seed}-{corpus_key(seed)}.pickle"
    try:
        with open(path, "rb") as f:
            corpus = pickle.load(f)
        if isinstance(corpus, Corpus) and corpus.seed == seed:
            return corpus
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - a bad cache file is rebuilt, never used
        log.warning("demo corpus cache %s unreadable (%s): generating the corpus again", path, exc)
    corpus = generate_corpus(seed=seed)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"corpus-{seed}-*.pickle"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(corpus, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)   # atomic: a killed demo leaves no half-written cache
    return corpus
