"""The article reader: layouts, date lines, publishers and clear errors for bad files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from incidents.articles import (
    MAX_ARTICLE_BYTES,
    ArticleError,
    parse_article_text,
    parse_date_line,
    read_article,
    split_dateline,
    split_kicker,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_d33791d1605386a1.txt"


def test_seed_layout() -> None:
    article = read_article(SEED)
    assert article.title == "Iraq new flashpoint for US-Iran tensions, troop buildup mulled"
    assert article.subtitle == "Iraqi militia leaders slapped with US sanctions."
    assert article.published == date(2019, 12, 8)  # "Sunday 08/12/2019": the weekday settles the order
    assert article.publisher == "The Arab Weekly"
    assert article.url == "https://thearabweekly.com/iraq-new-flashpoint-us-iran-tensions-troop-buildup-mulled"
    assert article.path == str(SEED)
    assert article.text.startswith("US Army soldiers stand outside")
    assert "Content retrieved from" not in article.text
    assert "Sunday 08/12/2019" not in article.text
    source = article.source("a sentence")
    assert (source.kind, source.sentence, source.published) == ("article", "a sentence", date(2019, 12, 8))


def test_source_id_is_a_content_hash() -> None:
    one = parse_article_text("Title\n2019-12-28\n\nBody one.")
    same = parse_article_text("Title\n\n2019-12-28\n\nBody one.\n")
    other = parse_article_text("Title\n2019-12-28\n\nBody two.")
    assert one.source_id == same.source_id != other.source_id


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Sunday 08/12/2019", date(2019, 12, 8)),
        ("Monday 08/12/2019", date(2019, 8, 12)),  # the weekday picks month-first here
        ("08/12/2019", date(2019, 12, 8)),  # no weekday: day-first
        ("12/28/2019", date(2019, 12, 28)),  # only one order is a valid date
        ("28.12.2019 - 09:25", date(2019, 12, 28)),
        ("Dec 29, 2019", date(2019, 12, 29)),
        ("2019-12-28", date(2019, 12, 28)),
        ("Published: 2020-01-08T09:25:00Z", date(2020, 1, 8)),
        ("Updated 8 Jan 2020 14:30 GMT", date(2020, 1, 8)),
        ("Wednesday, January 8, 2020", date(2020, 1, 8)),
    ],
)
def test_date_lines(line: str, expected: date) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    ["Iraqi militia leaders slapped with US sanctions.", "The year 2019 was violent", "Five rockets hit the base"],
)
def test_lines_that_are_not_dates(line: str) -> None:
    assert parse_date_line(line) is None


def test_wire_dateline_dates_the_article_with_the_year_from_the_url() -> None:
    text = (
        "Rockets hit Iraqi base\n\n"
        "BAGHDAD, Dec 29 (Reuters) - Rockets struck a base near Kirkuk on Friday, security sources said.\n\n"
        "Content retrieved from: https://www.reuters.com/article/2019/12/29/us-iraq-security-idUSKBN1YX0AB"
    )
    article = parse_article_text(text)
    assert article.published == date(2019, 12, 29)
    assert article.publisher == "Reuters"
    assert article.text.startswith("BAGHDAD, Dec 29 (Reuters) -")


def test_wire_dateline_year_from_the_text_and_agency_as_publisher() -> None:
    text = "Rockets hit Iraqi base\n\nBAGHDAD, Jan 8 (Reuters) - Iran fired missiles, in the worst attack of 2020."
    article = parse_article_text(text)
    assert article.published == date(2020, 1, 8)
    assert article.publisher == "Reuters"  # no URL: the dateline's credit names the publisher


def test_split_dateline() -> None:
    assert split_dateline("ISTANBUL – Tensions flared.") == ("ISTANBUL – ", "Tensions flared.")
    assert split_dateline("BAGHDAD (AP) — A rocket hit.")[1] == "A rocket hit."
    assert split_dateline("ERBIL, Kurdistan Region — Drones struck.")[1] == "Drones struck."
    assert split_dateline("US officials said - nothing") == ("", "US officials said - nothing")
    assert split_dateline("BAGHDAD/ERBIL (Reuters) - Rockets hit.")[1] == "Rockets hit."
    assert split_dateline("Baghdad (AFP) - Rockets hit.")[1] == "Rockets hit."  # AFP's title case
    assert split_dateline("Baghdad - rockets hit.") == ("", "Baghdad - rockets hit.")  # title case needs a credit


def test_published_overrides_and_rescues_a_missing_date_line(tmp_path: Path) -> None:
    path = tmp_path / "nodate.txt"
    path.write_text("A title\n\nRockets hit a base on Friday.\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"nodate\.txt:\d+: no date line.*--published"):
        read_article(path)
    assert read_article(path, published=date(2020, 3, 13)).published == date(2020, 3, 13)
    assert read_article(SEED, published=date(2019, 12, 9)).published == date(2019, 12, 9)


def test_unknown_host_is_the_publisher() -> None:
    article = parse_article_text("T\n2019-12-28\nBody.\nContent retrieved from: https://www.example.org/a?utm_source=x&id=3")
    assert article.publisher == "example.org"
    assert article.url == "https://www.example.org/a?id=3"


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "# Drone strike at **Baghdad airport**\n\n*Friday 03/01/2020*\n\n"
        "![photo](x.jpg)\n\nA [drone strike](https://example.org/x) hit a convoy near snake_case_road.\n",
        encoding="utf-8",
    )
    article = read_article(path)
    assert article.title == "Drone strike at Baghdad airport"
    assert article.published == date(2020, 1, 3)
    assert "A drone strike hit a convoy near snake_case_road." in article.text


def test_one_line_paragraphs_without_blank_lines_stay_paragraphs() -> None:
    article = parse_article_text("T\n2019-12-28\nCaption line. (AP)\nISTANBUL – Body.\nMore body.")
    assert article.text.split("\n\n") == ["Caption line. (AP)", "ISTANBUL – Body.", "More body."]


def test_json(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"title": "T", "published": "2020-01-08", "url": "https://apnews.com/x", "text": "A rocket hit."}),
        encoding="utf-8",
    )
    article = read_article(path)
    assert (article.title, article.published, article.publisher, article.text) == (
        "T", date(2020, 1, 8), "Associated Press", "A rocket hit."
    )


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"title": "T",\n "text": }', encoding="utf-8")
    with pytest.raises(ArticleError, match=r"bad\.json:2: invalid JSON"):
        read_article(path)
    path.write_text('{"title": "T", "text": "x"}', encoding="utf-8")
    with pytest.raises(ArticleError, match=r"bad\.json: JSON article has no \"published\""):
        read_article(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"empty\.txt: empty file"):
        read_article(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(ArticleError, match=r"image\.txt: binary file"):
        read_article(path)


def test_non_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Title\n2019-12-28\nRockets hit Balad.\nCaf\u00e9 talk.\n".encode("cp1252"))
    with pytest.raises(ArticleError, match=r"latin\.txt:4: not UTF-8 text \(byte 0xe9\)"):
        read_article(path)


def test_oversized_article_is_rejected_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Title\n2019-12-28\n" + "Rockets hit Balad Airbase. " * (5_000_000 // 27), encoding="utf-8")
    assert path.stat().st_size > MAX_ARTICLE_BYTES
    with pytest.raises(ArticleError, match=r"huge\.txt: 5\.0 MB is too large"):
        read_article(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match=r"nothere\.txt: cannot read"):
        read_article(tmp_path / "nothere.txt")


def test_title_only(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="no article body"):
        parse_article_text("Just a title\n", name="t.txt")


def test_split_kicker() -> None:
    assert split_kicker("Exclusive: Rockets hit Balad.") == ("Exclusive: ", "Rockets hit Balad.")
    assert split_kicker("Movement of forces: On 6 May 2022, a convoy left.")[1] == "On 6 May 2022, a convoy left."
    # a sentence with a colon inside is no kicker, nor is a quotation after "said:"
    assert split_kicker("Police said two people were hurt in the attack on the base: both soldiers.")[0] == ""
    assert split_kicker('He said: "We will respond."')[0] == ""
