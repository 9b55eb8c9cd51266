"""incident-map's page. Thin on purpose: widgets here, the logic in the dashboard package.

Run with `incident-map dashboard` or `streamlit run app.py`: either way an empty store gets the
articles in seeds/ first; INCIDENT_MAP_DB names the store (a path or a postgresql:// URL).
Every number, cell and row on the page is a query on the store (incidents/queries.py); nothing
reads the whole store, so the server's memory grows with what is shown, not with the store.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import access, assets, authoring, basemap, commands, filters, layers, options, review, timeline, viewport
from dashboard.export import export_text
from dashboard.style import PLACE_LABELS
from incidents import queries
from incidents.articles import ArticleError
from incidents.model import (
    ATTRIBUTION_LABELS, ATTRIBUTIONS, EVENT_TYPES, PLACE_CLASSES, REVIEW_STATUSES, SHOWN_STATUSES, IncidentFilter,
)
from incidents.review import history_lines
from incidents.store import IncidentStore, Summary, default_db_url, default_editor, queue_key

st.set_page_config(page_title="incident-map", layout="wide")
# Rows sent to the browser per table: beyond this the table would outweigh the map's payload.
TABLE_ROWS = 2_000
HISTORY_ROWS = 200  # the latest changes shown
LISTED_PLACES = ("country", "unresolved")  # the classes the map does not draw


@st.cache_resource(show_spinner=False)
def prepare_offline_files() -> None:
    """Leaflet, plugins and basemap tiles into static/, once per server process."""
    basemap.install_offline_files()


@st.cache_resource(show_spinner=False)
def open_store(url: str) -> IncidentStore:
    return IncidentStore(url)


@st.cache_resource(show_spinner=False)
def filter_options() -> options.OptionsCache:
    return options.OptionsCache()


@st.cache_resource(show_spinner=False)
def geocoder_warm_up() -> threading.Thread:
    """The geocoder's index (0.8 s, 100 MB), loaded in the background once per server after an
    editor has signed in: the review queue's first incident then shows without waiting for it."""
    thread = threading.Thread(target=authoring.page_geocoder, name="geocoder-warm-up", daemon=True)
    thread.start()
    return thread


# Answers are cached per store version (raised by every write, by any process), so a visitor
# asking what another asked before costs no query, and any change to the store shows at once.
@st.cache_data(show_spinner=False, max_entries=4)
def summary_of(url: str, version: int) -> Summary:
    return open_store(url).summary()


@st.cache_data(show_spinner=False, max_entries=64)
def counts_of(url: str, version: int, flt: IncidentFilter) -> queries.ViewCounts:
    return queries.view_counts(open_store(url), flt)


@st.cache_data(show_spinner=False, max_entries=64)
def layer_of(url: str, version: int, flt: IncidentFilter, request: viewport.LayerRequest, groups: tuple[str, ...]) -> layers.LayerPayload:
    layer = queries.map_layer(
        open_store(url), flt, request.box, request.cell_deg, max_points=layers.MAX_POINTS, groups=groups
    )
    return layers.layer_payload(layer, list(groups))


@st.cache_data(show_spinner=False, max_entries=32)
def weekly_of(url: str, version: int, flt: IncidentFilter) -> pd.DataFrame:
    return timeline.weekly_counts(queries.daily_counts(open_store(url), flt))


@st.cache_data(show_spinner=False, max_entries=32)
def rows_of(url: str, version: int, flt: IncidentFilter) -> list[dict[str, object]]:
    return queries.newest_rows(open_store(url), flt, limit=TABLE_ROWS)


prepare_offline_files()
assets.use_local_assets()
db_url = default_db_url()
store = open_store(db_url)
st.title("incident-map")
version = store.data_version()
summary = summary_of(db_url, version)
if summary.count == 0:  # a first start: the seed articles, or how to add some
    if seeds := commands.seed_articles():
        with st.status(f"The store is empty: reading seeds/ ({len(seeds)} article{'s' if len(seeds) != 1 else ''})…") as seeding:
            bar = st.progress(0.0)
            added = commands.ingest_seeds(
                db_url, on_progress=lambda done, total: bar.progress(done / total, f"{done} of {total} read")
            )
            seeding.update(label=f"The store was empty: {added} incidents from seeds/", state="complete")
        version = store.data_version()
        summary = summary_of(db_url, version)
    else:
        st.info(commands.EMPTY_STORE_GUIDANCE)
