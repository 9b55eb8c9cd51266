"""Extraction benchmark: articles a second on generated articles, against a naive baseline.

    .venv/bin/python bench/bench_extract.py                 # 1,000 articles, baseline on 100
    .venv/bin/python bench/bench_extract.py --articles 200  # quick look

Two kinds of article. Generated ones: rendered from incidents.synthetic's incidents (real places, lexicon actors), one to
three incidents each, padded with the kinds of sentences that must not become incidents
(statements, threats, aggregates, captions, datelines, background), to about 600 words: a news
article's length. Real ones: the reports of each dev set in ../shared/devsets/ (their read part
only: never the articles whose number ends in 0 or 5), joined in the set's order into articles
of 600 words, read at run time and skipped when the folder is absent; they hold more event
sentences than the generated ones (wire leads and ACLED notes are all events).

The naive baseline does what a first attempt would: dateparser's search_dates over every
sentence, and a scan of every gazetteer name against every sentence (no tokenisation, no
index). It runs on fewer articles, since it is slow; the ratio compares articles a second.
Recall is the share of generated incidents found with their date and place.
"""

from __future__ import annotations

import os

# One core: numpy's BLAS (the parser's matrix products) would otherwise use every core.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from geo.normalize import name_key
from incidents.articles import Article, parse_article_text, read_article
from incidents.extract import Extractor, place_names_for
from incidents.model import Incident, TimePrecision
from incidents.synthetic import generate_incidents

FILLER = (
    "US Secretary of State Mike Pompeo announced sanctions on militia leaders in a statement on Monday.",
    "“The people want their country back,” he said in a statement.",
    "Washington said it was considering the deployment of additional forces to the Gulf region.",
    "The attacks have averaged more than one per week over the past six weeks, officials said.",
    "US President Donald Trump vowed to respond strongly to any threat from Iran against US interests.",
    "Analysts warned that militias could strike bases across the region if tensions rise.",
    "Tehran said it had nothing to do with the incidents and accused Washington of provocation.",
    "The prime minister met tribal leaders in Baghdad to discuss the security situation.",
    "“We must take it seriously,” the former commander said in an analysis for a think tank.",
    "Parliament is expected to vote on the budget next week.",
    "The attack came as tensions rose between Washington and Tehran over the nuclear deal and the sanctions that followed it.",
    "Militia leaders have repeatedly called for the withdrawal of foreign troops from the country, and some have threatened to attack them.",
    "Security officials said the investigation was continuing and that several suspects had been questioned by the police.",
    "The government spokesman told reporters in the capital that the security forces were in full control of the situation.",
    "Residents said they heard several explosions during the night but could not say where they came from.",
    "A senior commander of the group, speaking on condition of anonymity, said the fighters would not lay down their weapons.",
    "Human rights groups have accused all sides of abuses, including the killing of civilians and the destruction of homes.",
    "The United Nations envoy urged restraint and called on all parties to return to talks as soon as possible.",
    "Analysts said the violence could undermine efforts to rebuild the province after years of war.",
    "Oil prices rose on the news, with traders citing worries about supplies from the region.",
    "The ministry said it would publish the findings of its inquiry within two weeks.",
    "Local officials said schools and markets in the district would remain closed until further notice.",
)
# Words per article: about a news article's length.
ARTICLE_WORDS = 600
DEVSETS = Path(__file__).resolve().parent.parent.parent / "shared" / "devsets"
_SPEAKERS = ("Security sources", "US officials", "Iraqi officials", "A police source", "Local officials")


def _date_phrase(incident: Incident, published: date, rng: random.Random) -> str:
    day = incident.event_date
    if incident.time_precision == TimePrecision.MONTH:
        return f"in {day:%B}" if (day.year, day.month) != (published.year, published.month) else "earlier this month"
    if incident.time_precision == TimePrecision.WEEK:
        weeks_back = published.isocalendar()[1] - day.isocalendar()[1] + 52 * (published.year - day.year)
        if weeks_back in (0, 1):
            return ("this week", "last week")[weeks_back]
        return f"on {day:%B} {day.day}"
    if 0 < (published - day).days < 6 and rng.random() < 0.5:
        return f"on {day:%A}"
    return f"on {day:%B} {day.day}"


