"""The gazetteer's files: the user's own aliases, imported GeoNames files, the index cache, the CLI."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from geo import OfflineGeocoder
from incidents.geocoding import default_geocoder
from geo.geocoder import configured_cache_dir, link_shipped_layers
from geo.index import build_layer, cached_layer, input_signature
from geo.sources import GazetteerError, Place, read_geonames_dump, read_places_csv
from incidents.cli import main


@pytest.fixture(scope="module")
def base_cache() -> Path:
    """The shared cache folder, with the base layer built (once for the whole suite)."""
    default_geocoder()
    return configured_cache_dir()


@pytest.fixture()
def private_dirs(tmp_path: Path, base_cache: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A user gazetteer, an import folder and a cache folder of the test's own; the cache folder
    links to the shared base layer so that nothing is rebuilt."""
    cache = tmp_path / "cache"
    cache.mkdir()
    link_shipped_layers(cache, base_cache)
    dirs = {"user": tmp_path / "user_places.csv", "imports": tmp_path / "imports", "cache": cache}
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER", str(dirs["user"]))
    monkeypatch.setenv("INCIDENT_MAP_GAZETTEER_DIR", str(dirs["imports"]))
    monkeypatch.setenv("INCIDENT_MAP_CACHE_DIR", str(cache))
    return dirs


# -- add_alias -------------------------------------------------------------------------------


