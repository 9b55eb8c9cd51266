"""incident-map's page. Thin on purpose: widgets here, the logic in the dashboard package.

Run with `incident-map dashboard` or `streamlit run app.py`: either way an empty store gets the
articles in seeds/ first; INCIDENT_MAP_DB names the store.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, authoring, basemap, commands, filters, layers, timeline
from dashboard.export import export_text, incidents_in_view
from dashboard.style import COUNTRY_LEVEL_LABEL, PRECISION_LABELS
from incidents.articles import ArticleError
from incidents.model import IncidentFilter
from incidents.store import IncidentStore, default_db_url

st.set_page_config(page_title="incident-map", layout="wide")
# Rows sent to the browser per table: beyond this the table would outweigh the map's payload.
TABLE_ROWS = 2_000


@st.cache_resource(show_spinner=False)
def prepare_offline_files() -> None:
    """Leaflet, plugins and basemap tiles into static/, once per server process."""
    basemap.install_offline_files()


@st.cache_resource(show_spinner=False)
def open_store(url: str) -> IncidentStore:
    return IncidentStore(url)


# Frames are cached as resources (shared, never copied): at 100,000 rows st.cache_data's copy on
# every rerun costs more than the filtering. The page only reads them.
@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def load_frame(url: str, version: int) -> pd.DataFrame:
    return open_store(url).frame(IncidentFilter())


@st.cache_resource(show_spinner=False, max_entries=16)
def view_of(url: str, version: int, flt: IncidentFilter, precisions: tuple[str, ...]) -> pd.DataFrame:
    return filters.apply_view(load_frame(url, version), flt, precisions)


@st.cache_data(show_spinner=False, max_entries=16)
def payload_of(url: str, version: int, flt: IncidentFilter, precisions: tuple[str, ...], groups: tuple[str, ...]) -> layers.LayerPayload:
    return layers.layer_payload(view_of(url, version, flt, precisions), list(groups))


def forget_cached_data() -> None:
    """After the page itself changed the store (a save, a placement)."""
    load_frame.clear()
    view_of.clear()
    payload_of.clear()


prepare_offline_files()
assets.use_local_assets()
db_url = default_db_url()
store = open_store(db_url)
st.title("incident-map")
# The cache key changes when another process adds incidents; our own edits clear the cache.
version = store.count()
if version == 0:  # a first start: the seed articles, or how to add some
    if seeds := commands.seed_articles():
        with st.status(f"The store is empty: reading seeds/ ({len(seeds)} article{'s' if len(seeds) != 1 else ''})…") as seeding:
            bar = st.progress(0.0)
            added = commands.ingest_seeds(
                db_url, on_progress=lambda done, total: bar.progress(done / total, f"{done} of {total} read")
            )
            seeding.update(label=f"The store was empty: {added} incidents from seeds/", state="complete")
        version = store.count()
    else:
        st.info(commands.EMPTY_STORE_GUIDANCE)
frame = load_frame(db_url, version)
all_groups = sorted(frame["actor_group"].dropna().unique().tolist())

if "notice" in st.session_state:  # the outcome of a save or a placement, shown after the rerun
    st.success(st.session_state.pop("notice"))

# ---- filters: every widget is bound to the URL, so a link reopens the same view ----------------
first_day = frame["event_date"].min().date() if len(frame) else date(2019, 1, 1)
last_day = frame["event_date"].max().date() if len(frame) else date.today()
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
    event_types = st.multiselect(
        "Event type", sorted(frame["event_type"].dropna().unique().tolist()), key="type", bind="query-params"
    )
    precision_options = [*(PRECISION_LABELS[p] for p in (1, 2, 3)), COUNTRY_LEVEL_LABEL, PRECISION_LABELS[None]]
    precisions = st.multiselect("Place precision", precision_options, key="precision", bind="query-params")
    source_kinds = st.multiselect(
        "Source", sorted(frame["source_kind"].dropna().unique().tolist()), key="source", bind="query-params"
    )
    text = st.text_input("Search text", key="q", bind="query-params", placeholder="place, actor, sentence…")

date_from, date_to = filters.date_range(picked, first_day, last_day)
flt = IncidentFilter(
    date_from=date_from, date_to=date_to, actor_groups=tuple(groups), event_types=tuple(event_types),
    source_kinds=tuple(source_kinds), text=text.strip(),
)
view = view_of(db_url, version, flt, tuple(precisions))
drawable = filters.is_drawable(view)
not_drawn = view[~drawable]
st.markdown(f"**{filters.showing_text(len(view), len(frame))}** · {int(drawable.sum()):,} on the map, "
            f"{len(not_drawn):,} listed below (country only or unresolved)")

# ---- map: the base map is identical on every rerun; only the incident layer changes -------------
payload = payload_of(db_url, version, flt, tuple(precisions), tuple(all_groups))
if payload.mode == "cells":
    st.info(f"{payload.incidents:,} incidents are too many to draw one by one: they are grouped in "
            f"{payload.cell_size_deg:g}° cells. Narrow the filters to see single incidents.")
center, zoom = None, None
selected = st.session_state.get("table")
if selected and selected.selection.rows:
    row = view.iloc[selected.selection.rows[0]] if selected.selection.rows[0] < len(view) else None
    if row is not None and pd.notna(row["latitude"]):
        center, zoom = (float(row["latitude"]), float(row["longitude"])), 9
st_folium(
    layers.base_map(all_groups, layers.data_bounds(frame)),
    key="map",
    feature_group_to_add=layers.incident_feature_group(payload),
    returned_objects=[],
    center=center,
    zoom=zoom,
    height=560,
    use_container_width=True,
)

# ---- timeline ----------------------------------------------------------------------------------
st.subheader("Incidents per week")
weekly = timeline.weekly_counts(view)
if weekly.empty:
    st.caption("No incidents in this view.")
else:
    st.bar_chart(weekly, color=timeline.group_colours(list(weekly.columns)), height=220)

# ---- table and export --------------------------------------------------------------------------
st.subheader("Incidents")
table = view.assign(
    precision=filters.precision_labels(view),
    source_url=[layers.safe_url(u) for u in view["source_url"]],
)[["event_date", "location", "actor_group", "actor1", "event_type", "fatalities", "precision",
   "source_kind", "source_title", "source_url", "event_id"]]
if len(table) > TABLE_ROWS:
    st.caption(f"The newest {TABLE_ROWS:,} of {len(table):,} rows; the exports below hold them all.")
st.dataframe(
    table.head(TABLE_ROWS), key="table", on_select="rerun", selection_mode="single-row", hide_index=True,
    column_config={
        "event_date": st.column_config.DateColumn("date"),
        "source_url": st.column_config.LinkColumn("link"),
    },
)
export_ids = tuple(view["event_id"])
left, right = st.columns(2)
left.download_button(
    "Export CSV (ACLED columns)", key="export_csv", mime="text/csv", file_name="incidents.csv",
    data=lambda: export_text(incidents_in_view(store, flt, export_ids), "csv"),
)
right.download_button(
    "Export GeoJSON", key="export_geojson", mime="application/geo+json", file_name="incidents.geojson",
    data=lambda: export_text(incidents_in_view(store, flt, export_ids), "geojson"),
)

with st.expander(f"Not on the map: {len(not_drawn):,} country-only or unresolved incidents"):
    st.dataframe(not_drawn[["event_date", "location", "country", "actor_group", "event_type", "source_title"]].head(TABLE_ROWS),
                 hide_index=True, key="not_drawn")

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
        result = authoring.save_article(store, article, authoring.apply_edits(found, edited))
        del st.session_state["draft"]
        st.session_state["notice"] = (f"Saved: {result.added} added, {result.merged} merged, "
                                      f"{result.unchanged} unchanged, {result.unresolved} unresolved.")
        forget_cached_data()
        st.rerun()  # so the count, map and table above include what was just saved

# ---- unresolved places -------------------------------------------------------------------------
unresolved_count = int(frame["geo_precision"].isna().sum())
# The geocoder's index takes a moment to load: only when someone opens this section.
if unresolved_count and st.toggle(f"Place unresolved incidents ({unresolved_count:,})", key="resolve_open"):
    unresolved = store.unresolved()
    places = authoring.unresolved_places(unresolved)
    label = st.selectbox("Place", [f"{p} ({n})" for p, n in places], key="resolve_place")
    location = places[[f"{p} ({n})" for p, n in places].index(label)][0]
    geocoder = authoring.page_geocoder()
    options = authoring.candidates(geocoder, location) if geocoder is not None else []
    choice = st.radio("Pick a candidate or enter coordinates",
                      [c.label for c in options] + ["Enter coordinates"], key="resolve_choice")
    lat_col, lng_col = st.columns(2)
    lat = lat_col.number_input("Latitude", -90.0, 90.0, 33.3, format="%.5f", key="resolve_lat")
    lng = lng_col.number_input("Longitude", -180.0, 180.0, 44.4, format="%.5f", key="resolve_lng")
    if st.button("Place these incidents", key="resolve_button"):
        chosen = next((c for c in options if c.label == choice), None)
        updated = authoring.resolve(
            store, geocoder, location,
            chosen.latitude if chosen else lat, chosen.longitude if chosen else lng,
            geo_precision=chosen.geo_precision if chosen else 1,
        )
        st.session_state["notice"] = f"{updated} incident{'s' if updated != 1 else ''} placed at {location}; the name is remembered for later articles."
        forget_cached_data()
        st.rerun()
