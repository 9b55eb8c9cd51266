"""The store's places as a gazetteer layer: what an import of ACLED or UCDP rows teaches the
geocoder, and what a user's resolution teaches it.

The villages here are made up (no gazetteer knows them), so that only the import can place them.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from dashboard import authoring
from incidents.geocoding import default_geocoder, geocoder_for
from geo.geocoder import link_shipped_layers
from incidents.geocoding import store_layer_path
from incidents.articles import Article
from incidents.cli import main
from incidents.exchange import import_file
from incidents.extract import Extractor
from incidents.gazetteer import refresh_store_layer, store_places
from incidents.store import IncidentStore

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,iso,country,"
    "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp"
)
# (id, location, admin1, admin2, lat, lon, geo_precision)
ROWS = [
    ("IRQ90001", "Umm Khazrafa", "Diyala", "Khanaqin", 34.2101, 45.1102, 1),
    ("IRQ90002", "Umm Khazrafa", "Diyala", "Khanaqin", 34.2101, 45.1102, 1),
    ("IRQ90003", "Tell Badrunak", "Ninewa", "Sinjar", 36.3303, 41.7704, 2),  # near the place: its point is still the place's
    ("IRQ90004", "Kufr Samsamiya", "Diyala", "Baquba", 33.8105, 44.7106, 1),  # homonyms in two provinces
    ("IRQ90005", "Kufr Samsamiya", "Salah al-Din", "Tikrit", 34.7007, 43.6008, 1),
    ("IRQ90006", "Kufr Samsamiya", "Salah al-Din", "Tikrit", 34.7007, 43.6008, 1),
    ("IRQ90007", "Baghdad - Karrada Sharqiya", "Baghdad", "Karkh", 33.3009, 44.4210, 1),
    ("IRQ90008", "Jurf Zawiyat", "Anbar", "Falluja", 33.2011, 43.9012, 1),
]


def write_acled(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(ACLED_HEADER + "\n")
        writer = csv.writer(out, lineterminator="\n")
        for event_id, location, admin1, admin2, lat, lon, precision in rows:
            writer.writerow([
                event_id, "2022-01-10", "2022", "1", "Explosions/Remote violence", "Shelling/artillery/missile attack",
                "Unidentified Armed Group (Iraq)", "Civilians (Iraq)", "368", "Iraq", admin1, admin2, "", location,
                lat, lon, precision, "Shafaq News", "Shelling hit the village.", "0", "1650000000",
            ])  # fmt: skip
    return path


@pytest.fixture()
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A store, a user gazetteer and a cache folder of the test's own (linking the base layer)."""
    default_geocoder()
    cache = tmp_path / "cache"
    cache.mkdir()
    link_shipped_layers(cache)
    found = {"db": tmp_path / "incidents.sqlite", "user": tmp_path / "user_places.csv", "cache": cache, "tmp": tmp_path}
    monkeypatch.setenv("INCIDENT_MAP_DB", str(found["db"]))
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(found["user"]))
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(cache))
    default_geocoder.cache_clear()
    yield found
    default_geocoder.cache_clear()


