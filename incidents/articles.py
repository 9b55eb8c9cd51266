"""Reading articles: the seed layout, Markdown and JSON, with the date lines real outlets write.

The seed layout is a title line, optional subtitle lines, a date line, the body, and a last line
"Content retrieved from: URL". Wire copy may have no date line and carry its date in the
dateline instead ("BAGHDAD, Dec 29 (Reuters) -"). Every error is an ArticleError naming the
file, and the line when there is one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dateparser

from incidents.model import Source

# A news article is tens of kilobytes; a file this large is a dump or a mistake, and parsing it
# would take the extractor minutes. Rejected with a clear message rather than half-processed.
MAX_ARTICLE_BYTES = 2_000_000
# The date line comes right after the title and at most a few subtitle lines.
MAX_HEADER_LINES = 8

RETRIEVED_FROM = re.compile(r"^\s*Content retrieved from:\s*(?P<url>\S+)\s*$", re.IGNORECASE)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
_DATE_PREFIX = re.compile(r"^\s*(?:published|updated|last updated|posted|date)\s*(?:on)?\s*:?\s*", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}([./-])\d{1,2}\1\d{2,4}\b")
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "BAGHDAD, Dec 29 (Reuters) -", "BAGHDAD (AP) —", "ISTANBUL –", "ERBIL, Kurdistan Region —".
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’.\-]+(?:[\s/]+[A-Z][A-Z'’.\-]+)*)"
    r"(?:,\s*(?P<region>[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]+)*))??"
    rf"(?:,\s*(?P<date>{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    r"\s*(?:\((?P<agency>[^()]{2,40})\))?"
    r"\s*[-–—]{1,2}\s+"
)
# AFP writes the place in title case: "Baghdad (AFP) - ": then the agency credit is required.
_TITLE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z'’.\-]+(?:[\s/]+[A-Z][a-z'’.\-]+)*)"
    rf"(?:,\s*(?P<date>{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?))?"
    r"\s*\((?P<agency>AFP|AP|Reuters|AA|Anadolu|dpa|Xinhua|Rudaw|Kurdistan ?24)\)"
    r"\s*[-–—]{1,2}\s+"
)
# A kicker heading a paragraph: a few words and a colon before the sentence ("Exclusive: ...",
# "Movement of forces: On 6 January ..."). Parsed with the sentence, it becomes its subject.
_KICKER = re.compile(r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,4}: (?=[A-Z0-9])")
_TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$")
_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# Emphasis only between non-word characters, so that snake_case and a*b survive.
_MARKDOWN_EMPHASIS = re.compile(r"(?<!\w)(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")

# Hosts whose publishers we can name; any other host is shown as the host itself.
PUBLISHERS: dict[str, str] = {
    "thearabweekly.com": "The Arab Weekly",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "aljazeera.com": "Al Jazeera",
    "rudaw.net": "Rudaw",
    "kurdistan24.net": "Kurdistan24",
    "bbc.com": "BBC",
    "bbc.co.uk": "BBC",
    "theguardian.com": "The Guardian",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "france24.com": "France 24",
    "aa.com.tr": "Anadolu Agency",
    "middleeasteye.net": "Middle East Eye",
    "al-monitor.com": "Al-Monitor",
    "shafaq.com": "Shafaq News",
    "ina.iq": "Iraqi News Agency",
    "defense.gov": "US Department of Defense",
    "centcom.mil": "US Central Command",
    "inherentresolve.mil": "CJTF-OIR",
    "acleddata.com": "ACLED",
    "longwarjournal.org": "FDD's Long War Journal",
    "washingtoninstitute.org": "The Washington Institute",
}
# Agencies as datelines credit them: "(Reuters)", "(AP)".
AGENCIES: dict[str, str] = {
    "reuters": "Reuters",
    "ap": "Associated Press",
    "afp": "AFP",
    "rudaw": "Rudaw",
    "kurdistan 24": "Kurdistan24",
    "kurdistan24": "Kurdistan24",
    "al jazeera": "Al Jazeera",
    "aa": "Anadolu Agency",
}


class ArticleError(ValueError):
    """An article that cannot be read; the message names the file (and line when known)."""


@dataclass
class Article:
    title: str
    published: date
    text: str  # the body, paragraphs separated by blank lines (title, date line and URL removed)
    url: str = ""
    publisher: str = ""
    path: str = ""
    subtitle: str = ""

    @cached_property
    def source_id(self) -> str:
        """A hash of the content, so the same article read from anywhere has the same id."""
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()[:16]

    def source(self, sentence: str = "") -> Source:
        return Source(
            kind="article",
            title=self.title,
            publisher=self.publisher,
            url=self.url,
            published=self.published,
            sentence=sentence,
            source_id=self.source_id,
        )


def read_article(path: str | Path, *, published: date | None = None) -> Article:
    """Read an article file (.txt, .md or .json); `published` overrides any date in the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ArticleError(f"{path}: cannot read: {error.strerror or error}") from error
    if size > MAX_ARTICLE_BYTES:
        raise ArticleError(
            f"{path}: {size / 1e6:.1f} MB is too large for one article "
            f"(limit {MAX_ARTICLE_BYTES / 1e6:.0f} MB); split it into articles"
        )
    data = path.read_bytes()
    text = decode_article_bytes(data, name=str(path))
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        article = parse_article_json(text, name=str(path), published=published)
    else:
        article = parse_article_text(text, name=str(path), published=published)
    article.path = str(path)
    return article


