"""`python -m dashboard.server run app.py ...`: Streamlit's own command line, with the page's
libraries imported before the server listens.

Streamlit imports what app.py imports when the first visitor's script runs: folium, pandas,
SQLAlchemy, altair (the weekly chart), the database's dialect and our modules take about a second
(`python -X importtime`, py-spy on the server), which every first visit after a start would wait
for. Imported here, that second is spent while the server starts, before it answers its health
check. `streamlit run app.py` works as well.
"""

from __future__ import annotations

import inspect
import sys

# The page's imports that cost most. Not streamlit_folium: a component declared before the server
# has started is not in the server's component registry, and the map's frame would be a 404.
PRELOADED = (
    "folium", "pandas", "sqlalchemy", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql", "altair",
    "streamlit.emojis",
    "dashboard.access", "dashboard.authoring", "dashboard.commands", "dashboard.layers", "dashboard.options",
    "dashboard.timeline", "dashboard.viewport", "dashboard.export", "dashboard.review", "incidents.queries",
)


def main() -> None:
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)
    # Declaring streamlit_folium's component looks its caller's module up with inspect.getmodule,
    # which scans every loaded module's file on its first call (0.2 s here); one call now fills
    # inspect's cache (CPython's module-level tables in inspect), so the first visit's declaration
    # scans only the modules loaded after it. Without that cache the call is merely slower.
    inspect.getmodule(inspect.currentframe())
    from streamlit.web.cli import main as streamlit_main

    # The same command line as `python -m streamlit`, so that Streamlit sees the same program name.
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
