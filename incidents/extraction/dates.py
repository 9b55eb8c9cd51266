"""Date phrases in a sentence, resolved against the article's publication date.

Phrases are found with patterns that only accept real date expressions (capitalised month and
weekday names, "last week", "in November"), because searching dates over free text finds false
ones ("we" read as Wednesday, the modal "may"). Each phrase is then parsed by dateparser with
the publication date as the relative base, preferring the past, and coded with ACLED's
time_precision: 1 day, 2 week (the middle day, Thursday, of a Monday-Sunday week),
3 month (the 15th; the 1st for "early", the last day for "late"/"end of").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.language import Language
from spacy.tokens import Doc

from incidents.model import TimePrecision

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19|20)\d\d"
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night))?"
# "Around 26 June 2022": a day told approximately, coded by ACLED to that day with the precision of a week
_ABOUT = r"(?:(?i:around|about|approximately|circa)\s+)?"
_ABOUT_PREFIX = re.compile(r"^(?:around|about|approximately|circa)\s+", re.I)

# Ordered from the most to the least precise; a span already taken is not matched again.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(rf"\b{_YEAR}-\d\d-\d\d\b")),
    # "04/19/2012", "19.04.2012": the order is settled by a day above 12, else the nearest past reading
    ("numeric", re.compile(rf"\b\d{{1,2}}([/.])\d{{1,2}}\1{_YEAR}\b")),
    ("day", re.compile(rf"\b{_ABOUT}{_MONTH}\s+{_ORDINAL}\b(?:,?\s+{_YEAR}\b)?(?!\s*(?:-|–)\s*\d)")),
    ("day", re.compile(rf"\b{_ABOUT}{_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?")),
    ("weekday", re.compile(rf"\b(?:(?:last|early|late|on|next|this coming)\s+)?{_WEEKDAY}{_PART_OF_DAY}\b")),
    # told relative to the incident before ("Hours earlier, rockets landed"): the extractor dates it
    ("same_time", re.compile(r"\b(?:(?:hours|minutes) (?:earlier|later)|(?:earlier|later) that day|the same day|shortly (?:before|after(?:wards)?))\b", re.I)),
    ("relative_day", re.compile(r"\b(?:yesterday|today|tonight|overnight|(?:two|three|four|five|six|\d) days ago)\b", re.I)),
    ("week", re.compile(r"\b(?:last|this|earlier this|the previous|the past|next)\s+week(?:end)?\b", re.I)),
    (
        "month",
        re.compile(
            rf"\b(?:(?:early|late|mid|the beginning of|the end of|the start of|beginning of|end of)[\s-]+)?"
            rf"{_MONTH}(?:\s+{_YEAR})?\b"
        ),
    ),
    ("relative_month", re.compile(r"\b(?:last month|earlier this month|this month|late last month|early last month)\b", re.I)),
    # a time before the report's that names no day, week or month: the event is not the day's news
    ("earlier", _EARLIER := re.compile(
        rf"\b(?:(?:last|(?:the )?previous|the past) year|earlier this year|in recent (?:weeks|months|years)"
        rf"|(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|a few|many) (?:weeks?|months?|years?) ago"
        rf"|since (?:{_YEAR}\b|(?:the )?(?:\d+|[a-z]+) (?:weeks|months|years))|(?:in|during) {_YEAR}\b(?![-/.]))",
        re.I,
    )),
)
_FUTURE_WORDS = re.compile(r"\b(?:next|coming|tomorrow|upcoming)\b", re.I)
_HAS_YEAR = re.compile(rf"\b{_YEAR}\b")
_WEEKDAY_ONLY = re.compile(rf"^(?:on\s+|early\s+|late\s+)?({_WEEKDAY}){_PART_OF_DAY}$")
_PART_OF_DAY_SUFFIX = re.compile(r"\s+(?:morning|afternoon|evening|night)$")


@dataclass(frozen=True)
class DatePhrase:
    text: str
    start: int  # character offsets in the sentence
    end: int
    kind: str


# The phrase of a date taken from the report's own date, no date being written for the event.
AS_REPORTED = "as reported"


@dataclass(frozen=True)
class ResolvedDate:
    day: date
    precision: TimePrecision
    phrase: str
    # dated by the report (phrase AS_REPORTED) or by the day its speaker spoke ("officials said on
    # Tuesday"): by then, not necessarily on it
    reported: bool = False


# A word every date phrase holds (a digit, a month or weekday, a relative word): a sentence with
# none has no date phrase, found by one search instead of every pattern's.
_DATE_WORD = re.compile(
    rf"\d|\b(?:{_MONTH[3:-4]}|{_WEEKDAY[3:-1]}|yesterday|today|tonight|overnight|week|weekend|month|year|years|ago|earlier|later"
    rf"|same day|shortly|since)",
    re.I,
)


def find_date_phrases(sentence: str) -> list[DatePhrase]:
    """Date expressions in a sentence, in the order they appear."""
    if not _DATE_WORD.search(sentence):
        return []
    taken: list[tuple[int, int]] = []
    found: list[DatePhrase] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            text = match.group(0)
            if kind == "month" and text.startswith("May") and not _HAS_YEAR.search(text):
                # "May" alone is the modal more often than the month; keep "in May".
                if not re.search(r"\b(?:in|during|since|early|late|mid)[\s-]+$", sentence[:start]):
                    continue
            taken.append((start, end))
            found.append(DatePhrase(text, start, end, kind))
    return sorted(found, key=lambda phrase: phrase.start)


@lru_cache(maxsize=64)
def _parser(base: date) -> DateDataParser:
    # One parser per publication date: dateparser fixes RELATIVE_BASE when the parser is made.
    settings = {
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
    }
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=8192)
def resolve_date(phrase: str, published: date) -> ResolvedDate | None:
    """The date a phrase means in an article published on `published`, or None.

    Never after publication unless the phrase states its year: an undated "December 10" in an
    article of 8 December 2019 is 10 December 2018.
    """
    if _EARLIER.fullmatch(phrase.strip()):
        return None  # "last year", "since 2014": earlier than the report, no day of its own
    text = re.sub(r"^(?:on|in|during)\s+", "", phrase.strip(), flags=re.I)
    if _ABOUT_PREFIX.match(text):
        exact = resolve_date(_ABOUT_PREFIX.sub("", text), published)
        if exact is None or exact.precision != TimePrecision.DAY:
            return exact
        return ResolvedDate(exact.day, TimePrecision.WEEK, phrase)
    lowered = text.lower()
    if _NUMERIC.fullmatch(text):
        day = _numeric(text, published)
        return ResolvedDate(day, TimePrecision.DAY, phrase) if day is not None else None
    if _FUTURE_WORDS.search(lowered):
        return None
    if lowered in {"today", "tonight", "overnight"}:
        return ResolvedDate(published, TimePrecision.DAY, phrase)
    if "week" in lowered:
        return _week(lowered, published, phrase)
    if lowered in {"earlier this month", "this month"}:
        return _month(published, "", published, explicit_year=False, phrase=phrase)
    modifier, core = _split_month_modifier(_PART_OF_DAY_SUFFIX.sub("", text))
    data = _parse(core, published)
    if data is None:
        return None
    parsed, period = data
    if period == "month":
        return _month(parsed, modifier, published, explicit_year=bool(_HAS_YEAR.search(core)), phrase=phrase)
    if period != "day":
        return None
    weekday = _WEEKDAY_ONLY.match(text)
    if weekday and parsed + timedelta(days=7) == published:
        # "on Sunday" in an article of a Sunday is that day, not a week before.
        parsed = published
    if parsed > published and not _HAS_YEAR.search(core):
        return None
    return ResolvedDate(parsed, TimePrecision.DAY, phrase)


_NUMERIC = re.compile(rf"(\d{{1,2}})[/.](\d{{1,2}})[/.]({_YEAR})")


def _numeric(text: str, published: date) -> date | None:
    """A numeric date in either order: a part above 12 is the day; when both could be, the
    reading on or before publication and nearest to it."""
    first, second, year = (int(part) for part in _NUMERIC.fullmatch(text).groups())  # type: ignore[union-attr]
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(date(year, month, day))
        except ValueError:
            continue
    past = [d for d in readings if d <= published]
    return max(past) if past else (min(readings) if readings else None)


def _parse(text: str, published: date) -> tuple[date, str] | None:
    """The date a phrase names and its period ("day", "month"), as dateparser reads it with the
    report's date as base, preferring the past: the common shapes read here directly (a
    weekday, a month with its day, a month), the rest by dateparser, 100 times slower."""
    found = _parse_common(text, published)
    if found is not None:
        return found
    data = _parser(published).get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


_MONTH_NUMBERS = {name: number for number in range(1, 13) for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())}
_MONTH_NUMBERS["sept"] = 9
_WEEKDAYS = {calendar.day_name[number].lower(): number for number in range(7)}
_COMMON = (
    ("weekday", re.compile(rf"(?:last\s+)?(?P<weekday>{_WEEKDAY})", re.I)),
    ("day", re.compile(rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>{_YEAR}))?", re.I)),
    ("day", re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?", re.I)),
    ("month", re.compile(rf"(?P<month>{_MONTH})(?:\s+(?P<year>{_YEAR}))?", re.I)),
)


def _parse_common(text: str, published: date) -> tuple[date, str] | None:
    """dateparser's reading of a weekday ("Sunday", "last Sunday": the last one before the
    report's day), a month and day ("December 5", "5 December 2019": without a year, the last one
    on or before the report's day) or a month ("November", "March 2014": without a year, the last
    one not after the report's month); None for any other phrase."""
    for kind, pattern in _COMMON:
        match = pattern.fullmatch(text.strip())
        if match is None:
            continue
        if kind == "weekday":
            back = (published.weekday() - _WEEKDAYS[match["weekday"].lower()]) % 7 or 7
            return published - timedelta(days=back), "day"
        month = _MONTH_NUMBERS[match["month"].lower().rstrip(".")]
        year = int(match["year"]) if match["year"] else None
        if kind == "month":
            if year is None:
                year = published.year if month <= published.month else published.year - 1
            return date(year, month, min(published.day, calendar.monthrange(year, month)[1])), "month"
        day = int(match["day"])
        if year is None:
            year = published.year if (month, day) <= (published.month, published.day) else published.year - 1
        try:
            return date(year, month, day), "day"
        except ValueError:
            return None
    return None


