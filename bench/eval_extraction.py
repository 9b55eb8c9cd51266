"""Score the extractor on a gold set of real reports: incident precision and recall, and agreement.

    .venv/bin/python bench/eval_extraction.py ../shared/devsets/acled-2022-me
    .venv/bin/python bench/eval_extraction.py DIR --errors          # the misses, by kind
    .venv/bin/python bench/eval_extraction.py DIR --system naive    # the trigger-word baseline
    PYTHONPATH=/tmp/old .venv/bin/python bench/eval_extraction.py DIR   # another checkout's extractor
    .venv/bin/python bench/eval_extraction.py DIR --learn-before 2022-04-01   # with the user's data

DIR holds `gold.jsonl` (one object per article: `file`, `published`, `incidents` with `date`,
`date_window`, `lat`, `lon`, `tolerance_km` and ACLED's coding fields, null where the set has none)
and the article files it names: ../shared/devsets/acled-2022-me (ACLED's coded notes) and
../shared/devsets/pitf-2013-2015-me (wire-news descriptions) are both in this layout. The folder is
read at run time and never copied into the project; without it the script says so and exits 0.

A predicted incident matches a gold one of its article when its date lies in the gold
`date_window` (ACLED: the day itself; PITF: the day before the start to the day after the end)
and its point within the gold tolerance (ACLED: 10 / 25 / 150 km for geo_precision 1 / 2 / 3);
each gold incident is matched at most once, nearest first. Precision = matched / predicted,
recall = matched / gold, summed over articles. On matched pairs: agreement of event type,
sub-event type, actor 1's group (both names through our actor lexicon; an actor the lexicon
lacks is "Other"), actor 1's name, geo and time precision, and fatalities (an unstated toll
counts as 0, as ACLED codes it); a pair whose gold field is null is not counted for that field,
and the actor measures need ACLED's coding (PITF's perpetrator is free text). "Foreign country"
counts predicted incidents placed in a country that is not the country of any gold incident.

The never-read part: the articles whose number ends in 0 or 5 (HELD_OUT), fixed once for every
set. Rules are written against the other articles ("read"); the held-out ones are only scored,
to confirm a change: what gains on the read part and not on the held-out one is a fit to those
reports. The table shows both parts and their gap; --errors lists misses of the read part only.

--learn-before DATE scores the articles from DATE on twice: with the gazetteers that ship, and
with the places of the gold incidents before DATE imported as a user's ACLED export (a temporary
store whose places layer the geocoder searches), as a team that holds its region's history has.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from incidents.actors import actor_group_for, canonical_actor
from incidents.articles import Article, read_article
from incidents.model import Incident

Extract = Callable[[list[Article]], list[list[Incident]]]


@dataclass
class GoldIncident:
    day: date
    latitude: float
    longitude: float
    tolerance_km: float
    record: dict
    window: tuple[date, date] = (date.min, date.max)  # days that count as the right date

    def __post_init__(self) -> None:
        if self.window == (date.min, date.max):
            self.window = (self.day, self.day)

    def on_date(self, day: date) -> bool:
        return self.window[0] <= day <= self.window[1]


# The part of every gold set that is never read, only scored: article numbers ending in 0 or 5.
HELD_OUT_EVERY = 5
PARTS = ("read", "held-out", "all")


def held_out(file: str) -> bool:
    """Whether an article belongs to the never-read part (articles/0015.txt does; 0016 does not)."""
    digits = re.sub(r"\D", "", Path(file).stem)
    return bool(digits) and int(digits) % HELD_OUT_EVERY == 0


def in_part(file: str, part: str) -> bool:
    return part == "all" or held_out(file) == (part == "held-out")


@dataclass
class Pair:
    gold: GoldIncident
    found: Incident
    km: float


@dataclass
class Scored:
    """One article's outcome."""

    file: str
    article: Article
    gold: list[GoldIncident]
    found: list[Incident]
    pairs: list[Pair] = field(default_factory=list)

    @property
    def missed(self) -> list[GoldIncident]:
        matched = {id(p.gold) for p in self.pairs}
        return [g for g in self.gold if id(g) not in matched]

    @property
    def spurious(self) -> list[Incident]:
        matched = {id(p.found) for p in self.pairs}
        return [f for f in self.found if id(f) not in matched]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def load_gold(folder: Path, limit: int | None = None) -> list[tuple[str, Article, list[GoldIncident]]]:
    rows: list[tuple[str, Article, list[GoldIncident]]] = []
    with (folder / "gold.jsonl").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if limit is not None and len(rows) >= limit:
                break
            record = json.loads(line)
            try:
                article = read_article(folder / record["file"])
            except (OSError, ValueError) as error:
                raise SystemExit(f"{folder / 'gold.jsonl'}:{number}: {error}") from error
            gold = [
                GoldIncident(
                    date.fromisoformat(i["date"]),
                    float(i["lat"]),
                    float(i["lon"]),
                    float(i["tolerance_km"]),
                    i,
                    _window(i),
                )
                for i in record["incidents"]
                if i.get("lat") is not None and i.get("lon") is not None
            ]
            rows.append((record["file"], article, gold))
    return rows


