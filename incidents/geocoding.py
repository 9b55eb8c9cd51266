"""The geocoder incident-map uses: geo's layers plus the places of the store's own events.

geo/ knows nothing of the store; this module hands the geocoder a layer "store" (the places
every imported ACLED and UCDP event names, built by incidents/gazetteer.py after each import and
kept in the index cache, so that look-ups never query the store) between the user's places and
the gazetteers. Loading that cached layer needs neither SQLAlchemy nor the store itself, so
`incident-map geocode` starts quickly.
"""

from __future__ import annotations

import hashlib
import os
import sys
import weakref
from functools import lru_cache
from pathlib import Path

from geo.geocoder import ROLE_EVENTS, GazetteerLayer, OfflineGeocoder, configured_cache_dir, standard_layers
from geo.index import Layer, build_layer, input_signature, read_layer

STORE_LAYER = "store"
# The store (URL, cache folder) each geocoder built here searches, so that a refreshed layer reaches it.
_BUILT: weakref.WeakKeyDictionary[OfflineGeocoder, tuple[str, Path]] = weakref.WeakKeyDictionary()


def store_url(store: str | os.PathLike[str] | None = None) -> str:
    """The incident store's URL: `store` (a path or URL), else INCIDENT_MAP_DB, else the default."""
    from incidents.settings import default_db_url, to_db_url

    return default_db_url() if store is None else to_db_url(store)


def store_layer_path(cache_dir: Path, url: str) -> Path:
    """Where the places layer of the store at `url` is cached: named by a digest of the URL (a
    server's password stays out of file names) and of the geo code that reads it."""
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return cache_dir / f"store-{digest}-{input_signature(())}.pickle"


def store_layer(cache_dir: Path, url: str) -> Layer:
    """The store's places layer from the cache; empty when nothing was imported into the store.

    A layer cached by an older version of this code is rebuilt from the store once."""
    path = store_layer_path(cache_dir, url)
    layer = read_layer(path)
    if layer is not None:
        return layer
    prefix = path.name.rsplit("-", 1)[0]
    if any(cache_dir.glob(f"{prefix}-*.pickle")):
        from incidents.gazetteer import refresh_store_layer

        try:
            return refresh_store_layer(url, cache_dir=cache_dir)
        except Exception as error:  # noqa: BLE001 - a store out of reach must not stop geocoding
            print(f"incident-map: the store's places layer was not rebuilt ({error})", file=sys.stderr)
    return build_layer(())


def geocoder_for(
    store: str | os.PathLike[str] | None = None,
    *,
    cache_dir: Path | str | None = None,
    gazetteer_dir: Path | str | None = None,
    user_gazetteer: Path | str | None = None,
    online_fallback: bool | None = None,
    online_geocoder: object | None = None,
) -> OfflineGeocoder:
    """A geocoder searching the user's places, the store's places (the store at `store`, else
    INCIDENT_MAP_DB, else the default), the gazetteers and the user's imported files."""
    url = store_url(store)
    cache = Path(cache_dir) if cache_dir else configured_cache_dir()
    layers = standard_layers(
        cache_dir=cache,
        gazetteer_dir=Path(gazetteer_dir) if gazetteer_dir else None,
        user_gazetteer=Path(user_gazetteer) if user_gazetteer else None,
    )
    # after the user's own places: what a user said about a name wins over what data sets say
    layers.insert(1, GazetteerLayer(STORE_LAYER, store_layer(cache, url), ROLE_EVENTS, url))
    geocoder = OfflineGeocoder(
        layers=layers,
        cache_dir=cache,
        gazetteer_dir=gazetteer_dir,
        user_gazetteer=user_gazetteer,
        online_fallback=online_fallback,
        online_geocoder=online_geocoder,
    )
    _BUILT[geocoder] = (url, cache.resolve())
    return geocoder


def reload_store_layer(url: str, cache_dir: Path, layer: Layer) -> None:
    """Hand a rebuilt store layer to every geocoder of this process that searches that store."""
    for geocoder, searched in list(_BUILT.items()):
        if searched == (url, cache_dir.resolve()):
            geocoder.replace_layer(STORE_LAYER, layer)


@lru_cache(maxsize=1)
def default_geocoder() -> OfflineGeocoder:
    """The process-wide geocoder (settings from the environment)."""
    return geocoder_for()
