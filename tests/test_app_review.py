"""The review on the page in Streamlit's AppTest, on SQLite and on PostgreSQL: statuses for every
visitor, the queue for signed-in editors (decisions with their history, a point clicked on the
map, the geocoder's candidates), the status and attribution filters, and escaped article text."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access, authoring
from dashboard.review import CorrectionForm, marked_sentence
from incidents.model import IncidentFilter, Source
from incidents.store import IncidentStore
from tests.test_app_page import EVIL_PLACE, EVIL_TITLE, PASSWORD, RecordingGeocoder, layer_data, make, page, showing, sign_in


@pytest.fixture()
def store_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Four proposed incidents of one article (most doubtful: APP5, with hostile text) and an imported one."""
    article = Source(kind="article", title=EVIL_TITLE, url="https://example.org/a", publisher="Example",
                     published=date(2019, 12, 20), source_id="SRC1")
    acled = Source(kind="acled", title="ACLED row", source_id="SRC2")
    store = IncidentStore(db_url)
    store.ingest(article, [
        make(1, article, doubts="actor_unnamed", attribution="claimed", actor1="Kataib Hezbollah"),
        make(3, article, doubts="date_as_reported", attribution="suspected", actor1="Iran", actor_group="Iran",
             cues={"trigger": "hit", "place": "place 3"}),
        make(5, article, location=EVIL_PLACE, source_sentence=f"Rockets hit {EVIL_PLACE} on Thursday, said {EVIL_TITLE}.",
             doubts="place_fallback;date_as_reported", cues={"trigger": "hit", "place": EVIL_PLACE, "date": "on Thursday"}),
        make(9, article, doubts="actor_attributed"),
    ])
    store.ingest(acled, [make(12, acled, source_kind="acled", location="Kut", place_name="Kut")])
    store.close()
    monkeypatch.setenv("INCIDENT_MAP_DB", db_url)
    monkeypatch.setenv(access.PASSWORD_ENV, PASSWORD)
    monkeypatch.setattr(authoring, "page_geocoder", RecordingGeocoder)
    return db_url


def queue_open(at: AppTest) -> AppTest:
    at.toggle(key="queue_open").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def queued_item(at: AppTest) -> str:
    """The event id of the incident the queue shows."""
    (item,) = [h.proto.body for h in at.get("html") if "im-queue-item" in h.proto.body]
    return item.split('data-event-id="', 1)[1].split('"', 1)[0]


def test_a_visitor_sees_statuses_but_not_the_queue(store_url: str) -> None:
    at = page()
    assert showing(at) == "showing 5 of 5 incidents"
    data = layer_data(at)
    statuses = dict(zip(data["id"], (data["strings"]["status"][k] for k in data["status"])))
    assert statuses == {"APP1": "proposed", "APP3": "proposed", "APP5": "proposed", "APP9": "proposed", "APP12": "imported"}
    reviews = {data["strings"]["review"][k] for k in data["review"]}
    assert reviews == {"proposed: not yet reviewed", "imported: coded by people elsewhere (ACLED, UCDP)"}
    assert list(at.dataframe[0].value["review_status"]).count("proposed") == 4
    assert "queue_open" not in [t.key for t in at.toggle]
    assert not [b for b in at.button if b.key and b.key.startswith("queue_")]


def test_an_editor_confirms_rejects_and_places_from_the_queue_with_history(store_url: str) -> None:
    at = queue_open(sign_in(page(), name="Amal"))
    assert queued_item(at) == "APP5"  # most doubtful first
    assert "2 proposed" not in at.caption[0].value and any("4 proposed, most doubtful first" in c.value for c in at.caption)

    at.text_input(key="note_APP5").set_value("the base is named later")
    # A click on the review map, as streamlit-folium reports it, then the button that uses it.
    at.session_state["review_map_APP5"] = {"last_clicked": {"lat": 33.61234, "lng": 44.18766}}
    at.run()
    at.button(key="queue_point").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "APP5 corrected" in at.success[0].value
    assert queued_item(at) == "APP9"  # the next, in the same run (as doubtful as APP3, and newer)
    at.button(key="queue_confirm").click().run()
    assert queued_item(at) == "APP3"
    at.button(key="queue_reject").click().run()
    assert queued_item(at) == "APP1"
    # A candidate of the geocoder, in one click.
    at.button(key="candidate_0").click().run()
    assert "Nothing left to review." in [s.value for s in at.success]

    store = IncidentStore(store_url)
    by_id = {i.event_id: i for i in store.query()}
    assert {i: by_id[i].review_status for i in ("APP1", "APP3", "APP5", "APP9", "APP12")} == {
        "APP1": "corrected", "APP3": "rejected", "APP5": "corrected", "APP9": "confirmed", "APP12": "imported"}
    assert (by_id["APP5"].latitude, by_id["APP5"].longitude, by_id["APP5"].geo_precision) == (33.61234, 44.18766, 1)
    assert (by_id["APP1"].latitude, by_id["APP1"].longitude, by_id["APP1"].place_name) == (33.52, 44.26, "Camp Taji")
    assert {by_id[i].reviewed_by for i in ("APP1", "APP3", "APP5", "APP9")} == {"Amal"}
    (placed,) = store.history("APP5")
    assert placed.note == "the base is named later" and placed.changes["latitude"] == (33.5, 33.61234)

    # The page's next run: the rejected incident is off the map and out of the counts.
    at.toggle(key="queue_open").set_value(False).run()
    assert showing(at) == "showing 4 of 5 incidents"
    assert "1 rejected not shown" in at.markdown[0].value
    assert "APP3" not in layer_data(at)["id"]
    at.multiselect(key="status").set_value(["rejected"]).run()
    assert showing(at) == "showing 1 of 5 incidents" and layer_data(at)["id"] == ["APP3"]