def _window(record: dict) -> tuple[date, date]:
    window = record.get("date_window")
    if not window:
        day = date.fromisoformat(record["date"])
        return day, day
    return date.fromisoformat(window[0]), date.fromisoformat(window[1])


def match(scored: Scored) -> None:
    """Pair predictions with gold incidents: date in window, within tolerance, nearest pairs first."""
    options = []
    for gold in scored.gold:
        for found in scored.found:
            if not gold.on_date(found.event_date) or found.latitude is None or found.longitude is None:
                continue
            km = haversine_km((gold.latitude, gold.longitude), (found.latitude, found.longitude))
            if km <= gold.tolerance_km:
                options.append((km, id(gold), id(found), gold, found))
    used: set[int] = set()
    for km, gold_id, found_id, gold, found in sorted(options, key=lambda o: o[0]):
        if gold_id in used or found_id in used:
            continue
        used.update((gold_id, found_id))
        scored.pairs.append(Pair(gold, found, km))


def _same_actor(gold: str, found: str) -> bool:
    return bool(gold) and (canonical_actor(gold) or gold.lower()) == (canonical_actor(found) or found.lower())


# (measure, the gold field it needs non-null, whether the pair agrees). Actor names are ACLED's
# only where the event is ACLED-coded (an event type); PITF's perpetrator is free text.
AGREEMENTS: tuple[tuple[str, str, Callable[[Pair], bool]], ...] = (
    ("event_type", "event_type", lambda p: p.found.event_type == p.gold.record["event_type"]),
    ("sub_event_type", "sub_event_type", lambda p: p.found.sub_event_type == p.gold.record["sub_event_type"]),
    ("actor group", "event_type", lambda p: actor_group_for(p.found.actor1) == actor_group_for(p.gold.record["actor1"] or "")),
    ("actor1 name", "event_type", lambda p: _same_actor(p.gold.record["actor1"] or "", p.found.actor1)),
    ("geo_precision", "geo_precision", lambda p: p.found.geo_precision == p.gold.record["geo_precision"]),
    ("time_precision", "time_precision", lambda p: int(p.found.time_precision) == p.gold.record["time_precision"]),
    ("fatalities", "fatalities", lambda p: (p.found.fatalities or 0) == (p.gold.record["fatalities"] or 0)),
)


def scorable(pair: Pair, needs: str) -> bool:
    return pair.gold.record.get(needs) is not None


@lru_cache(maxsize=256)
def country_code(name: str) -> str:
    """ISO code of a country as ACLED names it ("Palestine" -> "PS"), through our gazetteer."""
    from incidents.geocoding import default_geocoder

    found = default_geocoder().geocode(name, kinds=["country"])
    return found.raw["country_code"] if found is not None else name


def foreign(scored: Scored) -> list[Incident]:
    countries = {country_code(g.record["country"]) for g in scored.gold}
    return [f for f in scored.found if f.iso and f.iso not in countries]