def _incident_sentence(incident: Incident, published: date, rng: random.Random) -> str:
    place = incident.location or incident.place_name
    preposition = "" if place.startswith("near ") else "in "
    when = _date_phrase(incident, published, rng)
    toll = rng.choice(("", ", killing two people", ", wounding 5 people", " without causing casualties"))
    if incident.event_type == "Explosions/Remote violence":
        if "drone" in incident.sub_event_type.lower():
            return f"A drone strike hit a vehicle {preposition}{place} {when}{toll}."
        if "IED" in incident.sub_event_type:
            return f"A roadside bomb exploded near a patrol {preposition}{place} {when}{toll}."
        return f"{rng.choice(('Two Katyusha rockets', 'Five rockets', 'Three mortar rounds'))} hit {place} {when}{toll}."
    if incident.event_type == "Battles":
        return f"Security forces clashed with gunmen {preposition}{place} {when}{toll}."
    if incident.event_type == "Protests":
        return f"Hundreds of protesters gathered {preposition}{place} {when} to demand jobs and services."
    if incident.event_type == "Riots":
        return f"Protesters stormed a government building {preposition}{place} {when}."
    return f"Gunmen opened fire on a checkpoint {preposition}{place} {when}{toll}."


def render_articles(count: int, *, seed: int = 0) -> tuple[list[Article], dict[str, list[Incident]]]:
    """`count` articles and, per article, the incidents written into it."""
    rng = random.Random(seed)
    by_source: dict[str, list[Incident]] = defaultdict(list)
    order: list[str] = []
    for incident in generate_incidents(count * 3, seed=seed):
        key = incident.sources[0].source_id
        if key not in by_source:
            if len(order) == count:
                break
            order.append(key)
        if len(by_source[key]) < 3 and incident.location:
            by_source[key].append(incident)
    articles: list[Article] = []
    truth: dict[str, list[Incident]] = {}
    for number, key in enumerate(order):
        incidents = by_source[key]
        if not incidents:
            continue
        published = max(i.event_date for i in incidents) + timedelta(days=rng.randrange(0, 3))
        paragraphs = [f"A damaged vehicle at a checkpoint in {incidents[0].location}, {published:%B} {published.day}. (AP)"]
        paragraphs.append(f"BAGHDAD – {rng.choice(FILLER)} {rng.choice(FILLER)}")
        for incident in incidents:
            sentence = _incident_sentence(incident, published, rng)
            attribution = f" {rng.choice(_SPEAKERS)} said they suspected {incident.actor1} of being behind the attack." if rng.random() < 0.5 else ""
            paragraphs.append(sentence + attribution)
            paragraphs.extend(rng.sample(FILLER, 2))
        while sum(len(p.split()) for p in paragraphs) < ARTICLE_WORDS:
            paragraphs.append(" ".join(rng.sample(FILLER, 3)))
        text = (
            f"Generated report {seed}-{number}\n{published:%A} {published:%d/%m/%Y}\n\n"
            + "\n\n".join(paragraphs)
            + f"\n\nContent retrieved from: https://example.org/generated/{seed}-{number}\n"
        )
        article = parse_article_text(text, name=f"generated-{number}")
        articles.append(article)
        truth[article.source_id] = incidents
    return articles, truth


