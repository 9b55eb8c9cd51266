"""`python -m dashboard.server run app.py ...`: Streamlit's own command line, with the page's
libraries imported before the server listens.

Streamlit imports what app.py imports when the first visitor's script runs: folium,
streamlit-folium, pandas, SQLAlchemy and our modules take about a second (`python -X importtime`),
which every first visit after a start would wait for. Imported here, that second is spent while
the server starts, before it answers its health check. `streamlit run app.py` works as well.
"""

from __future__ import annotations

import sys

# The page's imports that cost most; anything app.py imports besides is quick or already here.
PRELOADED = ("folium", "pandas", "sqlalchemy", "streamlit_folium", "dashboard.layers", "incidents.queries")


def main() -> None:
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)
    from streamlit.web.cli import main as streamlit_main

    # The same command line as `python -m streamlit`, so that Streamlit sees the same program name.
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
