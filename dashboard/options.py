"""The filter widgets' options (event types, sources, actor names with their counts, the map's first
extent), kept between visits and refreshed when the store changes, at most every REFRESH_S.

Reading them costs a scan of the map index for the extent (0.4 s at a million incidents; the
names and their counts come from the store's value_counts). During an import the store changes
with every batch; refreshing them at each rerun would make every click wait for that scan.
Counts, the map and the table are never stale: they are keyed on the store's version.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from incidents import queries
from incidents.store import Facets, IncidentStore

REFRESH_S = 30.0


@dataclass(frozen=True)
class FilterOptions:
    facets: Facets
    actors: dict[str, int]  # actor name: how often incidents name it (queries.actor_counts)
    version: int  # the store version they were read at
    read_at: float  # time.monotonic() when read


class OptionsCache:
    """One FilterOptions per store, shared by every visitor of the page (thread-safe)."""

    def __init__(self, refresh_s: float = REFRESH_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.refresh_s = refresh_s
        self._clock = clock
        self._lock = threading.Lock()
        self._options: dict[str, FilterOptions] = {}

    def get(self, store: IncidentStore, version: int) -> FilterOptions:
        with self._lock:
            known = self._options.get(store.url)
            stale = known is None or (known.version != version and self._clock() - known.read_at >= self.refresh_s)
            if stale:
                known = FilterOptions(store.facets(), dict(queries.actor_counts(store)), version, self._clock())
                self._options[store.url] = known
            assert known is not None
            return known

    def forget(self) -> None:
        """After the page itself changed the store: the next visit reads the options again."""
        with self._lock:
            self._options.clear()
