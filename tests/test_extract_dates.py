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
