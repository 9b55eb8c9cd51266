"""The naive baseline for bench_dashboard.py: one folium.Marker per incident, added to the map.

Same store, same local assets and offline tiles, same actor-group filter bound to the URL, so the
difference measured is only how the incidents reach the map.
"""

from __future__ import annotations

import html

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, basemap
from incidents.model import MAPPED_PLACE_CLASSES, IncidentFilter
from incidents.store import IncidentStore, default_db_url

assets.use_local_assets()


@st.cache_resource
def load(url: str, groups: tuple[str, ...]) -> pd.DataFrame:
    return IncidentStore(url).frame(IncidentFilter(actor_groups=groups, places=MAPPED_PLACE_CLASSES))


store = IncidentStore(default_db_url())
groups = st.multiselect("Actor group", store.facets().actor_groups, key="group", bind="query-params")
view = load(default_db_url(), tuple(groups))
m = folium.Map(location=(33.3, 44.4), zoom_start=5, tiles=None, max_zoom=basemap.MAP_MAX_ZOOM)
basemap.add_basemaps(m)
for row in view.itertuples():
    folium.Marker(
        (row.latitude, row.longitude),
        tooltip=html.escape(f"{row.event_date:%Y-%m-%d} {row.location}"),
        popup=folium.Popup(html.escape(str(row.source_sentence))),
    ).add_to(m)
st.write(f"{len(view):,} markers")
st_folium(m, key="naive", returned_objects=[], height=560, use_container_width=True)
