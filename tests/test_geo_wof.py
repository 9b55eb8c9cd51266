"""Who's On First places: the shipped layer of the region, a user's import of another
repository, districts and provinces as places, and the guards on common words.

The repository below is written by the test in WOF's layout (one GeoJSON feature a place under
data/); its places are made up, so that only the import can place them.
"""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest

from geo.geocoder import link_shipped_layers
from geo.sources import GazetteerError
from geo.wof import read_file, read_repository
from incidents.articles import Article
from incidents.cli import main
from incidents.extract import Extractor
from incidents.geocoding import default_geocoder, geocoder_for

REGION, DISTRICT, OTHER_DISTRICT = 900001, 900010, 900011


def _feature(wof_id: int, name: str, placetype: str, lat: float, lon: float, **properties: object) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {
            "wof:id": wof_id, "wof:name": name, "wof:placetype": placetype, "wof:country": "IQ",
            "geom:latitude": lat, "geom:longitude": lon, "wof:superseded_by": [], "mz:is_current": -1,
            "edtf:deprecated": "uuuu", **properties,
        },
    }  # fmt: skip


def _in(county: int) -> dict:
    return {"wof:hierarchy": [{"region_id": REGION, "county_id": county}]}


FEATURES = [
    _feature(REGION, "Qarnawa", "region", 35.50, 43.00, **{"name:ara_x_preferred": ["قرناوة"]}),
    _feature(DISTRICT, "Dastur", "county", 35.30, 43.20, **_in(DISTRICT)),
    _feature(OTHER_DISTRICT, "Hawran Sufla", "county", 35.80, 42.70, **_in(OTHER_DISTRICT)),
    # the province's capital and the district's seat, by their GeoNames codes
    _feature(900100, "Madinat Qarnawa", "locality", 35.55, 42.95, **_in(OTHER_DISTRICT), **{"gn:feature_code": "PPLA"}),
    _feature(900101, "Dastur", "locality", 35.31, 43.22, **_in(DISTRICT), **{"gn:feature_code": "PPLA2", "gn:population": 12000}),
    # one village name in both districts
    _feature(900102, "Kafr Zanbulak", "locality", 35.25, 43.30, **_in(DISTRICT)),
    _feature(900103, "Kafr Zanbulak", "locality", 35.85, 42.60, **_in(OTHER_DISTRICT)),
    _feature(900104, "Tall Khuwaysir", "locality", 35.20, 43.10, **_in(DISTRICT), **{"name:und_x_variant": ["Tell Khweisir"]}),
    # a village named like a common English word
    _feature(900105, "Market", "locality", 35.40, 43.40, **_in(DISTRICT)),
    _feature(900106, "Hayy al Zaytun", "neighbourhood", 35.31, 43.21, **_in(DISTRICT)),
    # not current: left out
    _feature(900107, "Umm Ghubayra", "locality", 35.1, 43.1, **{"wof:superseded_by": [900104]}),
    _feature(900108, "Qaryat Ruwaysat", "locality", 35.1, 43.1, **{"edtf:deprecated": "2020-01-01"}),
    _feature(900109, "Khirbat Nasrin", "locality", 35.1, 43.1, **{"mz:is_current": 0, "edtf:cessation": "2018-09-06"}),
]


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    """A WOF admin repository checkout of the test's own: data/ with one file a place."""
    root = tmp_path / "whosonfirst-data-admin-zz"
    for feature in FEATURES:
        wof_id = str(feature["properties"]["wof:id"])
        path = root / "data" / wof_id[:3] / wof_id[3:] / f"{wof_id}.geojson"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(feature, ensure_ascii=False), encoding="utf-8")
    return root


@pytest.fixture()
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    default_geocoder()  # the shipped layers, built once in the shared cache
    cache = tmp_path / "cache"
    link_shipped_layers(cache)
    dirs = {"imports": tmp_path / "imports", "cache": cache}
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(tmp_path / "user_places.csv"))
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER_DIR", str(dirs["imports"]))
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(cache))
    monkeypatch.setenv("INCIDENT_MAP_DB", str(tmp_path / "incidents.sqlite"))
    default_geocoder.cache_clear()
    yield dirs
    default_geocoder.cache_clear()


