"""Cell values: blanks stay blank, markers are 'na', signs and money units are kept exactly."""
from __future__ import annotations

import pytest

from pipelines.parse.numbers import clean, parse_value


@pytest.mark.parametrize("raw, unit, scale, expected", [
    ("0", "count", None, (0, "zero")),
    ("\u3000\u30003", "count", None, (3, "numeric")),
    ("\xa012\xa0", "count", None, (12, "numeric")),
    ("１２３", "count", None, (123, "numeric")),            # full-width digits (NFKC)
    ("+2", "count_signed", None, (2, "numeric")),
    ("-1", "count_signed", None, (-1, "numeric")),
    ("＋586", "count_signed", None, (586, "numeric")),       # full-width plus
    ("－3", "count_signed", None, (-3, "numeric")),          # full-width minus
    ("—18", "count_signed", None, (-18, "numeric")),         # dash used as a minus sign
    ("1,036", "count", None, (1036, "numeric")),
    ("716.91万元", "cny", None, (7169100.0, "numeric")),
    ("291584.23元", "cny", None, (291584.23, "numeric")),
    ("96171.6", "cny", 10000, (961716000.0, "numeric")),    # header says 万元
    ("24252.311082", "cny", 10000, (242523110.82, "numeric")),
    ("75394432.52元", "cny", 10000, (75394432.52, "numeric")),  # the cell's own unit wins
    ("0", "cny", 10000, (0.0, "zero")),
    ("12件", "count", None, (12, "numeric")),
])
def test_numbers(raw, unit, scale, expected):
    value, sem = parse_value(raw, unit, scale)
    assert sem == expected[1]
    assert value == pytest.approx(expected[0]) if isinstance(expected[0], float) else value == expected[0]
    assert type(value) is type(expected[0])


@pytest.mark.parametrize("raw", ["", "   ", "\xa0", "\u3000\u3000", None, "\t"])
def test_blank_cell_is_empty_not_zero(raw):
    assert parse_value(raw, "count") == (None, "empty")


@pytest.mark.parametrize("raw", ["/", "-", "—", "——", "空", "／", "－", "--"])
def test_not_applicable_markers(raw):
    assert parse_value(raw, "count") == (None, "na")


@pytest.mark.parametrize("raw", ["无", "见附件", "一件"])
def test_words_are_text(raw):
    assert parse_value(raw, "count") == (None, "text")


def test_clean_keeps_the_printed_text():
    assert clean("\u3000\u3000+18\xa0") == "+18"
    assert clean("716.91万元") == "716.91万元"