def measures(results: list[Scored]) -> list[tuple[str, float | None, str]]:
    """(measure, value, count) rows of one part; value None where nothing could be scored."""
    gold = sum(len(s.gold) for s in results)
    found = sum(len(s.found) for s in results)
    pairs = [p for s in results for p in s.pairs]
    matched = len(pairs)
    precision = matched / found if found else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    rows: list[tuple[str, float | None, str]] = [
        ("incident precision (date in window, point within tolerance)", precision, f"{matched:,} / {found:,}"),
        ("incident recall", recall, f"{matched:,} / {gold:,}"),
        ("F1", f1, ""),
    ]
    for name, needs, agrees in AGREEMENTS:
        counted = [p for p in pairs if scorable(p, needs)]
        agreeing = sum(agrees(p) for p in counted)
        value = agreeing / len(counted) if counted else None
        rows.append((f"{name} agreement, matched pairs", value, f"{agreeing:,} / {len(counted):,}"))
    placed_abroad = sum(len(foreign(s)) for s in results)
    rows.append(("incidents placed in a country the gold does not name", placed_abroad / max(found, 1), f"{placed_abroad:,} / {found:,}"))
    no_incident = sum(1 for s in results if not s.found)
    rows.append(("articles with no incident at all", no_incident / max(len(results), 1), f"{no_incident:,} / {len(results):,}"))
    return rows


def report(results: list[Scored], seconds: float, label: str) -> list[str]:
    """The table: the read part, the never-read part, their gap, and all articles."""
    parts = {part: [s for s in results if in_part(s.file, part)] for part in PARTS}
    columns = {part: measures(rows) for part, rows in parts.items() if rows}
    lines = [
        f"system: {label}; {len(results):,} articles in {seconds:.1f} s ({len(results) / max(seconds, 1e-9):,.0f} articles/s);"
        f" read {len(parts['read']):,}, never read (held out) {len(parts['held-out']):,}",
        "",
        "| measure | read | never read | gap | all | count (all) |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def cell(part: str, i: int) -> str:
        value = columns[part][i][1] if part in columns else None
        return "" if value is None else f"{value:.3f}"

    for i, (name, value, count) in enumerate(columns["all"]):
        if value is None:
            continue  # a field this gold set does not code
        read, held = (columns[p][i][1] if p in columns else None for p in ("read", "held-out"))
        gap = f"{read - held:+.3f}" if read is not None and held is not None else ""
        lines.append(f"| {name} | {cell('read', i)} | {cell('held-out', i)} | {gap} | {cell('all', i)} | {count} |")
    return lines


def miss_kind(scored: Scored, gold: GoldIncident) -> tuple[str, str]:
    """Why a gold incident was not matched, and a short detail."""
    if not scored.found:
        return "no incident from the report", ""
    same_day = [f for f in scored.found if gold.on_date(f.event_date)]
    if not same_day:
        got = ", ".join(sorted({f.event_date.isoformat() for f in scored.found}))
        return "wrong date", f"gold {gold.day}, found {got}"
    placed = [f for f in same_day if f.latitude is not None]
    if not placed:
        return "place unresolved", "; ".join(f.location for f in same_day)
    nearest = min(placed, key=lambda f: haversine_km((gold.latitude, gold.longitude), (f.latitude, f.longitude)))
    km = haversine_km((gold.latitude, gold.longitude), (nearest.latitude, nearest.longitude))
    kind = "wrong place, another country" if nearest.iso and nearest.iso != country_code(gold.record["country"]) else "wrong place"
    if any(p.found is nearest for p in scored.pairs):
        kind = "one incident found where the gold has several"
    return kind, f"{km:,.0f} km: found {nearest.place_name or nearest.location!r} (precision {nearest.geo_precision}), gold {gold.record['location']!r} (precision {gold.record['geo_precision']})"


def errors(results: list[Scored], per_kind: int) -> list[str]:
    """The misses and disagreements of the read part, by kind (never the held-out articles)."""
    by_kind: dict[str, list[str]] = {}
    for scored in results:
        if held_out(scored.file):
            continue
        for gold in scored.missed:
            kind, detail = miss_kind(scored, gold)
            body = " ".join(scored.article.text.split())
            by_kind.setdefault(f"missed: {kind}", []).append(f"{scored.file}: {detail}\n      {body[:300]}")
        for found in scored.spurious:
            detail = f"{found.event_date} {found.event_type}/{found.sub_event_type} at {found.place_name or found.location!r}"
            by_kind.setdefault("spurious (matches no gold incident)", []).append(f"{scored.file}: {detail}\n      {found.source_sentence[:300]}")
        for pair in scored.pairs:
            for name, needs, agrees in AGREEMENTS:
                if scorable(pair, needs) and not agrees(pair):
                    gold_value = {
                        "event_type": pair.gold.record["event_type"],
                        "sub_event_type": pair.gold.record["sub_event_type"],
                        "actor group": actor_group_for(pair.gold.record["actor1"] or ""),
                        "actor1 name": pair.gold.record["actor1"],
                        "geo_precision": pair.gold.record["geo_precision"],
                        "time_precision": pair.gold.record["time_precision"],
                        "fatalities": pair.gold.record["fatalities"],
                    }[name]
                    found_value = {
                        "event_type": pair.found.event_type,
                        "sub_event_type": pair.found.sub_event_type,
                        "actor group": pair.found.actor_group,
                        "actor1 name": pair.found.actor1,
                        "geo_precision": pair.found.geo_precision,
                        "time_precision": int(pair.found.time_precision),
                        "fatalities": pair.found.fatalities,
                    }[name]
                    by_kind.setdefault(f"disagrees: {name}", []).append(
                        f"{scored.file}: gold {gold_value!r}, found {found_value!r}\n      {pair.found.source_sentence[:300]}"
                    )
    lines: list[str] = []
    for kind, examples in sorted(by_kind.items(), key=lambda item: -len(item[1])):
        lines.append(f"\n## {kind}: {len(examples):,}")
        lines.extend(f"  {example}" for example in examples[:per_kind])
    return lines


# -- the systems -------------------------------------------------------------------------------


def extractor_system(geocoder: object | None = None) -> Extract:
    from incidents.extract import Extractor

    extractor = Extractor(geocoder)
    many = getattr(extractor, "extract_many", None)
    if many is not None:
        return lambda articles: list(many(articles))
    return lambda articles: [extractor.extract(article) for article in articles]


# The baseline a first afternoon would write: a trigger word makes a sentence an incident, dated
# by the first date dateparser finds in it (else the report's date), placed at the first
# capitalised name after "in/near/at/of" that the geocoder knows, by the first lexicon actor named.
_NAIVE_TRIGGERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("Protests", "Peaceful protest", re.compile(r"\b(?:protest\w*|demonstrat\w*|rall(?:y|ied))\b", re.I)),
    ("Riots", "Violent demonstration", re.compile(r"\briot\w*\b", re.I)),
    ("Explosions/Remote violence", "Air/drone strike", re.compile(r"\b(?:air ?strikes?|drones?|warplanes?)\b", re.I)),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", re.compile(r"\b(?:shell\w*|rockets?|missiles?|mortars?|artillery)\b", re.I)),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", re.compile(r"\b(?:IEDs?|bombs?|explo\w+|landmines?|mines?)\b", re.I)),
    ("Battles", "Armed clash", re.compile(r"\b(?:clash\w*|fight\w*|attack\w*)\b", re.I)),
    ("Violence against civilians", "Attack", re.compile(r"\b(?:kill\w*|shot|shoot\w*|murder\w*)\b", re.I)),
    ("Strategic developments", "Arrests", re.compile(r"\b(?:arrest\w*|detain\w*)\b", re.I)),
)
_PLACE_AFTER_PREPOSITION = re.compile(r"\b(?:in|near|at|of)\s+(?:the\s+)?([A-Z][\w'’-]+(?:\s+(?:al-|Al-|Al\s)?[A-Z][\w'’-]+)*)")


