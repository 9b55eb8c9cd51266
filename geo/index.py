"""The gazetteer index: normalised name keys -> candidate places, in compact columns.

A layer holds the places of one or more gazetteers. Everything is stored as a few big strings and
`array`s rather than millions of small Python objects, because unpickling a dict of 600,000 keys
alone takes a quarter of a second while a string and an array load in microseconds:

- place attributes are parallel columns (row = place);
- the name keys are sorted and joined into one string, found through an open-addressing hash
  table (crc32) kept in an array;
- each key owns a run of packed entries (row, the alias's kind hint, how far it is trusted),
  and each entry knows the spelling of its alias as the source wrote it.

Layers built from package data and imported files are cached on disk and rebuilt when their
inputs change.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import os
import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple
from zlib import crc32
from pathlib import Path

from geo.normalize import HINTS, admin_key, name_key, sound_key
from geo.sources import KINDS, Place

# How much an alias is trusted, best first.
TRUST_NAME = 0  # the place's own name or a curated/official alias
TRUST_KEYWORD = 1  # an airfield keyword from OurAirports
TRUST_ALTERNATE = 2  # a GeoNames alternate name
_TRUST_BITS = 2
_HINT_BITS = 3  # 0 = no hint, else 1 + index in HINTS
_ROW_SHIFT = _TRUST_BITS + _HINT_BITS
_TRUST_MASK = (1 << _TRUST_BITS) - 1
_HINT_MASK = (1 << _HINT_BITS) - 1
_HINT_BY_CODE: tuple[str | None, ...] = (None, *HINTS)

# Keys worth fuzzy matching: long enough for a typo to be told from another name, and of places
# that matter (not a GeoNames alternate spelling of a hamlet).
FUZZY_MIN_KEY_LENGTH = 5
FUZZY_MIN_POPULATION = 1000
# A sound this short ("ts") is shared by too many names to tell one from another.
SOUND_MIN_CONSONANTS = 3

_INDEX_FORMAT = 9  # bump when the layout of a layer changes


class Entry(NamedTuple):
    """One (place, alias) pair found under a key."""

    row: int
    hint: str | None  # the kind hint the alias carried ("Balad Air Base" -> "base")
    trust: int
    spelling: int  # position of the alias's spelling in Layer.spellings, -1 for the place's name


def pack_entry(row: int, hint: str | None, trust: int) -> int:
    hint_code = 0 if hint is None else HINTS.index(hint) + 1
    return (row << _ROW_SHIFT) | (hint_code << _TRUST_BITS) | trust


class Strings:
    """A read-only list of strings stored as one string and an array of offsets."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        items = list(items)
        self.blob = "".join(items)
        self.offsets = array("i", [0])
        total = 0
        for item in items:
            total += len(item)
            self.offsets.append(total)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1]]

    def __iter__(self) -> Iterator[str]:
        blob, offsets = self.blob, self.offsets
        for i in range(len(offsets) - 1):
            yield blob[offsets[i] : offsets[i + 1]]