all_groups = summary.actor_groups
known = filter_options().get(store, version)
facets, actor_mentions = known.facets, known.actors
password = access.editors_password(secrets=st.secrets if st.secrets.load_if_toml_exists() else None)
editing = access.page_access(
    password=password, signed_in=bool(st.session_state.get("editor")), address=st.get_option("server.address")
)

if "notice" in st.session_state:  # the outcome of a save or a placement, shown after the rerun
    st.success(st.session_state.pop("notice"))

# ---- filters: every widget is bound to the URL, so a link reopens the same view ----------------
first_day = summary.min_date or date(2019, 1, 1)
last_day = summary.max_date or date.today()
# When the store grows past the old dates, a range still at the old full span follows the data
# (the widget would otherwise keep its first default and hide the new incidents).
previous_span = st.session_state.get("date_span")
if previous_span and previous_span != (first_day, last_day) and st.session_state.get("dates") == previous_span:
    st.session_state["dates"] = (first_day, last_day)
st.session_state["date_span"] = (first_day, last_day)
with st.sidebar:
    st.header("Filters")
    picked = st.date_input(
        "Date range", value=(first_day, last_day), min_value=first_day, max_value=last_day,
        key="dates", bind="query-params",
    )
    groups = st.multiselect("Actor group", all_groups, key="group", bind="query-params")
    # Bound to the URL by hand: a bound widget would put the label, count included, in the link.
    if "actor" not in st.session_state:
        st.session_state["actor"] = [name for name in st.query_params.get_all("actor") if name in actor_mentions]
    actors = st.multiselect(
        "Actor", list(actor_mentions), key="actor", format_func=lambda name: filters.actor_label(name, actor_mentions),
        placeholder="Type to search actor names", help="Actor 1, associated actor or actor 2 (any part of the name).",
    )
    st.query_params["actor"] = actors
    event_types = st.multiselect("Event type", facets.event_types, key="type", bind="query-params")
    precisions = st.multiselect(
        "Place precision", [PLACE_LABELS[p] for p in PLACE_CLASSES], key="precision", bind="query-params"
    )
    source_kinds = st.multiselect("Source", facets.source_kinds, key="source", bind="query-params")
    statuses = st.multiselect(
        "Review status", REVIEW_STATUSES, default=list(SHOWN_STATUSES), key="status", bind="query-params",
        help="Proposed: extracted, not yet reviewed. Rejected ones are kept off the map unless asked for here.",
    )
    attributions = st.multiselect(
        "Actor known as", ATTRIBUTIONS, format_func=ATTRIBUTION_LABELS.__getitem__, key="known", bind="query-params",
        help="How the report knows the actor: it claimed the act, was accused or suspected by someone, or is stated.",
    )
    text = st.text_input("Search text", key="q", bind="query-params", placeholder="place, actor, sentence…")

date_from, date_to = filters.date_range(picked, first_day, last_day)
flt = IncidentFilter(
    date_from=date_from, date_to=date_to, actor_groups=tuple(groups), actors=tuple(actors),
    event_types=tuple(event_types), places=filters.places_for(precisions), source_kinds=tuple(source_kinds),
    text=text.strip(), statuses=tuple(statuses), attributions=tuple(attributions),
)
counts = counts_of(db_url, version, flt)
hidden = filters.hidden_statuses_text(
    {s: counts_of(db_url, version, IncidentFilter(statuses=(s,))).matching for s in REVIEW_STATUSES if statuses and s not in statuses}
)
st.markdown(f"**{filters.showing_text(counts.matching, summary.count)}** · {counts.mapped:,} on the map, "
            f"{counts.listed:,} listed below (country only or unresolved){hidden}")

# ---- map: the base map is identical on every rerun; only the incident layer changes -------------
# The chart and the tables follow the map (below): once the browser has drawn it, or from the
# visit's second full run on (a widget touched before the map reported, or a map that never does).
if st.session_state.get("page_ran"):
    st.session_state["map_drawn"] = True
st.session_state["page_ran"] = True
# The table's rows are read once the map has drawn: until then there is no table to pick from.
rows = rows_of(db_url, version, flt) if st.session_state.get("map_drawn") else []
centre_on, zoom_to = None, None
selected = st.session_state.get("table")
if selected and selected.selection.rows and selected.selection.rows[0] < len(rows):
    row = rows[selected.selection.rows[0]]
    if row["latitude"] is not None:
        centre_on, zoom_to = (float(row["latitude"]), float(row["longitude"])), 9  # type: ignore[arg-type]


