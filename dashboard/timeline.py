"""The timeline under the map: incidents per week, stacked by actor group."""

from __future__ import annotations

import pandas as pd

from dashboard.style import colour_for


def weekly_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows: the Monday of each week (ISO date) from the first to the last incident (empty weeks included);
    columns: actor groups present; values: number of incidents coded to that week."""
    if frame.empty:
        return pd.DataFrame()
    weeks = frame["event_date"].dt.to_period("W-SUN").dt.start_time
    counts = pd.crosstab(weeks, frame["actor_group"].fillna(""))
    every_week = pd.date_range(counts.index.min(), counts.index.max(), freq="W-MON")
    counts = counts.reindex(every_week, fill_value=0)
    # ISO dates as labels: the chart then draws one full-width bar per week instead of a hairline
    # on a continuous time axis.
    counts.index = counts.index.strftime("%Y-%m-%d")
    counts.index.name = "week"
    counts.columns.name = None
    return counts


def group_colours(groups: list[str]) -> list[str]:
    return [colour_for(g) for g in groups]
