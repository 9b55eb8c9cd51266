"""Who may change the store from the page: adding articles and placing incidents.

A page served only on this machine (`incident-map dashboard`'s default address, localhost) is one
person's, and editing is open unless an editors' password is set. A page others can reach
(`--address 0.0.0.0`, or a bare `streamlit run`, which listens everywhere) is read-only until an
editor signs in with the password from INCIDENT_MAP_EDITOR_PASSWORD or Streamlit's secrets
(`editor_password` in .streamlit/secrets.toml). Passwords are compared in constant time.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

PASSWORD_ENV = "INCIDENT_MAP_EDITOR_PASSWORD"
PASSWORD_SECRET = "editor_password"
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})


def editors_password(environ: Mapping[str, str] = os.environ, secrets: Mapping[str, object] | None = None) -> str | None:
    """The editors' password: the environment first, then Streamlit's secrets; None when neither sets one."""
    if environ.get(PASSWORD_ENV):
        return environ[PASSWORD_ENV]
    value = (secrets or {}).get(PASSWORD_SECRET)
    return str(value) if value else None


def password_matches(given: str, password: str) -> bool:
    """Constant time whatever the input: how much of a guess is right does not show in the timing."""
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


@dataclass(frozen=True)
class Access:
    can_edit: bool
    why: str  # said on the page: why editing is open, or what it takes


def page_access(*, password: str | None, signed_in: bool, address: str | None) -> Access:
    """Whether this visitor may edit, given the configured password, their sign-in and the server's address."""
    if password is not None:
        if signed_in:
            return Access(True, "Signed in as an editor.")
        return Access(False, "Read-only: sign in with the editors' password to add articles and place incidents.")
    if address in LOCAL_ADDRESSES:
        return Access(True, f"Editing is open: this page is served on this machine only ({address}).")
    return Access(
        False,
        "Read-only: this page can be reached from other machines and no editors' password is set "
        f"({PASSWORD_ENV}, or {PASSWORD_SECRET} in .streamlit/secrets.toml).",
    )