@st.fragment
def incident_map(centre_on: tuple[float, float] | None, zoom_to: int | None) -> None:
    """The map alone reruns when the user pans or zooms: the layer for the new view, nothing else."""
    centre, first_view = viewport.initial_view(queries.Box(*facets.extent) if facets.extent else None)
    shown_view = viewport.from_component(st.session_state.get("map")) or first_view
    previous = st.session_state.get("layer_request")  # (filter, request, every incident shown one by one)
    same_filter = previous is not None and previous[0] == flt
    request = viewport.request_for(
        shown_view, previous[1] if same_filter else None, previous_complete=bool(same_filter and previous[2])
    )
    payload = layer_of(db_url, version, flt, request, all_groups)
    st.session_state["layer_request"] = (flt, request, payload.mode == "points")
    if payload.mode == "cells":
        st.info(f"{payload.incidents:,} incidents in this part of the map, counted in {payload.cell_size_deg:g}° cells. "
                f"Zoom in (click a cell) or narrow the filters: at most {layers.MAX_POINTS:,} in view are drawn one by one.")
    st_folium(
        layers.base_map(list(all_groups), centre, first_view.zoom),
        key="map",
        feature_group_to_add=layers.incident_feature_group(payload),
        returned_objects=["bounds", "zoom"],
        center=centre_on,
        zoom=zoom_to,
        height=560,
        use_container_width=True,
    )
    if not st.session_state.get("map_drawn") and viewport.from_component(st.session_state.get("map")) is not None:
        st.session_state["map_drawn"] = True  # the browser has drawn the map: now the chart and the tables
        st.rerun()


incident_map(centre_on, zoom_to)

# The weekly chart and the tables follow once the browser has drawn the map (its first report):
# sent with it, they kept the browser busy and delayed the map by about a second.
if not st.session_state.get("map_drawn"):
    st.caption("The weekly chart and the table of incidents follow once the map has drawn…")
else:
    # ---- timeline ----------------------------------------------------------------------------------
    st.subheader("Incidents per week")
    weekly = weekly_of(db_url, version, flt)
    if weekly.empty:
        st.caption("No incidents in this view.")
    else:
        st.bar_chart(weekly, color=timeline.group_colours(list(weekly.columns)), height=220)

    # ---- table and export --------------------------------------------------------------------------
    st.subheader("Incidents")
    table = pd.DataFrame(rows, columns=list(queries.TABLE_COLUMNS))
    table["precision"] = table["place"].map(PLACE_LABELS)
    table["source_url"] = [layers.safe_url(u or "") for u in table["source_url"]]
    if counts.matching > TABLE_ROWS:
        st.caption(f"The newest {TABLE_ROWS:,} of {counts.matching:,} rows; the exports below hold them all.")
    st.dataframe(
        table[["event_date", "location", "actor_group", "actor1", "event_type", "fatalities", "precision",
               "review_status", "source_kind", "source_title", "source_url", "event_id"]],
        key="table", on_select="rerun", selection_mode="single-row", hide_index=True,
        column_config={
            "event_date": st.column_config.DateColumn("date"),
            "source_url": st.column_config.LinkColumn("link"),
            "review_status": st.column_config.TextColumn("status"),
        },
    )
    if selected and selected.selection.rows and selected.selection.rows[0] < len(rows):
        chosen = str(rows[selected.selection.rows[0]]["event_id"])
        changes = store.history(chosen)
        st.caption(f"History of {chosen}: " + ("no change since it was stored." if not changes else f"{len(changes)} change(s)"))
        if changes:
            st.code("\n".join(history_lines(changes)), language=None)
    left, right = st.columns(2)
    left.download_button(
        "Export CSV (ACLED columns)", key="export_csv", mime="text/csv", file_name="incidents.csv",
        data=lambda: export_text(store.iter_incidents(flt), "csv"),
    )
    right.download_button(
        "Export GeoJSON", key="export_geojson", mime="application/geo+json", file_name="incidents.geojson",
        data=lambda: export_text(store.iter_incidents(flt), "geojson"),
    )

    listed = tuple(p for p in LISTED_PLACES if not flt.places or p in flt.places)
    # Filled only while open: a closed expander's table would still be queried and sent with the map.
    not_on_map = st.expander(f"Not on the map: {counts.listed:,} country-only or unresolved incidents",
                             key="not_drawn_open", on_change="rerun")
    with not_on_map:
        if listed and not_on_map.open:
            not_drawn = pd.DataFrame(rows_of(db_url, version, replace(flt, places=listed)), columns=list(queries.TABLE_COLUMNS))
            st.dataframe(not_drawn[["event_date", "location", "country", "actor_group", "event_type", "source_title"]],
                         hide_index=True, key="not_drawn")
    # Who changed what: the store's latest changes, read only while open.
    decisions = st.expander("Latest changes: reviews, corrections, merged reports", key="history_open", on_change="rerun")
    with decisions:
        if decisions.open:
            latest = store.history(limit=HISTORY_ROWS)
            st.dataframe(pd.DataFrame(review.history_table(latest)), hide_index=True, key="history_table")

