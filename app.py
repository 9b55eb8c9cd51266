"""incident-map's page. Thin on purpose: the logic lives in the dashboard package."""

import streamlit as st

st.set_page_config(page_title="incident-map", layout="wide")
st.title("incident-map")
st.write("Incidents from news reports, on a map. The dashboard is being built.")