def test_an_imported_village_resolves_and_names_its_row(dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    assert geocoder_for().geocode("Umm Khazrafa") is None
    assert main(["import", str(write_acled(dirs["tmp"] / "acled.csv", ROWS)), "-q"]) == 0
    assert "places named by imported events" in capsys.readouterr().out
    found = geocoder_for().geocode("Umm Khazrafa")
    assert (found.latitude, found.longitude) == (34.2101, 45.1102)
    assert found.raw["source"] == "ACLED IRQ90002" and found.raw["source_id"] == "IRQ90002"
    assert (found.raw["layer"], found.raw["events"], found.raw["geo_precision"]) == ("store", 2, 1)
    assert (found.raw["country_code"], found.raw["admin1"], found.raw["admin2"]) == ("IQ", "Diyala", "Khanaqin")
    # its spellings resolve too, and the command line says where the answer came from
    assert geocoder_for().geocode("Umm Khazrafah village").raw["source"] == "ACLED IRQ90002"
    assert main(["geocode", "Umm Khazrafa"]) == 0
    assert '"source": "ACLED IRQ90002", "layer": "store"' in capsys.readouterr().out


def test_a_later_article_naming_the_village_places_it_there(dirs: dict[str, Path]) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    article = Article(
        title="Rockets hit a village in Diyala",
        published=date(2022, 5, 3),
        text="Three rockets struck the village of Umm Khazrafa in Diyala province on Monday, "
        "killing two civilians, security sources said.",
        url="https://example.org/a",
        publisher="Example",
    )
    incidents = Extractor(geocoder_for()).extract(article)
    assert any((i.latitude, i.longitude) == (34.2101, 45.1102) for i in incidents), incidents


def test_every_acled_row_names_its_place(dirs: dict[str, Path]) -> None:
    # ACLED's coordinates are the named place's at every precision: an event near a village
    # (precision 2) or in a region represented by its capital (3) still teaches the name's point
    regional = ("IRQ90009", "Wadi Qasrawi Mountains", "Anbar", "Rutba", 33.0313, 40.9817, 3)
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", [*ROWS, regional]), store)
    places = {place.name: place for place in store_places(store)}
    assert {"Tell Badrunak", "Umm Khazrafa", "Wadi Qasrawi Mountains"} <= set(places)
    refresh_store_layer(store)
    found = geocoder_for().geocode("Tell Badrunak")
    assert (found.latitude, found.longitude, found.raw["geo_precision"]) == (36.3303, 41.7704, 1)
    assert geocoder_for().geocode("Wadi Qasrawi Mountains").raw["source"] == "ACLED IRQ90009"


def test_homonyms_are_ranked_not_averaged(dirs: dict[str, Path]) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    geocoder = geocoder_for()
    diyala, salah_al_din = (33.8105, 44.7106), (34.7007, 43.6008)
    listed = geocoder.geocode("Kufr Samsamiya", exactly_one=False)
    assert [(p.latitude, p.longitude) for p in listed] == [salah_al_din, diyala]  # two events before one
    for context, where in (
        ({"admin1": "Diyala"}, diyala),
        ({"admin1": "Diyala governorate"}, diyala),
        ({"admin1": "Saladin"}, salah_al_din),
        ({"admin1": "Baquba district"}, diyala),
        ({"near": (33.75, 44.6)}, diyala),
        ({"near": (34.6, 43.7)}, salah_al_din),
    ):
        found = geocoder.geocode("Kufr Samsamiya", **context)
        assert (found.latitude, found.longitude) == where, context
    assert (geocoder.geocode("Kufr Samsamiya, Diyala").latitude) == diyala[0]
    assert geocoder.geocode("Kufr Samsamiya", admin1="Basra") is None
    # the page offers both, each naming the row it was learned from
    labels = [c.label for c in authoring.candidates(geocoder, "Kufr Samsamiya")]
    assert labels == [
        "Kufr Samsamiya (city, Salah al-Din, Iraq; ACLED IRQ90006)",
        "Kufr Samsamiya (city, Diyala, Iraq; ACLED IRQ90004)",
    ]


def test_acled_neighbourhood_names_resolve_as_written(dirs: dict[str, Path]) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    found = geocoder_for().geocode("Baghdad - Karrada Sharqiya")
    assert (found.latitude, found.longitude, found.raw["source"]) == (33.3009, 44.4210, "ACLED IRQ90007")
    # an ACLED-style name the store does not hold falls back to the city, coded at the city (precision 1) as ACLED does
    city = geocoder_for().geocode("Baghdad - Qwzx Quarter")
    assert (city.raw["name"], city.raw["geo_precision"]) == ("Baghdad", 1)


def test_ucdp_places_within_25_km_are_learned_without_their_suffix(dirs: dict[str, Path]) -> None:
    path = dirs["tmp"] / "ged.csv"
    columns = [
        "id", "date_start", "date_end", "date_prec", "where_prec", "latitude", "longitude", "side_a", "side_b",
        "best", "low", "high", "type_of_violence", "country", "adm_1", "adm_2", "where_coordinates",
        "source_headline", "source_article",
    ]  # fmt: skip
    rows = [
        ["771001", "2021-03-02", "2021-03-02", "1", "2", "35.1013", "44.0014", "IS", "Government of Iraq",
         "2", "2", "2", "1", "Iraq", "Kirkuk province", "Hawija district", "Sheikh Zawran village", "h", "a"],
        ["771002", "2021-03-05", "2021-03-05", "1", "4", "35.3", "44.2", "IS", "Government of Iraq",
         "1", "1", "1", "1", "Iraq", "Kirkuk province", "", "Qaryat Tawfizan district", "h", "a"],
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    assert main(["import", str(path), "-q"]) == 0
    found = geocoder_for().geocode("Sheikh Zawran")
    # where_prec 2 (within 25 km of it) still gives the named village's point: the village itself
    assert (found.latitude, found.longitude, found.raw["geo_precision"]) == (35.1013, 44.0014, 1)
    assert found.raw["source"] == "UCDP GED 771001"
    assert geocoder_for().geocode("Sheikh Zawran village").raw["source"] == "UCDP GED 771001"
    assert geocoder_for().geocode("Sheikh Zawran", admin1="Kirkuk").raw["admin1"] == "Kirkuk"  # the province's own name
    # where_prec 4 names a district: learned as the district, coded near it (precision 2)
    district = geocoder_for().geocode("Qaryat Tawfizan district")
    assert (district.raw["kind"], district.raw["geo_precision"], district.latitude) == ("admin2", 2, 35.3)


def test_the_layer_is_built_once_and_kept_in_the_index_cache(dirs: dict[str, Path]) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    store.close()
    cached = list(dirs["cache"].glob("store-*.pickle"))
    assert len(cached) == 1
    dirs["db"].unlink()  # look-ups read the cache, never the store
    assert geocoder_for().geocode("Jurf Zawiyat").raw["source"] == "ACLED IRQ90008"
    # another store has its own layer; building it drops the layers of deleted SQLite stores
    other = IncidentStore(dirs["tmp"] / "other.sqlite")
    refresh_store_layer(other)
    assert geocoder_for(other.url).geocode("Jurf Zawiyat") is None
    assert [p.name for p in dirs["cache"].glob("store-*.pickle")] == [store_layer_path(dirs["cache"], other.url).name]


def test_an_import_updates_the_geocoder_of_the_process(dirs: dict[str, Path]) -> None:
    geocoder = default_geocoder()
    assert geocoder.geocode("Jurf Zawiyat") is None
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    assert geocoder.geocode("Jurf Zawiyat").raw["layer"] == "store"


def test_a_layer_of_older_code_is_rebuilt_from_the_store(dirs: dict[str, Path]) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)
    refresh_store_layer(store)
    current = next(dirs["cache"].glob("store-*.pickle"))
    current.rename(current.with_name(current.name.rsplit("-", 1)[0] + "-0000000000000000.pickle"))
    assert geocoder_for().geocode("Jurf Zawiyat").raw["source"] == "ACLED IRQ90008"
    assert [p.name for p in dirs["cache"].glob("store-*.pickle")] == [current.name]


def test_a_users_resolution_resolves_later_articles_and_names_its_source(dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    assert main(["resolve", "Qaryat Umm Nakhlatayn", "34.05", "44.95", "--country", "IQ", "--admin1", "Diyala", "--kind", "city"]) == 0
    capsys.readouterr()
    found = geocoder_for().geocode("Qaryat Umm Nakhlatayn", admin1="Diyala governorate")
    assert (found.latitude, found.longitude) == (34.05, 44.95)
    assert (found.raw["source"], found.raw["layer"], found.raw["admin1"]) == ("user", "user", "Diyala")
    assert geocoder_for().geocode("Qaryat Umm Nakhlatayn", admin1="Basra") is None
    with pytest.raises(TypeError):
        geocoder_for().add_alias("Qaryat Umm Nakhlatayn", 34.05, 44.95, admin1=7)


def test_gazetteer_sources_lists_the_layers_and_their_sizes(dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    main(["import", str(write_acled(dirs["tmp"] / "acled.csv", ROWS)), "-q"])
    capsys.readouterr()
    assert main(["gazetteer", "sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["layer", "places", "name", "keys"]
    by_layer = {line.split()[0]: line.split() for line in lines[1:]}
    assert list(by_layer) == ["user", "store", "base", "wof"]
    # six places: Umm Khazrafa, Tell Badrunak, two Kufr Samsamiya, the Karrada neighbourhood, Jurf Zawiyat
    assert by_layer["store"][1] == "6" and by_layer["store"][3] == "8"
    assert int(by_layer["base"][1].replace(",", "")) > 200_000


def test_gazetteer_build_rebuilds_the_store_layer(dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    store = IncidentStore(dirs["db"])
    import_file(write_acled(dirs["tmp"] / "acled.csv", ROWS), store)  # no layer built by the API call
    store.close()
    assert geocoder_for().geocode("Jurf Zawiyat") is None
    assert main(["gazetteer", "build"]) == 0
    assert "(6 from the store)" in capsys.readouterr().out
    assert geocoder_for().geocode("Jurf Zawiyat") is not None