class Vocabulary:
    """A column of few distinct strings (country codes, sources): codes into a small list."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.codes = array("i")
        self._lookup: dict[str, int] = {}

    def append(self, value: str) -> None:
        code = self._lookup.setdefault(value, len(self.values))
        if code == len(self.values):
            self.values.append(value)
        self.codes.append(code)

    def __getitem__(self, i: int) -> str:
        return self.values[self.codes[i]]

    def __getstate__(self) -> dict:
        return {"values": self.values, "codes": self.codes}

    def __setstate__(self, state: dict) -> None:
        self.values, self.codes, self._lookup = state["values"], state["codes"], {}


class Layer:
    """The places of some gazetteers and their name keys."""

    def __init__(self) -> None:
        # place columns
        self.names: Strings = Strings()
        self.latitudes = array("d")
        self.longitudes = array("d")
        self.populations = array("q")
        self.importances = array("q")  # population-like rank of a place's type (Place.importance)
        self.kinds = bytearray()  # index into KINDS
        self.precisions = bytearray()
        self.priorities = bytearray()  # sources.PRIORITY_*
        self.country_codes = Vocabulary()
        self.admin1s = Vocabulary()
        self.admin2s = Vocabulary()
        self.event_counts = array("i")  # events of the user's data sets coded at the place
        self.sources = Vocabulary()
        self.source_ids: Strings = Strings()
        # keys, sorted; entries of key i are entries[entry_starts[i]:entry_starts[i + 1]]
        self.keys: Strings = Strings()
        self.entry_starts = array("i", [0])
        self.entries = array("i")
        self.entry_spellings = array("i")  # per entry: index into spellings, -1 = the name
        self.spellings: Strings = Strings()
        # open-addressing hash table over the keys (crc32, stable across processes, unlike
        # hash()): slot -> key position + 1, 0 = empty
        self.slots = array("i")
        # how the keys sound (normalize.sound_key), sorted, each with the positions of its keys:
        # another transliteration of a name is found by its sound
        self.sounds: Strings = Strings()
        self.sound_starts = array("i", [0])
        self.sound_positions = array("i")
        self.sound_slots = array("i")
        # first letter -> positions of fuzzy-worthy keys, sorted by key length
        self.fuzzy_positions: dict[str, array] = {}
        self.country_names: dict[str, str] = {}  # ISO alpha-2 -> English name, from country places
        # admin_key of every name of a province -> the provinces ("IQ:diala") it names
        self.admin1_names: dict[str, set[str]] = {}
        # (country code, province, district) labels the places carry, each once
        self.admin_labels: list[tuple[str, str, str]] = []
        self.admin1_rows = array("i")  # the rows of provinces
        self._fuzzy_keys: dict[str, tuple[str, ...]] = {}
        self._pending_names: list[str] | None = []
        self._pending_ids: list[str] = []
        self._pending_keys: dict[str, list[tuple[int, str | None]]] = {}

    def __len__(self) -> int:
        return len(self.latitudes)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_fuzzy_keys"] = {}
        for pending in ("_pending_names", "_pending_ids", "_pending_keys"):
            state.pop(pending, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._pending_names = None

    # -- building ---------------------------------------------------------------------------

    def add(self, place: Place) -> int:
        if self._pending_names is None:
            raise RuntimeError("a finished layer cannot take more places")
        row = len(self.latitudes)
        self._pending_names.append(place.name)
        self._pending_ids.append(place.source_id)
        self.latitudes.append(place.latitude)
        self.longitudes.append(place.longitude)
        self.populations.append(place.population)
        self.importances.append(place.importance)
        self.kinds.append(KINDS.index(place.kind))
        self.precisions.append(place.precision)
        self.priorities.append(place.priority)
        self.country_codes.append(place.country_code)
        self.admin1s.append(place.admin1)
        self.admin2s.append(place.admin2)
        self.event_counts.append(place.events)
        self.sources.append(place.source)
        if place.kind == "country":
            self.country_names.setdefault(place.country_code, place.name)
        elif place.kind == "admin1":
            province = admin1_id(place.country_code, place.admin1 or place.name)
            for alias in (place.name, *place.aliases, *place.alternates):
                key = admin_key(alias)
                if key:
                    self.admin1_names.setdefault(key, set()).add(province)
        seen: set[tuple[str, str | None]] = set()
        for names, trust in (
            ((place.name, *place.aliases), TRUST_NAME),
            (place.keyword_aliases, TRUST_KEYWORD),
            (place.alternates, TRUST_ALTERNATE),
        ):
            for alias in names:
                nk = name_key(alias)
                # "Al Udeid Air Base" and "Al Udeid" share a key but not a hint: keep both
                if not nk.key or (nk.key, nk.hint) in seen:
                    continue
                seen.add((nk.key, nk.hint))
                self._pending_keys.setdefault(nk.key, []).append(
                    (pack_entry(row, nk.hint, trust), None if alias == place.name else alias)
                )
        return row

    def finish(self) -> Layer:
        """Freeze what was added into the compact columns."""
        assert self._pending_names is not None
        self.names = Strings(self._pending_names)
        self.source_ids = Strings(self._pending_ids)
        admin1 = KINDS.index("admin1")
        self.admin1_rows = array("i", (row for row, kind in enumerate(self.kinds) if kind == admin1))
        countries, admin1s, admin2s = self.country_codes, self.admin1s, self.admin2s
        self.admin_labels = sorted(
            (countries.values[c], admin1s.values[a1], admin2s.values[a2])
            for c, a1, a2 in set(zip(countries.codes, admin1s.codes, admin2s.codes))
            if admin1s.values[a1] or admin2s.values[a2]
        )
        sorted_keys = sorted(self._pending_keys)
        spellings: list[str] = []
        spelling_positions: dict[str, int] = {}
        for key in sorted_keys:
            for packed, spelling in self._pending_keys[key]:
                self.entries.append(packed)
                if spelling is None:
                    self.entry_spellings.append(-1)
                else:
                    position = spelling_positions.setdefault(spelling, len(spellings))
                    if position == len(spellings):
                        spellings.append(spelling)
                    self.entry_spellings.append(position)
            self.entry_starts.append(len(self.entries))
        self.keys = Strings(sorted_keys)
        self.spellings = Strings(spellings)
        self.slots = _hash_slots(sorted_keys)
        by_sound: dict[str, list[int]] = {}
        for position, key in enumerate(sorted_keys):
            if key.isascii():
                sound = sound_key(key)
                if sum(c != " " for c in sound) >= SOUND_MIN_CONSONANTS:
                    by_sound.setdefault(sound, []).append(position)
        sounds = sorted(by_sound)
        self.sounds = Strings(sounds)
        for sound in sounds:
            self.sound_positions.extend(by_sound[sound])
            self.sound_starts.append(len(self.sound_positions))
        self.sound_slots = _hash_slots(sounds)
        buckets: dict[str, list[int]] = {}
        for position, key in enumerate(sorted_keys):
            if len(key) >= FUZZY_MIN_KEY_LENGTH and any(
                self._fuzzy_worthy(e) for e in self._entries_at(position)
            ):
                buckets.setdefault(key[0], []).append(position)
        self.fuzzy_positions = {
            letter: array("i", sorted(positions, key=lambda p: len(sorted_keys[p])))
            for letter, positions in buckets.items()
        }
        self._pending_names = None
        self._pending_ids, self._pending_keys = [], {}
        return self

    def _fuzzy_worthy(self, entry: Entry) -> bool:
        if entry.trust == TRUST_ALTERNATE:
            return False
        return KINDS[self.kinds[entry.row]] != "city" or self.rank_population(entry.row) >= FUZZY_MIN_POPULATION

    # -- reading ----------------------------------------------------------------------------

    def find(self, key: str) -> int:
        """The position of key among the sorted keys, or -1."""
        return _find(self.slots, self.keys, key)

    def keys_sounding(self, sound: str) -> list[str]:
        """The keys that sound like `sound` (a normalize.sound_key)."""
        position = _find(self.sound_slots, self.sounds, sound)
        if position < 0:
            return []
        positions = self.sound_positions[self.sound_starts[position] : self.sound_starts[position + 1]]
        return [self.keys[p] for p in positions]

    def _entries_at(self, position: int) -> list[Entry]:
        # the hot path of every look-up: columns bound once, entries decoded in one plain loop
        starts, entries, spellings = self.entry_starts, self.entries, self.entry_spellings
        found = []
        for i in range(starts[position], starts[position + 1]):
            packed = entries[i]
            hint = _HINT_BY_CODE[(packed >> _TRUST_BITS) & _HINT_MASK]
            found.append(Entry(packed >> _ROW_SHIFT, hint, packed & _TRUST_MASK, spellings[i]))
        return found

    def lookup(self, key: str) -> list[Entry]:
        position = self.find(key)
        return [] if position < 0 else self._entries_at(position)

    def kind(self, row: int) -> str:
        return KINDS[self.kinds[row]]

    def rank_population(self, row: int) -> int:
        """The population a place ranks like: its own, or what its type says of it if more."""
        return max(self.populations[row], self.importances[row])

    def has_point(self, row: int) -> bool:
        return not math.isnan(self.latitudes[row])

    def spelling(self, entry: Entry) -> str:
        return self.names[entry.row] if entry.spelling < 0 else self.spellings[entry.spelling]

    def fuzzy_candidates(self, key: str, length_band: int) -> tuple[str, ...]:
        """Fuzzy-worthy keys with key's first letter and a length within length_band of key's."""
        letter = key[:1]
        bucket = self._fuzzy_keys.get(letter)
        if bucket is None:  # materialised on first use, so that loading stays cheap
            # a tuple of strings, not a list: the garbage collector stops tracking it, where every
            # full collection would walk a list's 160,000 strings
            bucket = tuple(self.keys[p] for p in self.fuzzy_positions.get(letter, ()))
            self._fuzzy_keys[letter] = bucket
        low = _first_longer_than(bucket, len(key) - length_band - 1)
        high = _first_longer_than(bucket, len(key) + length_band)
        return bucket[low:high]

    def iter_aliases(self, *, trusted_only: bool = False) -> Iterator[tuple[str, int]]:
        """(spelling, row) for every indexed name and alias; trusted_only: the names and curated
        aliases only, not airfield keywords or GeoNames' alternate names."""
        for position in range(len(self.keys)):
            for entry in self._entries_at(position):
                if not trusted_only or entry.trust == TRUST_NAME:
                    yield self.spelling(entry), entry.row

    @property
    def key_count(self) -> int:
        return len(self.keys)


