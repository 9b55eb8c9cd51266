"""The timeline under the map: incidents per week, stacked by actor group."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from dashboard.style import colour_for


def weekly_counts(daily: Iterable[tuple[date, str, int]]) -> pd.DataFrame:
    """From (day, group, incidents) rows (incidents.queries.daily_counts): rows are the Monday of
    each week (ISO date) from the first to the last incident, empty weeks included; columns the
    actor groups present; values the incidents coded to that week."""
    frame = pd.DataFrame(list(daily), columns=["day", "group", "n"])
    if frame.empty:
        return pd.DataFrame()
    frame["week"] = pd.to_datetime(frame["day"]).dt.to_period("W-SUN").dt.start_time
    counts = frame.pivot_table(index="week", columns="group", values="n", aggfunc="sum", fill_value=0)
    every_week = pd.date_range(counts.index.min(), counts.index.max(), freq="W-MON")
    counts = counts.reindex(every_week, fill_value=0).astype("int64")
    # ISO dates as labels: the chart then draws one full-width bar per week instead of a hairline
    # on a continuous time axis.
    counts.index = counts.index.strftime("%Y-%m-%d")
    counts.index.name = "week"
    counts.columns.name = None
    return counts


def group_colours(groups: list[str]) -> list[str]:
    return [colour_for(g) for g in groups]
