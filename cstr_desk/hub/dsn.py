"""Check a hub DSN before connecting: any hub off this machine must be reached over verified TLS."""

from __future__ import annotations

import os

import psycopg
from psycopg.conninfo import conninfo_to_dict

from cstr_desk.hub.errors import HubError, InsecureConnection

LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})


def _is_local(host: str) -> bool:
    # A path is a Unix-domain socket on this machine; several hosts may be listed, each must be local.
    return all(h.startswith(("/", "@")) or h in LOCAL_HOSTS for h in host.split(","))


def checked_dsn(dsn: str) -> str:
    """The DSN unchanged if it is local or asks for sslmode=verify-full; otherwise refused with the reason."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise HubError(f"The hub address is not a PostgreSQL connection string: {type(exc).__name__}.") from None
    # libpq falls back to PGHOST / PGHOSTADDR when the DSN names no host: judge the host it will really use.
    host = str(params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST")
               or os.environ.get("PGHOSTADDR") or "")
    if _is_local(host):
        return dsn
    if params.get("sslmode") != "verify-full":
        raise InsecureConnection(
            f"The hub at {host} is on another machine: connect with sslmode=verify-full (and sslrootcert naming "
            "the site's certificate authority) so the connection is encrypted and the server is the real hub."
        )
    return dsn


def dsn_with_login(dsn: str, user: str, password: str) -> str:
    """The same hub address with another login (used for a new laptop's credentials)."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo(dsn, user=user, password=password)
