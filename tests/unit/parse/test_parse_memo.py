"""The fill-once memo behind the per-label caches: same results, bounded, no eviction."""
from __future__ import annotations

from pipelines.parse.grid import expand
from pipelines.parse.memo import memo


def test_memo_keeps_the_first_arguments_and_stops_growing():
    calls = []

    @memo(2)
    def double(x):
        calls.append(x)
        return 2 * x

    assert [double(x) for x in (1, 2, 3, 1, 3)] == [2, 4, 6, 2, 6]
    assert sorted(double.cache) == [1, 2]  # full after two: 3 is computed each time, 1 stays
    assert calls == [1, 2, 3, 3]


def test_expand_rows_without_spans_match_the_general_path():
    plain = [[("a", None, None), ("1", None, None)], [("b", None, None), ("2", None, None)]]
    assert expand(plain) == [["a", "1"], ["b", "2"]]
    # a rowspan above still covers the next row's cells
    spanned = [[("a", "2", None), ("1", None, None)], [("2", None, None)]]
    assert expand(spanned) == [["a", "1"], [None, "2"]]