def decode_article_bytes(data: bytes, *, name: str) -> str:
    """UTF-8 text, or an ArticleError naming the file and the line of the first bad byte.

    Other encodings are refused rather than guessed: a wrong guess (cp1252 for Arabic
    Windows-1256, say) silently garbles names, and names are what the extractor looks up.
    """
    if not data.strip():
        raise ArticleError(f"{name}: empty file")
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
        raise ArticleError(f"{name}: binary file, not an article (expected UTF-8 text, Markdown or JSON)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ArticleError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "convert it first, e.g. `iconv -f cp1252 -t utf-8`"
        ) from error


def parse_article_json(text: str, *, name: str = "<json>", published: date | None = None) -> Article:
    """An article from JSON: {"title", "published", "url", "text"}."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleError(f"{name}:{error.lineno}: invalid JSON: {error.msg}") from error
    if not isinstance(record, dict):
        raise ArticleError(f"{name}: expected a JSON object with title, published, url and text")
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        raise ArticleError(f"{name}: JSON article has no \"text\"")
    title = str(record.get("title") or "").strip()
    url = clean_url(str(record.get("url") or ""))
    if published is None:
        raw = record.get("published")
        if not raw:
            raise ArticleError(f"{name}: JSON article has no \"published\" date; pass --published YYYY-MM-DD")
        published = parse_date_line(str(raw))
        if published is None:
            raise ArticleError(f"{name}: cannot read \"published\" date {raw!r}; pass --published YYYY-MM-DD")
    body = normalize_body(body.splitlines())
    return Article(title=title, published=published, text=body, url=url, publisher=publisher_for(url, body))


def parse_article_text(text: str, *, name: str = "<text>", published: date | None = None) -> Article:
    """An article from plain text or Markdown in the seed's layout (also for pasted text)."""
    if "\x00" in text:
        raise ArticleError(f"{name}: binary data, not an article")
    lines = text.splitlines()
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if not filled:
        raise ArticleError(f"{name}: empty article")

    url = ""
    match = RETRIEVED_FROM.match(lines[filled[-1]])
    if match:
        url = clean_url(match.group("url"))
        lines = lines[: filled[-1]]
        filled = filled[:-1]
    lines = [strip_markdown(line) for line in lines]
    if len(filled) < 2:
        raise ArticleError(f"{name}: no article body after the title")

    title = lines[filled[0]].strip()
    body_start, line_date, subtitle = filled[1], None, ""
    for position, index in enumerate(filled[1 : 1 + MAX_HEADER_LINES], start=1):
        line_date = parse_date_line(lines[index])
        if line_date is not None:
            subtitle = " ".join(lines[i].strip() for i in filled[1:position])
            body_start = index + 1
            break
    body = normalize_body(lines[body_start:])
    if not body:
        raise ArticleError(f"{name}:{body_start}: no article body after the date line")

    if published is None:
        published = line_date or dateline_date(body, url=url, title=title)
    if published is None:
        raise ArticleError(
            f"{name}:{filled[1] + 1}: no date line (expected one like 'Sunday 08/12/2019', "
            "'Dec 29, 2019' or '2019-12-28' after the title, or a dated wire dateline); "
            "pass --published YYYY-MM-DD"
        )
    return Article(
        title=title,
        published=published,
        text=body,
        url=url,
        publisher=publisher_for(url, body),
        subtitle=subtitle,
    )