def _hash_slots(sorted_strings: list[str]) -> array:
    """An open-addressing hash table (crc32, stable across processes, unlike hash()) over strings:
    slot -> position + 1, 0 = empty; at most 2/3 full."""
    size = 1 << max(4, (len(sorted_strings) * 3 // 2).bit_length())
    slots = [0] * size
    for position, text in enumerate(sorted_strings):
        slot = crc32(text.encode()) & (size - 1)
        while slots[slot]:
            slot = (slot + 1) & (size - 1)
        slots[slot] = position + 1
    return array("i", slots)


def _find(slots: array, strings: Strings, text: str) -> int:
    """The position of text in the strings a _hash_slots table was built over, or -1."""
    mask = len(slots) - 1
    blob, offsets = strings.blob, strings.offsets
    slot = crc32(text.encode()) & mask
    while True:
        position = slots[slot] - 1
        if position < 0:
            return -1
        if blob[offsets[position] : offsets[position + 1]] == text:
            return position
        slot = (slot + 1) & mask


def _first_longer_than(keys: tuple[str, ...], length: int) -> int:
    # keys are sorted by length: binary search for the first one longer than length
    lo, hi = 0, len(keys)
    while lo < hi:
        mid = (lo + hi) // 2
        if len(keys[mid]) <= length:
            lo = mid + 1
        else:
            hi = mid
    return lo


def admin1_id(country_code: str, name: str) -> str:
    """How a province is told from others whatever its spelling: "IQ:diala" for Diyala."""
    return f"{country_code}:{admin_key(name)}"


def build_layer(places: Iterable[Place]) -> Layer:
    layer = Layer()
    for place in places:
        layer.add(place)
    return layer.finish()


# -- the on-disk cache ----------------------------------------------------------------------


def input_signature(files: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """A digest of what a layer is built from: package versions, the geo code itself, and each
    input file's path, size and modification time."""
    digest = hashlib.sha256(f"format {_INDEX_FORMAT}".encode())
    for package in packages:
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    for module in ("normalize.py", "sources.py", "index.py", "wof.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    for path in files:
        stat = path.stat()
        digest.update(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def cached_layer(cache_dir: Path, name: str, signature: str, build: Callable[[], Layer]) -> Layer:
    """The layer from cache_dir/name-signature.pickle, built (and old versions removed) when absent."""
    path = cache_dir / f"{name}-{signature}.pickle"
    layer = read_layer(path)
    if layer is not None:
        return layer
    layer = build()  # absent, damaged or outdated
    write_layer(path, layer)
    for old in cache_dir.glob(f"{name}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
    return layer


def read_layer(path: Path) -> Layer | None:
    """A cached layer, or None when the file is absent, damaged or of an older layout."""
    try:
        with path.open("rb") as handle:
            layer = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    return layer if isinstance(layer, Layer) else None


def write_layer(path: Path, layer: Layer) -> None:
    """Pickle a layer; written then renamed, so that a concurrent reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(layer, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