# ---- editing: signed-in editors only on a shared page ---------------------------------------------
with st.sidebar:
    st.header("Editing")
    if st.session_state.get("editor"):
        st.caption(editing.why)
        if st.button("Sign out", key="sign_out"):
            del st.session_state["editor"]
            st.rerun()
    elif password is not None:
        st.caption(editing.why)
        with st.form("sign_in"):
            name = st.text_input("Your name", key="editor_name", help="Kept in the history of every change you make.")
            given = st.text_input("Editors' password", type="password", key="password")
            if st.form_submit_button("Sign in"):
                if access.password_matches(given, password) and name.strip():
                    st.session_state["editor"] = name.strip()
                    st.rerun()
                if not name.strip():
                    st.error("Give your name: it goes into the history of what you change.")
                else:
                    time.sleep(1)  # a wrong guess costs a second: guessing stays slow
                    st.error("Wrong password.")
    else:
        st.caption(editing.why)

if password is not None and st.session_state.get("editor") and st.session_state.get("map_drawn"):
    geocoder_warm_up()  # after the map: the first view does not wait for it
if not editing.can_edit:
    st.subheader("Add an article")
    st.info(editing.why)
    st.stop()
# Who the page's changes are by: the signed-in editor, or on a page served to this machine alone its user.
editor = st.session_state.get("editor") or default_editor()


# ---- the review queue --------------------------------------------------------------------------
@st.fragment
def review_section() -> None:
    """The queue alone reruns when it is opened and on each decision (no page reload): a decision
    is made in its button's callback, then this run shows the next incident. The map and counts
    above follow on the page's next run."""
    if st.toggle("Review the queue: proposed incidents, most doubtful first", key="queue_open"):
        review_queue()


def show_notice() -> None:
    """What the last decision did (set by its callback), once."""
    if notice := st.session_state.pop("queue_notice", None):
        (st.success if notice[0] else st.error)(notice[1])


def review_queue() -> None:
    """The most doubtful proposed incident (after those skipped), and the decisions on it."""
    after = st.session_state.get("queue_after")
    item = next(iter(store.review_queue(after=after, limit=1)), None)
    if item is None:
        show_notice()
        if after is not None:
            st.info("The end of the queue: the incidents you skipped are still proposed.")
            st.button("Back to the first one skipped", key="queue_restart", on_click=st.session_state.pop, args=("queue_after",))
        else:
            st.success("Nothing left to review.")
        return

    def decide(action: str, changes: dict[str, object] | None = None) -> None:
        st.session_state["queue_notice"] = review.decide(
            store, item, action, editor=editor, changes=changes, note=st.session_state.get(f"note_{item.event_id}", ""))

    def skip() -> None:
        st.session_state["queue_after"] = queue_key(item)
        st.session_state["queue_notice"] = (True, f"{item.event_id} skipped: still proposed.")

    st.html(review.item_html(item))
    # The decisions first: they are on the screen before the map below is drawn.
    note, confirm, reject, skipping = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    note.text_input("Note (kept in the history)", key=f"note_{item.event_id}")
    confirm.button("Confirm", key="queue_confirm", type="primary", shortcut="A", on_click=decide, args=("confirm",),
                   use_container_width=True)
    reject.button("Reject", key="queue_reject", shortcut="X", on_click=decide, args=("reject",), use_container_width=True)
    skipping.button("Skip", key="queue_skip", shortcut="S", on_click=skip, use_container_width=True)
    show_notice()
    # Counted after the incident is on the screen: the count sums the daily aggregates (0.1 s at a million).
    waiting = queries.view_counts(store, IncidentFilter(statuses=("proposed",))).matching
    st.caption(f"{waiting:,} proposed, most doubtful first. Keys: A confirm · X reject · S skip · "
               "P place at the clicked point · E save the corrections.")
    geocoder = authoring.page_geocoder()
    offered = authoring.candidates(geocoder, item.location)[:review.MAX_CANDIDATES] if item.location else []
    map_key = f"review_map_{item.event_id}"
    picked = review.picked_point(st.session_state.get(map_key))
    left, right = st.columns([3, 2])
    with left:
        st_folium(review.review_map(item, offered), key=map_key, feature_group_to_add=review.picked_layer(picked),
                  returned_objects=["last_clicked"], height=340, use_container_width=True)
    with right:
        st.markdown("**Place it**")
        for n, candidate in enumerate(offered):
            st.button(f"{n + 1}. At {candidate.label}", key=f"candidate_{n}", on_click=decide,
                      args=("correct", review.candidate_changes(candidate)))
        if picked is None:
            st.caption("…or click the map to set the point.")
        else:
            st.button(f"At the point clicked ({picked.latitude:.4f}, {picked.longitude:.4f})", key="queue_point",
                      shortcut="P", on_click=decide, args=("correct", review.point_changes(picked)))
        with st.expander("Correct the date, type, actor or fatalities"):
            form = review.CorrectionForm.of(item)
            keys = {name: f"fix_{name}_{item.event_id}" for name in ("event_date", "event_type", "actor1", "fatalities")}
            st.date_input("Date", form.event_date, key=keys["event_date"])
            st.selectbox("Event type", list(EVENT_TYPES), index=form.event_type_index, key=keys["event_type"])
            st.text_input("Actor 1", form.actor1, key=keys["actor1"])
            st.number_input("Fatalities", min_value=0, value=form.fatalities, step=1, key=keys["fatalities"])
            st.button("Save the corrections", key="queue_correct", shortcut="E", on_click=lambda: decide(
                "correct", form.changes(**{name: st.session_state[key] for name, key in keys.items()})))