def test_the_queue_corrects_date_type_actor_and_fatalities_and_skips(store_url: str) -> None:
    at = queue_open(sign_in(page()))
    at.button(key="queue_skip").click().run()
    assert queued_item(at) == "APP9" and "APP5 skipped" in at.success[0].value
    at.date_input(key="fix_event_date_APP9").set_value(date(2019, 12, 2))
    at.selectbox(key="fix_event_type_APP9").set_value("Battles")
    at.text_input(key="fix_actor1_APP9").set_value("Islamic State")
    at.number_input(key="fix_fatalities_APP9").set_value(4)
    at.button(key="queue_correct").click().run()
    assert not at.exception, [e.message for e in at.exception]
    fixed = IncidentStore(store_url).get("APP9")
    assert fixed is not None and fixed.review_status == "corrected"
    assert (fixed.event_date, fixed.event_type, fixed.actor1, fixed.actor_group, fixed.fatalities) == (
        date(2019, 12, 2), "Battles", "Islamic State", "Islamic State", 4)
    # Nothing changed in the form: said, and nothing written.
    assert queued_item(at) == "APP3"
    at.button(key="queue_correct").click().run()
    assert "nothing to correct" in at.error[0].value and IncidentStore(store_url).get("APP3").review_status == "proposed"  # type: ignore[union-attr]
    at.button(key="queue_skip").click().run()
    at.button(key="queue_skip").click().run()
    assert "The end of the queue" in at.info[-1].value
    at.button(key="queue_restart").click().run()
    assert queued_item(at) == "APP5"  # the skipped ones come back


def test_the_queue_shows_the_sentence_with_its_cues_marked_and_escaped(store_url: str) -> None:
    at = queue_open(sign_in(page()))
    (item,) = [h.proto.body for h in at.get("html") if "im-queue-item" in h.proto.body]
    assert EVIL_PLACE not in item and EVIL_TITLE not in item
    assert '<mark class="im-cue im-cue-place" title="place"' in item and "&lt;img src=x onerror=alert(1)&gt;</mark>" in item
    assert '<mark class="im-cue im-cue-date" title="date"' in item and ">on Thursday</mark>" in item
    assert "place unknown: coded at a town, province or country around it" in item
    assert "<script" not in item.replace("&lt;script", "")


def test_marking_keeps_every_character_and_escapes_it() -> None:
    sentence = "Gunmen <b>attacked</b> Balad & fled on Friday."
    marked = marked_sentence(sentence, {"trigger": "attacked", "place": "Balad", "date": "on Friday", "actor": "nobody"})
    assert marked.count("<mark") == 3 and "<b>" not in marked and "&amp;" in marked
    import html
    import re

    assert html.unescape(re.sub(r"</?mark[^>]*>", "", marked)) == sentence


def test_the_attribution_filter_leaves_out_what_was_only_suspected(store_url: str) -> None:
    at = page()
    at.multiselect(key="known").set_value(["claimed", "unknown"]).run()
    assert showing(at) == "showing 4 of 5 incidents" and "APP3" not in layer_data(at)["id"]
    at.multiselect(key="known").set_value(["suspected"]).run()
    assert layer_data(at)["id"] == ["APP3"]
    assert IncidentStore(store_url).count(IncidentFilter(attributions=("suspected",))) == 1


def test_a_signed_in_editor_must_give_a_name(store_url: str) -> None:
    at = sign_in(page(), name=" ")
    assert "Give your name" in at.error[0].value and "editor" not in at.session_state
    assert "queue_open" not in [t.key for t in at.toggle]


def test_the_form_changes_only_what_differs() -> None:
    source = Source(title="t", source_id="S")
    form = CorrectionForm.of(make(1, source, fatalities=None))
    assert form.changes(event_date=date(2019, 12, 1), event_type="Explosions/Remote violence", actor1="Kataib Hezbollah",
                        fatalities=None) == {}
    assert form.changes(event_date=date(2019, 12, 2), event_type="Battles", actor1="Kataib Hezbollah", fatalities=3) == {
        "event_date": date(2019, 12, 2), "event_type": "Battles", "fatalities": 3}
    assert json.dumps(form.changes(fatalities=0), default=str) == '{"fatalities": 0}'


def test_no_name_reaches_the_review_maps_script() -> None:
    """folium pastes tooltips into JavaScript template literals: a gazetteer name with a backtick
    ("Al `Iraq") broke the map, and one from imported data could run code in it."""
    from dashboard.authoring import Candidate
    from dashboard.review import review_map

    hostile = Candidate("Al `Iraq ${alert(1)} (city)", 33.1, 44.2, 1, "Al `Iraq ${alert(1)}")
    page_html = review_map(make(1, Source(title="t", source_id="S")), [hostile]).get_root().render()
    assert "`Iraq" not in page_html and "alert(1)" not in page_html and "candidate 1" in page_html