@pytest.fixture()
def imported(repository: Path, private_dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> dict[str, Path]:
    assert main(["gazetteer", "import", str(repository)]) == 0
    assert "imported 10 places" in capsys.readouterr().out
    return private_dirs


def test_a_repository_is_read_without_places_no_longer_current(repository: Path) -> None:
    records, source = read_repository(repository)
    assert source.repository == "whosonfirst-data-admin-zz" and source.places == 10
    names = {r.name for r in records}
    assert {"Kafr Zanbulak", "Dastur", "Qarnawa", "Hayy al Zaytun"} <= names
    assert not names & {"Umm Ghubayra", "Qaryat Ruwaysat", "Khirbat Nasrin"}  # superseded, deprecated, ceased
    assert next(r for r in records if r.name == "Tall Khuwaysir").names == ("Tell Khweisir",)


def test_an_import_lands_in_the_users_folder_and_lists_as_a_layer(imported: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    (path,) = imported["imports"].glob("*.tsv.xz")
    records, sources = read_file(path)
    assert len(records) == 10 and sources[0].repository == "whosonfirst-data-admin-zz"
    assert main(["gazetteer", "sources"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:5]] == ["user", "store", "base", "wof"]
    assert lines[5].startswith("wof whosonfirst-data-admin-zz.tsv.xz") and str(path) in lines[5]


def test_a_district_resolves_at_its_seat_and_a_province_at_its_capital(imported: dict[str, Path]) -> None:
    geocoder = geocoder_for()
    district = geocoder.geocode("Dastur district")
    assert (district.raw["kind"], district.raw["geo_precision"]) == ("admin2", 2)
    assert (district.latitude, district.longitude) == (35.31, 43.22)  # the seat, not the district's label point
    province = geocoder.geocode("Qarnawa governorate")
    assert (province.raw["kind"], province.raw["geo_precision"]) == ("admin1", 3)
    assert (province.latitude, province.longitude) == (35.55, 42.95)
    assert geocoder.geocode("قرناوة").raw["kind"] == "admin1"  # its Arabic name
    # a bare name is the town, not the district named after it
    assert geocoder.geocode("Dastur").raw["kind"] == "city"


def test_a_village_in_the_named_district_ranks_first(imported: dict[str, Path]) -> None:
    geocoder = geocoder_for()
    assert geocoder.geocode("Kafr Zanbulak") is None  # two hamlets nothing tells apart: no coin toss
    assert {p.raw["admin2"] for p in geocoder.geocode("Kafr Zanbulak", exactly_one=False)} == {"Dastur", "Hawran Sufla"}
    assert geocoder.geocode("Kafr Zanbulak", admin2="Dastur").latitude == 35.25
    assert geocoder.geocode("Kafr Zanbulak", admin1="Hawran Sufla district").latitude == 35.85
    assert geocoder.geocode("Kafr Zanbulak", near=(35.3, 43.2)).latitude == 35.25
    # another transliteration, in the province the text names, is the village
    found = geocoder.geocode("Tal Khweisser", country="IQ", admin1="Qarnawa")
    assert found.raw["name"] == "Tall Khuwaysir" and found.raw["score"] < 100
    assert geocoder.geocode("Tal Khweisser", country="IQ", admin1="Basra") is None


def test_a_report_places_a_village_by_its_district(imported: dict[str, Path]) -> None:
    extractor = Extractor(geocoder_for())
    text = "On 3 May 2022, gunmen killed two farmers in Kafr Zanbulak village (Dastur, Qarnawa)."
    (killing,) = extractor.extract(Article(title="Report", published=date(2022, 5, 3), text=text))
    assert (killing.latitude, killing.longitude, killing.geo_precision) == (35.25, 43.30, 1)
    text = "On 4 May 2022, gunmen killed a farmer in Dastur district, Qarnawa."
    (district,) = extractor.extract(Article(title="Report", published=date(2022, 5, 4), text=text))
    assert (district.latitude, district.geo_precision) == (35.31, 2)


def test_a_common_word_is_no_place_without_a_place_cue(imported: dict[str, Path]) -> None:
    extractor = Extractor(geocoder_for())
    text = "On 5 May 2022, gunmen opened fire on traders in the Market in Qarnawa, killing one."
    incidents = extractor.extract(Article(title="Report", published=date(2022, 5, 5), text=text))
    assert incidents and all(i.latitude != 35.40 for i in incidents)
    text = "On 5 May 2022, gunmen opened fire on traders in Market village, Qarnawa, killing one."
    (named,) = extractor.extract(Article(title="Report", published=date(2022, 5, 5), text=text))
    assert (named.latitude, named.longitude) == (35.40, 43.40)


def test_the_shipped_layer_knows_the_regions_villages_and_districts() -> None:
    geocoder = default_geocoder()
    village = geocoder.geocode("Tall Umm Kufayshah", country="IQ")
    assert village.raw["layer"] == "wof" and village.raw["source"].startswith("Who's On First whosonfirst-data-admin-iq")
    district = geocoder.geocode("Khalis district")
    assert (district.raw["kind"], district.raw["geo_precision"], district.raw["admin1"]) == ("admin2", 2, "Diyala")
    assert "wof:" in district.raw["source_id"]


def test_a_folder_that_is_no_wof_repository_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="no Who's On First places"):
        read_repository(tmp_path)
    broken = tmp_path / "data" / "1.geojson"
    broken.parent.mkdir()
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"1\.geojson"):
        read_repository(tmp_path)


def test_geo_imports_nothing_from_incidents() -> None:
    geo = Path(__file__).resolve().parent.parent / "geo"
    imported = set()
    for path in geo.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
    assert not [(file, module) for file, module in imported if module.split(".")[0] in ("incidents", "dashboard")]
    assert ("geocoder.py", "geo.wof") in imported  # the scan sees imports at all