def _split_month_modifier(text: str) -> tuple[str, str]:
    match = re.match(r"^(early|late|mid|the beginning of|the end of|the start of|beginning of|end of)[\s-]+(.*)$", text, re.I)
    if not match:
        return "", text
    modifier = match.group(1).lower().removeprefix("the ")
    return {"start of": "beginning of", "beginning of": "beginning of"}.get(modifier, modifier), match.group(2)


def _month(parsed: date, modifier: str, published: date, *, explicit_year: bool, phrase: str) -> ResolvedDate | None:
    last_day = calendar.monthrange(parsed.year, parsed.month)[1]
    day = {"early": 1, "beginning of": 1, "late": last_day, "end of": last_day}.get(modifier, 15)
    coded = date(parsed.year, parsed.month, day)
    if coded > published and not explicit_year:
        if (parsed.year, parsed.month) != (published.year, published.month):
            return None
        coded = published  # the current month, coded no later than the article
    return ResolvedDate(coded, TimePrecision.MONTH, phrase)


def _week(lowered: str, published: date, phrase: str) -> ResolvedDate:
    monday = published - timedelta(days=published.weekday())
    if lowered.startswith(("last", "the previous", "the past")):
        monday -= timedelta(days=7)
    middle = min(monday + timedelta(days=3), published)
    return ResolvedDate(middle, TimePrecision.WEEK, phrase)


class DatePhrases:
    """spaCy component `incident_dates`: the date phrases of find_date_phrases as
    `doc.spans["dates"]` (label: the phrase's kind). Resolving them needs the report's date,
    which the extractor knows."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for phrase in find_date_phrases(doc.text):
            span = doc.char_span(phrase.start, phrase.end, label=phrase.kind, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["dates"] = spans
        return doc


@Language.factory("incident_dates")
def make_date_phrases(nlp: Language, name: str) -> DatePhrases:
    return DatePhrases()