def test_add_alias_takes_effect_at_once_and_persists(private_dirs: dict[str, Path]) -> None:
    geocoder = OfflineGeocoder()
    assert geocoder.geocode("Camp Qwerty Falcon") is None
    geocoder.add_alias("Camp Qwerty Falcon", 33.25, 44.25, kind="base", country_code="iq")
    here = geocoder.geocode("Camp Qwerty Falcon")
    assert (here.latitude, here.longitude) == (33.25, 44.25)
    assert (here.raw["kind"], here.raw["country_code"], here.raw["source"]) == ("base", "IQ", "user")
    later = OfflineGeocoder()
    assert later.geocode("camp qwerty falcon").latitude == 33.25
    with private_dirs["user"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["Camp Qwerty Falcon"]
    assert "Camp Qwerty Falcon" in set(later.place_names(kinds=["base"]))


def test_user_alias_wins_over_the_gazetteer(private_dirs: dict[str, Path]) -> None:
    geocoder = OfflineGeocoder()
    geocoder.add_alias("Hit", 10.0, 10.0, kind="city", country_code="IQ")
    assert geocoder.geocode("Hit").latitude == 10.0


def test_user_alias_wins_when_its_kind_word_names_another_kind(private_dirs: dict[str, Path]) -> None:
    # "Camp Unknown" keys to "unknown", which OurAirports' "Unknown airstrip" (Australia) shares;
    # the place the user gave (a site, the default kind) is what they meant
    geocoder = OfflineGeocoder()
    geocoder.add_alias("Camp Unknown", 34.5, 43.5, country_code="IQ")
    found = geocoder.geocode("Camp Unknown")
    assert (found.latitude, found.longitude, found.raw["source"]) == (34.5, 43.5, "user")


def test_add_alias_checks_its_arguments(private_dirs: dict[str, Path]) -> None:
    geocoder = OfflineGeocoder()
    with pytest.raises(TypeError):
        geocoder.add_alias("Somewhere", "33.1", 44.0)
    with pytest.raises(TypeError):
        geocoder.add_alias(None, 33.1, 44.0)
    with pytest.raises(ValueError):
        geocoder.add_alias("Somewhere", 95.0, 44.0)
    with pytest.raises(ValueError):
        geocoder.add_alias("Somewhere", 33.0, 44.0, kind="planet")
    with pytest.raises(ValueError):
        geocoder.add_alias("Somewhere", 33.0, 44.0, country_code="Iraq")
    with pytest.raises(ValueError):
        geocoder.add_alias("!!!", 33.0, 44.0)
    assert not private_dirs["user"].exists()  # nothing half-written


def test_a_broken_user_gazetteer_names_file_and_line(private_dirs: dict[str, Path]) -> None:
    private_dirs["user"].write_text(
        "name,aliases,kind,country_code,admin1,latitude,longitude,precision,source\n"
        "Good Place,,site,IQ,,33.0,44.0,1,user\n"
        "Bad Place,,site,IQ,,north,44.0,1,user\n",
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match=r"user_places\.csv:3: latitude 'north'"):
        OfflineGeocoder()


# -- GeoNames country files ------------------------------------------------------------------

GEONAMES_ROWS = [
    # geonameid, name, asciiname, alternatenames, lat, lon, class, code, country, cc2, admin1..4,
    # population, elevation, dem, timezone, modification date
    ["9000001", "Albū ‘Aythah", "Albu Aythah", "Albu Aitha,Albu Eitha,البو عيثة,Албу Айта", "33.3001", "44.5002", "P", "PPL",
     "IQ", "", "07", "", "", "", "0", "", "35", "Asia/Baghdad", "2020-01-01"],
    ["9000002", "Qaşr Zubaydah", "Qasr Zubaydah", "", "33.1111", "44.2222", "S", "MILB",
     "IQ", "", "07", "", "", "", "0", "", "40", "Asia/Baghdad", "2020-01-01"],
    ["9000003", "Nahr Zubaydah", "Nahr Zubaydah", "", "33.2", "44.3", "H", "STM",
     "IQ", "", "07", "", "", "", "0", "", "30", "Asia/Baghdad", "2020-01-01"],
]


def write_geonames(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_geonames_file_is_read_by_feature_class(tmp_path: Path) -> None:
    places = list(read_geonames_dump(write_geonames(tmp_path / "IQ.txt", GEONAMES_ROWS)))
    assert [(p.name, p.kind) for p in places] == [("Albū ‘Aythah", "city"), ("Qaşr Zubaydah", "base")]
    # Latin and Arabic script; other scripts are not indexed
    assert places[0].alternates == ("Albu Aitha", "Albu Eitha", "البو عيثة")
    assert places[0].source_id == "9000001"


def test_gazetteer_import_adds_villages(private_dirs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    dump = write_geonames(tmp_path / "IQ.txt", GEONAMES_ROWS)
    assert OfflineGeocoder().geocode("Albu Aitha") is None
    assert main(["gazetteer", "import", str(dump)]) == 0
    assert "imported 2 places" in capsys.readouterr().out
    assert (private_dirs["imports"] / "IQ.txt").exists()
    geocoder = OfflineGeocoder()
    village = geocoder.geocode("Albu Eitha")
    assert (village.latitude, village.longitude, village.raw["kind"]) == (33.3001, 44.5002, "city")
    assert village.raw["source"] == "GeoNames IQ.txt"
    assert geocoder.geocode("Qasr Zubaydah base").raw["kind"] == "base"
    assert geocoder.geocode("Nahr Zubaydah") is None  # streams are not places of incidents


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("9000001\tOnly\tthree columns\n", r"bad\.txt:1: expected 19 tab-separated GeoNames columns, found 3"),
        ("\t".join(GEONAMES_ROWS[0]) + "\n" + "\t".join(["x"] * 19) + "\n", r"bad\.txt:2: not a GeoNames row"),
        ("\t".join(GEONAMES_ROWS[0][:4] + ["95.0"] + GEONAMES_ROWS[0][5:]) + "\n", r"bad\.txt:1: coordinates 95\.0"),
    ],
)
def test_gazetteer_import_refuses_bad_files(
    private_dirs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture, content: str, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    assert main(["gazetteer", "import", str(bad)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    with pytest.raises(GazetteerError, match=message):
        list(read_geonames_dump(bad))
    assert not private_dirs["imports"].exists()  # nothing copied


def test_gazetteer_import_reads_the_zip_geonames_serves(
    private_dirs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    import zipfile

    archive = tmp_path / "IQ.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("IQ.txt", "".join("\t".join(row) + "\n" for row in GEONAMES_ROWS))
        zipped.writestr("readme.txt", "GeoNames country dump")
    assert main(["gazetteer", "import", str(archive)]) == 0
    assert (private_dirs["imports"] / "IQ.txt").exists()
    assert OfflineGeocoder().geocode("Albu Aitha").raw["source"] == "GeoNames IQ.txt"
    broken = tmp_path / "SY.zip"
    with zipfile.ZipFile(broken, "w") as zipped:
        zipped.writestr("SY.txt", "1\tonly\tthree\n")
    assert main(["gazetteer", "import", str(broken)]) == 2
    assert "SY.zip!SY.txt:1: expected 19" in capsys.readouterr().err


def test_gazetteer_build_reports_the_index(private_dirs: dict[str, Path], capsys: pytest.CaptureFixture) -> None:
    assert main(["gazetteer", "build"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gazetteer index ready in ")
    assert str(private_dirs["cache"]) in out


def test_gazetteer_import_of_a_missing_file(private_dirs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["gazetteer", "import", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: no such file" in capsys.readouterr().err


# -- the index cache -------------------------------------------------------------------------


def test_cached_layer_is_built_once_and_rebuilt_when_an_input_changes(tmp_path: Path) -> None:
    source = tmp_path / "places.csv"
    source.write_text(
        "name,aliases,kind,country_code,admin1,latitude,longitude,precision,source\n"
        "Alpha Camp,Camp Alpha,base,IQ,,33.0,44.0,1,test\n",
        encoding="utf-8",
    )
    builds: list[int] = []

    def build():
        builds.append(1)
        return build_layer(read_places_csv(source))

    first = cached_layer(tmp_path / "cache", "test", input_signature([source]), build)
    again = cached_layer(tmp_path / "cache", "test", input_signature([source]), build)
    assert len(builds) == 1
    assert again.lookup("alpha")[0].row == first.lookup("alpha")[0].row == 0
    source.write_text(source.read_text(encoding="utf-8") + "Beta Camp,,base,IQ,,34.0,45.0,1,test\n", encoding="utf-8")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    changed = cached_layer(tmp_path / "cache", "test", input_signature([source]), build)
    assert len(builds) == 2
    assert changed.lookup("beta")
    assert len(list((tmp_path / "cache").glob("test-*.pickle"))) == 1  # the old one is gone


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path) -> None:
    signature = "0123456789abcdef"
    (tmp_path / f"test-{signature}.pickle").write_bytes(b"not a pickle")
    layer = cached_layer(tmp_path, "test", signature, lambda: build_layer([Place("Gamma", 1.0, 2.0, "site")]))
    assert layer.lookup("gama")


# -- the geocode command ---------------------------------------------------------------------


def test_geocode_command_prints_one_object_a_name_in_order(capsys: pytest.CaptureFixture) -> None:
    assert main(["geocode", "Balad Airbase", "Nowhere Qwxz", "Iraq"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["Balad Airbase", "Nowhere Qwxz", "Iraq"]
    assert list(lines[0]) == [
        "query", "name", "latitude", "longitude", "kind", "geo_precision", "country", "admin1", "source", "layer", "score"
    ]  # fmt: skip
    assert (lines[0]["name"], lines[0]["kind"], lines[0]["geo_precision"], lines[0]["country"]) == (
        "Balad Air Base", "base", 1, "Iraq",
    )
    assert lines[1]["latitude"] is None and lines[1]["longitude"] is None and lines[1]["name"] is None
    assert (lines[2]["kind"], lines[2]["geo_precision"]) == ("country", 3)


def test_geocode_command_reads_standard_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("Mosul\n\nTehran\n"))
    assert main(["geocode", "--country", "IQ"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["Mosul", "Tehran"]
    assert lines[0]["country"] == "Iraq"
    assert lines[1]["latitude"] is None  # Tehran is not in Iraq


def test_geocode_command_refuses_a_bad_country(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["geocode", "--country", "Iraq", "Mosul"])
    assert exit_.value.code == 2
    assert "alpha-2" in capsys.readouterr().err