def parse_date_line(line: str) -> date | None:
    """The date of a line that is only a date (and maybe a time), else None.

    Numeric dates are ambiguous ("08/12/2019"): both orders are tried, and a weekday on the line
    decides; without one, day-first is kept (the usage of most non-US outlets), and dotted dates
    ("28.12.2019") are always day-first.
    """
    text = _DATE_PREFIX.sub("", line).strip()
    if len(text) > 60 or not _YEAR.search(text):
        return None
    orders = ("DMY", "MDY") if _NUMERIC_DATE.search(text) and "." not in text else ("DMY",)
    candidates: list[date] = []
    for order in orders:
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={"DATE_ORDER": order, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if parsed is not None and parsed.date() not in candidates:
            candidates.append(parsed.date())
    if not candidates:
        return None
    weekday = _WEEKDAY.search(text)
    if weekday:
        wanted = WEEKDAYS.index(weekday.group(1).lower())
        matching = [candidate for candidate in candidates if candidate.weekday() == wanted]
        if matching:
            return matching[0]
    return candidates[0]


def dateline_date(body: str, *, url: str = "", title: str = "") -> date | None:
    """The date of a wire dateline ("BAGHDAD, Dec 29 (Reuters) -").

    Datelines omit the year; it is taken from a date in the URL, else from the years the
    article mentions (the most frequent one); without any, the date stays unknown.
    """
    first_paragraph = body.split("\n\n", 1)[0]
    match = match_dateline(first_paragraph)
    if not match or not match.group("date"):
        return None
    written = match.group("date")
    if _YEAR.search(written):
        parsed = dateparser.parse(written, languages=["en"])
        return parsed.date() if parsed else None
    year = _year_from_url(url)
    if year is None:
        years = Counter(_YEAR.findall(f"{title}\n{body}"))
        if not years:
            return None
        year = int(years.most_common(1)[0][0])
    parsed = dateparser.parse(f"{written} {year}", languages=["en"], settings={"REQUIRE_PARTS": ["day", "month"]})
    return parsed.date() if parsed else None


def _year_from_url(url: str) -> int | None:
    match = re.search(r"/((?:19|20)\d\d)[/-](?:0[1-9]|1[0-2])[/-]", url)
    return int(match.group(1)) if match else None


def match_dateline(paragraph: str) -> re.Match[str] | None:
    """The dateline opening a paragraph: "BAGHDAD, Dec 29 (Reuters) -", "Baghdad (AFP) -"."""
    return DATELINE.match(paragraph) or _TITLE_DATELINE.match(paragraph)


def split_dateline(paragraph: str) -> tuple[str, str]:
    """("BAGHDAD, Dec 29 (Reuters) - ", rest) for a paragraph opening with a dateline, else ("", paragraph)."""
    match = match_dateline(paragraph)
    if not match:
        return "", paragraph
    return match.group(0), paragraph[match.end() :]


def split_kicker(paragraph: str) -> tuple[str, str]:
    """("Movement of forces: ", rest) for a paragraph opening with a kicker, else ("", paragraph)."""
    match = _KICKER.match(paragraph)
    if not match:
        return "", paragraph
    return match.group(0), paragraph[match.end() :]


def publisher_for(url: str, body: str = "") -> str:
    """The publisher's name from the URL's host, else the agency a dateline credits, else the host."""
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.").removeprefix("m.")
    for known, publisher in PUBLISHERS.items():
        if host == known or host.endswith("." + known):
            return publisher
    match = match_dateline(body.split("\n\n", 1)[0]) if body else None
    if match and match.group("agency"):
        agency = match.group("agency").strip()
        return AGENCIES.get(agency.lower(), agency)
    return host


def clean_url(url: str) -> str:
    """The URL without trailing punctuation and tracking parameters (fbclid, utm_*)."""
    url = url.strip().rstrip(".,;)")
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMETERS.match(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def strip_markdown(line: str) -> str:
    """The text of a Markdown line: no heading marks, emphasis, links or images."""
    line = _MARKDOWN_HEADING.sub("", line)
    line = _MARKDOWN_IMAGE.sub(r"\1", line)
    line = _MARKDOWN_LINK.sub(r"\1", line)
    return _MARKDOWN_EMPHASIS.sub(r"\2", line)


def normalize_body(lines: list[str]) -> str:
    """Paragraphs separated by one blank line.

    When the text has blank lines they separate paragraphs and wrapped lines are joined;
    text without any blank line is taken as one paragraph a line (pasted web copy).
    """
    filled = [line.strip() for line in lines if line.strip()]
    inner = "\n".join(line.strip() for line in lines).strip("\n")
    if "\n\n" not in inner:
        return "\n\n".join(filled)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