def joined_articles(folder: Path, words: int = ARTICLE_WORDS) -> list[Article]:
    """The read part of a dev set's reports, joined in its order into articles of `words` words:
    each report a paragraph, the article dated by its first report (so a relative date in a later
    report may resolve to another day; only the speed is measured here)."""
    from eval_extraction import held_out

    articles: list[Article] = []
    bodies: list[str] = []
    first: Article | None = None
    with (folder / "gold.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            file = json.loads(line)["file"]
            if held_out(file):
                continue  # the never-read part
            report = read_article(folder / file)
            first = first or report
            bodies.append(report.text)
            if sum(len(body.split()) for body in bodies) >= words:
                articles.append(Article(title=first.title, published=first.published, text="\n\n".join(bodies)))
                bodies, first = [], None
    return articles


def time_real(extractor: Extractor, articles: list[Article], rounds: int = 3) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds, incidents) of extract_many over the articles,
    each round on a new extractor (its geocoder answers cached per extractor)."""
    walls, cpus, produced = [], [], 0
    for _ in range(rounds):
        fresh = Extractor(extractor.geocoder)
        start, cpu = time.perf_counter(), time.process_time()
        produced = sum(len(found) for found in fresh.extract_many(articles))
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), produced


def naive_extract(article: Article, names: tuple[str, ...]) -> int:
    """The baseline: dateparser.search over each sentence, every gazetteer name tested in each."""
    from dateparser.search import search_dates

    base = {"RELATIVE_BASE": datetime(article.published.year, article.published.month, article.published.day)}
    found = 0
    for sentence in re.split(r"(?<=[.!?])\s+", article.text):
        dates = search_dates(sentence, languages=["en"], settings=base) or []
        places = [name for name in names if name in sentence]
        found += bool(dates and places)
    return found


def _same_period(found: Incident, wanted: Incident) -> bool:
    """Found on the generated day, or in its week or month when the text only gave those."""
    if found.time_precision == TimePrecision.MONTH:
        return (found.event_date.year, found.event_date.month) == (wanted.event_date.year, wanted.event_date.month)
    if found.time_precision == TimePrecision.WEEK:
        return found.event_date.isocalendar()[:2] == wanted.event_date.isocalendar()[:2]
    return found.event_date == wanted.event_date


def recall(articles: list[Article], extracted: list[list[Incident]], truth: dict[str, list[Incident]]) -> tuple[int, int, int, int]:
    """(generated incidents, found with their date and place, extracted in all, extracted that match none)."""
    expected = found = produced = invented = 0
    for article, incidents in zip(articles, extracted, strict=True):
        wanted_here = truth[article.source_id]
        produced += len(incidents)

        def matches(got: Incident, wanted: Incident) -> bool:
            return _same_period(got, wanted) and got.location.lower() in wanted.location.lower()

        expected += len(wanted_here)
        found += sum(any(matches(i, w) for i in incidents) for w in wanted_here)
        invented += sum(not any(matches(i, w) for w in wanted_here) for i in incidents)
    return expected, found, produced, invented


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--baseline-articles", type=int, default=100)
    parser.add_argument("--devsets", type=Path, default=DEVSETS, help="a folder of dev sets (real reports, read at run time)")
    args = parser.parse_args(argv)

    from incidents.geocoding import default_geocoder

    articles, truth = render_articles(args.articles)
    words = sum(len(a.text.split()) for a in articles)

    start = time.perf_counter()
    geocoder = default_geocoder()
    geocoder_seconds = time.perf_counter() - start
    start = time.perf_counter()
    extractor = Extractor(geocoder)
    extractor.extract(articles[0])
    cold_seconds = time.perf_counter() - start

    start, cpu = time.perf_counter(), time.process_time()
    extracted = extractor.extract_many(articles)
    warm_seconds, warm_cpu = time.perf_counter() - start, time.process_time() - cpu
    expected, found, produced, invented = recall(articles, extracted, truth)
    start, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        extractor.extract(article)
    single_seconds, single_cpu = time.perf_counter() - start, time.process_time() - cpu

    start = time.perf_counter()
    names = place_names_for(geocoder)
    keys = {name_key(name).key for name in names}
    uncached_keys_seconds = time.perf_counter() - start
    subset = articles[: args.baseline_articles]
    start = time.perf_counter()
    for article in subset:
        naive_extract(article, names)
    naive_seconds = time.perf_counter() - start

    real_rows = []
    for folder in sorted(p for p in args.devsets.glob("*") if (p / "gold.jsonl").is_file()) if args.devsets.is_dir() else []:
        joined = joined_articles(folder)
        if not joined:
            continue
        wall, cpu, produced_real = time_real(extractor, joined)
        real_words = sum(len(a.text.split()) for a in joined)
        real_rows.append((f"real: {folder.name} reports joined (read part; median of 3)", f"{len(joined):,}", f"{real_words:,}", f"{wall:.2f}", f"{len(joined) / wall:,.0f}", f"{produced_real:,} incidents"))
        real_rows.append(("  the same, per CPU second (one core)", "", "", f"{cpu:.2f}", f"{len(joined) / cpu:,.0f}", ""))

    ours_rate = len(articles) / warm_seconds
    naive_rate = len(subset) / naive_seconds
    rows = [
        ("geocoder load (default_geocoder)", "", "", f"{geocoder_seconds:.2f}", "", ""),
        ("extractor start-up (pipeline, cached place keys, 1st article)", "", "", f"{cold_seconds:.2f}", "", ""),
        ("place keys without the cache (list + normalise names)", f"{len(names):,} names", "", f"{uncached_keys_seconds:.2f}", "", f"{len(keys):,} keys"),
        ("extractor, warm, all articles at once (extract_many)", f"{len(articles):,}", f"{words:,}", f"{warm_seconds:.2f}", f"{ours_rate:,.0f}", f"{produced:,} incidents"),
        ("  the same, per CPU second (one core)", "", "", f"{warm_cpu:.2f}", f"{len(articles) / warm_cpu:,.0f}", ""),
        ("extractor, warm, one article at a time (extract)", f"{len(articles):,}", "", f"{single_seconds:.2f}", f"{len(articles) / single_seconds:,.0f}", ""),
        ("  the same, per CPU second (one core)", "", "", f"{single_cpu:.2f}", f"{len(articles) / single_cpu:,.0f}", ""),
        *real_rows,
        ("naive: search_dates + name scan", f"{len(subset):,}", "", f"{naive_seconds:.2f}", f"{naive_rate:,.1f}", ""),
        ("ratio (articles/s, ours / naive)", "", "", "", f"{ours_rate / naive_rate:,.0f}x", ""),
        ("recall: generated incidents found (date + place)", f"{expected:,}", "", "", "", f"{found:,} ({found / expected:.0%})"),
        ("extracted incidents matching none generated", f"{produced:,}", "", "", "", f"{invented:,} ({invented / max(produced, 1):.1%})"),
    ]
    header = ("measure", "articles", "words", "seconds", "articles/s", "result")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