def naive_system() -> Extract:
    from dateparser.search import search_dates

    from incidents.geocoding import default_geocoder
    from incidents.actors import actors
    from incidents.model import stable_id

    geocoder = default_geocoder()
    names = sorted(((name, actor) for actor in actors() for name in actor.names), key=lambda item: -len(item[0]))

    def one(article: Article) -> list[Incident]:
        found: list[Incident] = []
        for number, sentence in enumerate(re.split(r"(?<=[.!?])\s+", article.text)):
            trigger = next(((t, s) for t, s, pattern in _NAIVE_TRIGGERS if pattern.search(sentence)), None)
            if trigger is None:
                continue
            base = {"RELATIVE_BASE": __import__("datetime").datetime(article.published.year, article.published.month, article.published.day)}
            dates = search_dates(sentence, languages=["en"], settings=base) or []
            day = dates[0][1].date() if dates else article.published
            location = None
            for run in _PLACE_AFTER_PREPOSITION.findall(sentence):
                location = geocoder.geocode(run)
                if location is not None:
                    break
            actor = next((a.name for name, a in names if name in sentence), "")
            found.append(
                Incident(
                    event_id=stable_id(article.source_id, number),
                    event_date=day,
                    event_type=trigger[0],
                    sub_event_type=trigger[1],
                    actor1=actor,
                    actor_group=actor_group_for(actor),
                    latitude=location.latitude if location else None,
                    longitude=location.longitude if location else None,
                    location=location.raw["name"] if location else "",
                    place_name=location.raw["name"] if location else "",
                    geo_precision=location.raw["geo_precision"] if location else None,
                    country=location.raw["country"] if location else "",
                    iso=location.raw["country_code"] if location else "",
                    source_sentence=sentence,
                )
            )
        return found

    return lambda articles: [one(article) for article in articles]


