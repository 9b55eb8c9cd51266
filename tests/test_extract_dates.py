"""Date phrases resolved against the publication date, with ACLED's time precision."""

from __future__ import annotations

from datetime import date

import pytest

from incidents.extraction.dates import find_date_phrases, resolve_date
from incidents.model import TimePrecision

SUNDAY = date(2019, 12, 8)


def _resolve(sentence: str, published: date = SUNDAY) -> list[tuple[date, int]]:
    return [
        (resolved.day, int(resolved.precision))
        for phrase in find_date_phrases(sentence)
        if (resolved := resolve_date(phrase.text, published)) is not None
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Two rockets hit Balad Airbase December 5 without causing damage.", (date(2019, 12, 5), TimePrecision.DAY)),
        ("Rockets hit the base on 3rd of December.", (date(2019, 12, 3), TimePrecision.DAY)),
        ("More than a dozen rockets hit the base in November.", (date(2019, 11, 15), TimePrecision.MONTH)),
        ("Clashes broke out in early November.", (date(2019, 11, 1), TimePrecision.MONTH)),
        ("Clashes broke out at the end of October.", (date(2019, 10, 31), TimePrecision.MONTH)),
        # Monday 25 November - Sunday 1 December; the middle day is Thursday 28 November.
        ("A drone struck a convoy last week.", (date(2019, 11, 28), TimePrecision.WEEK)),
        ("Rockets hit the base on Friday.", (date(2019, 12, 6), TimePrecision.DAY)),
        ("Rockets hit the base on Friday night.", (date(2019, 12, 6), TimePrecision.DAY)),
        ("Rockets hit the base yesterday.", (date(2019, 12, 7), TimePrecision.DAY)),
        ("Rockets hit the base on 2019-12-01.", (date(2019, 12, 1), TimePrecision.DAY)),
    ],
)
def test_phrases_resolve_against_the_publication_date(sentence: str, expected: tuple[date, int]) -> None:
    assert _resolve(sentence) == [(expected[0], int(expected[1]))]


def test_a_weekday_on_the_day_of_publication_is_that_day() -> None:
    # Published on a Sunday, "on Sunday" is the same day, not a week earlier.
    assert _resolve("Rockets hit the base on Sunday.") == [(SUNDAY, 1)]
    assert _resolve("Iran fired missiles early on Wednesday.", date(2020, 1, 8)) == [(date(2020, 1, 8), 1)]


def test_never_after_publication_unless_the_year_is_stated() -> None:
    assert _resolve("Rockets hit the base December 10.") == [(date(2018, 12, 10), 1)]
    assert _resolve("The trial opens on December 10, 2019.") == [(date(2019, 12, 10), 1)]
    assert _resolve("Talks are due next Friday and next week.") == []
    # The current month is coded no later than the article.
    assert _resolve("Rockets hit the base earlier in December.") == [(SUNDAY, 3)]


def test_words_that_only_look_like_dates() -> None:
    assert find_date_phrases("we may hit back, US officials said, and we will") == []
    assert [p.text for p in find_date_phrases("It happened in May and it may happen again")] == ["May"]
    assert find_date_phrases("averaged more than one per week the past six weeks") == []


def test_a_day_told_approximately_is_coded_to_that_day_with_a_weeks_precision() -> None:
    (phrase,) = find_date_phrases("Around 26 June 2022 (as reported), police found a body.")
    assert phrase.text == "Around 26 June 2022"
    around = resolve_date(phrase.text, date(2022, 7, 1))
    assert (around.day, around.precision) == (date(2022, 6, 26), TimePrecision.WEEK)
    assert resolve_date("26 June 2022", date(2022, 7, 1)).precision == TimePrecision.DAY
    assert find_date_phrases("Protesters say they may 12 times a year.") == []


@pytest.mark.parametrize("published", [date(2019, 12, 8), date(2020, 2, 29), date(2021, 1, 1), date(2014, 3, 10), date(2022, 6, 30)])
@pytest.mark.parametrize(
    "phrase",
    ["Sunday", "last Sunday", "Monday", "Saturday", "December 5", "Dec. 5", "5 December 2019", "1st of May", "Feb 29",
     "29 February", "Sept 3", "January 1", "June 30, 2022", "November", "March 2014", "January", "December"],
)
def test_common_phrases_are_read_as_dateparser_reads_them(phrase: str, published: date) -> None:
    from incidents.extraction.dates import _parse_common, _parser

    fast = _parse_common(phrase, published)
    data = _parser(published).get_date_data(phrase)
    if fast is None:  # not a date ("Feb 29" of a year without one): dateparser reads it
        return
    assert data.date_obj is not None and fast[1] == (data.period or "day")
    if fast[1] == "day":
        assert fast[0] == data.date_obj.date()
    else:  # a month: only its year and month are read
        assert (fast[0].year, fast[0].month) == (data.date_obj.year, data.date_obj.month)