st.subheader("Review")
review_section()

# ---- add an article ----------------------------------------------------------------------------
st.subheader("Add an article")
with st.form("article_form"):
    pasted = st.text_area("Paste the article (title, date line, body, 'Content retrieved from: URL')", height=160)
    uploaded = st.file_uploader("…or upload a .txt/.md file", type=["txt", "md"])
    extract_clicked = st.form_submit_button("Extract incidents")
if extract_clicked:
    name = uploaded.name if uploaded is not None else "<pasted text>"
    body = uploaded.getvalue().decode("utf-8", errors="replace") if uploaded is not None else pasted
    try:
        article, found = authoring.extract_article(body, name=name, geocoder=authoring.page_geocoder())
        st.session_state["draft"] = (article, found)
    except ArticleError as error:
        st.error(str(error))
draft = st.session_state.get("draft")
if draft:
    article, found = draft
    st.caption(f"{len(found)} incidents found in “{article.title}”: correct them, untick to drop, then save.")
    edited = st.data_editor(authoring.editor_frame(found), key="draft_editor", hide_index=True,
                            disabled=["event_id"], num_rows="fixed")
    if st.button("Save to the store", key="save_draft"):
        result = authoring.save_article(store, article, authoring.apply_edits(found, edited), editor=editor)
        del st.session_state["draft"]
        filter_options().forget()  # a new actor name or event type shows at once
        st.session_state["notice"] = (f"Saved: {result.added} added, {result.merged} merged, "
                                      f"{result.unchanged} unchanged, {result.unresolved} unresolved.")
        st.rerun()  # the store's version changed: the count, map and table above include it

# ---- unresolved places -------------------------------------------------------------------------
unresolved_count = counts_of(db_url, version, IncidentFilter(places=("unresolved",))).matching
# The geocoder's index takes a moment to load: only when someone opens this section.
if unresolved_count and st.toggle(f"Place unresolved incidents ({unresolved_count:,})", key="resolve_open"):
    places = queries.unresolved_places(store)
    label = st.selectbox("Place", [f"{p} ({n})" for p, n in places], key="resolve_place")
    location = places[[f"{p} ({n})" for p, n in places].index(label)][0]
    geocoder = authoring.page_geocoder()
    offered = authoring.candidates(geocoder, location) if geocoder is not None else []
    choice = st.radio("Pick a candidate or enter coordinates",
                      [c.label for c in offered] + ["Enter coordinates"], key="resolve_choice")
    lat_col, lng_col = st.columns(2)
    lat = lat_col.number_input("Latitude", -90.0, 90.0, 33.3, format="%.5f", key="resolve_lat")
    lng = lng_col.number_input("Longitude", -180.0, 180.0, 44.4, format="%.5f", key="resolve_lng")
    if st.button("Place these incidents", key="resolve_button"):
        chosen = next((c for c in offered if c.label == choice), None)
        updated = authoring.resolve(
            store, geocoder, location,
            chosen.latitude if chosen else lat, chosen.longitude if chosen else lng,
            geo_precision=chosen.geo_precision if chosen else 1, editor=editor,
        )
        st.session_state["notice"] = f"{updated} incident{'s' if updated != 1 else ''} placed at {location}; the name is remembered for later articles."
        st.rerun()
