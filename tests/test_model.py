from datetime import date

from incidents.model import Incident, Source, incident_from_record, incident_to_record, stable_id


def test_record_round_trip_keeps_every_field() -> None:
    incident = Incident(
        event_id=stable_id("a", 1),
        event_date=date(2019, 12, 5),
        time_precision=1,
        event_type="Explosions/Remote violence",
        location="Balad Airbase",
        latitude=33.94,
        longitude=44.362,
        geo_precision=1,
        sources=[Source(title="T", url="https://example.org/a", published=date(2019, 12, 8), sentence="S.")],
        extra={"inter1": "3"},
    )
    record = incident_to_record(incident)
    assert record["event_date"] == "2019-12-05"
    assert record["sources"][0]["published"] == "2019-12-08"
    assert incident_from_record(record) == incident


def test_stable_id_depends_on_parts_only() -> None:
    assert stable_id("x", 2) == stable_id("x", 2)
    assert stable_id("x", 2) != stable_id("x", 3)