SYSTEMS: dict[str, Callable[[], Extract]] = {"extractor": extractor_system, "naive": naive_system}


def evaluate(
    folder: Path,
    system: str = "extractor",
    limit: int | None = None,
    since: date | None = None,
    geocoder: object | None = None,
    part: str = "all",
) -> tuple[list[Scored], float]:
    rows = [
        row
        for row in load_gold(folder, limit)
        if (since is None or row[1].published >= since) and in_part(row[0], part)
    ]
    extract = extractor_system(geocoder) if geocoder is not None else SYSTEMS[system]()
    start = time.perf_counter()
    predictions = extract([article for _, article, _ in rows])
    seconds = time.perf_counter() - start
    results = []
    for (file, article, gold), found in zip(rows, predictions, strict=True):
        scored = Scored(file, article, gold, found)
        match(scored)
        results.append(scored)
    return results, seconds


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder with gold.jsonl and the article files it names")
    parser.add_argument("--system", choices=sorted(SYSTEMS), default="extractor")
    parser.add_argument("--errors", action="store_true", help="list the misses and disagreements by kind")
    parser.add_argument("--examples", type=int, default=15, help="examples per kind with --errors")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--part", choices=PARTS, default="all", help="score only the read or the held-out articles (default: all, shown by part)")
    parser.add_argument("--learn-before", type=date.fromisoformat, metavar="YYYY-MM-DD", help="score later articles without and with the earlier gold incidents imported")
    args = parser.parse_args(None if argv is None else list(argv))
    if not (args.folder / "gold.jsonl").is_file():
        print(f"skipped: no gold set at {args.folder} (expected {args.folder / 'gold.jsonl'})")
        return 0
    if args.learn_before is not None:
        return learn_before(args.folder, args.learn_before, args.limit)
    results, seconds = evaluate(args.folder, args.system, args.limit, part=args.part)
    if args.errors:
        print("\n".join(errors(results, args.examples)))
        print()
    print("\n".join(report(results, seconds, args.system)))
    return 0


def learn_before(folder: Path, split: date, limit: int | None) -> int:
    """Score the articles from `split` on without and with the earlier gold incidents as a store."""
    import tempfile

    from bench_devset_places import scratch_cache, write_acled_csv

    from incidents.geocoding import default_geocoder, geocoder_for
    from incidents.exchange import import_file
    from incidents.gazetteer import refresh_store_layer
    from incidents.store import IncidentStore

    shipped = default_geocoder()
    earlier = [
        incident
        for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        for incident in json.loads(line)["incidents"]
        if date.fromisoformat(incident["event_date"]) < split
    ]
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        cache = scratch_cache(scratch_dir)
        export = scratch_dir / "earlier.csv"
        write_acled_csv(export, earlier, shipped)
        store = IncidentStore(scratch_dir / "store.sqlite")
        import_file(export, store)
        refresh_store_layer(store, cache_dir=cache)
        store.close()
        learned = geocoder_for(scratch_dir / "store.sqlite", cache_dir=cache, user_gazetteer=scratch_dir / "user.csv")
        for label, geocoder in (("gazetteers that ship", shipped), (f"with the {len(earlier):,} incidents before {split} imported", learned)):
            results, seconds = evaluate(folder, limit=limit, since=split, geocoder=geocoder)
            print(f"## articles from {split} on, {label}")
            print("\n".join(report(results, seconds, "extractor")))
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
