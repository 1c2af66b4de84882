"""Which backend serves a database URL, and opening it.

A backend is a module with an `open_storage(url: DatabaseUrl, options: StorageOptions)
-> Storage` coroutine, listed in `BACKENDS` under its URL scheme. It is imported only
when a URL names it, so that a backend's driver is needed only by those who use it.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from storage.api.errors import BackendError
from storage.api.protocols import Storage

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# scheme -> module holding its `open_storage`
BACKENDS: dict[str, str] = {SQLITE: "storage.sqlite", POSTGRESQL: "storage.postgres"}
_ALIASES = {"postgres": POSTGRESQL}


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """`scheme` is a key of `BACKENDS`; `target` the rest of the URL (a file path for
    SQLite, the whole URL for a server)."""

    scheme: str
    target: str

    @property
    def path(self) -> Path:
        """The database file of a SQLite URL."""
        if self.scheme != SQLITE:
            raise BackendError(f"a {self.scheme} database is not a file")
        return Path(self.target)

    def redacted(self) -> str:
        """For logs: a server URL without its password."""
        if self.scheme == SQLITE:
            return self.target
        head, at, tail = self.target.rpartition("@")
        if not at:
            return self.target
        scheme, _, credentials = head.partition("://")
        user = credentials.partition(":")[0]
        return f"{scheme}://{user}:***@{tail}" if ":" in credentials else self.target


SYNCHRONOUS_MODES = ("normal", "full")
# auto: the bot checkpoints the WAL; external: never, a replicator does (Litestream
# copies the WAL before it is checkpointed, so it must be the one to checkpoint).
WAL_CHECKPOINT_MODES = ("auto", "external")


@dataclass(frozen=True, slots=True)
class StorageOptions:
    """Tuning that only some backends use; the others ignore it."""

    synchronous: str = "normal"  # SQLite, one of SYNCHRONOUS_MODES: `full` fsyncs each commit
    wal_checkpoints: str = "auto"  # SQLite, one of WAL_CHECKPOINT_MODES


def parse_database_url(value: str) -> DatabaseUrl:
    """`postgresql://…`, `sqlite:///path`, or a plain file path (SQLite)."""
    text = value.strip()
    if not text:
        raise BackendError("empty database URL")
    scheme, sep, rest = text.partition("://")
    if not sep:
        return DatabaseUrl(SQLITE, text)
    scheme = _ALIASES.get(scheme.lower(), scheme.lower())
    if scheme == SQLITE:
        # sqlite:///relative/or/absolute as SQLAlchemy writes it: sqlite:////abs, sqlite:///rel
        if not rest.startswith("/") or rest == "/":
            raise BackendError("a SQLite URL is sqlite:///path/to/file.db")
        return DatabaseUrl(SQLITE, rest[1:])
    if scheme not in BACKENDS:
        raise BackendError(
            f"unknown database scheme {scheme!r}: use "
            + ", ".join(f"{name}://…" for name in BACKENDS)
            + " or a file path"
        )
    url = f"{scheme}://{rest}"
    if "," not in rest.partition("/")[0]:  # libpq's list of hosts is the driver's to read
        try:
            urlsplit(url).port  # noqa: B018 (raises on a port that is not 0 to 65535)
        except ValueError as exc:  # its message quotes the port or the host, not a password
            raise BackendError(f"not a {scheme} URL: {exc}") from None
    return DatabaseUrl(scheme, url)


Opener = Callable[[DatabaseUrl, StorageOptions], Awaitable[Storage]]


def backend_opener(scheme: str) -> Opener:
    """The `open_storage` of the backend serving `scheme`; BackendError when it is missing
    from this installation."""
    module_name = BACKENDS[scheme]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise BackendError(f"no {scheme} backend in this installation") from exc
        raise BackendError(
            f"the {scheme} backend needs {exc.name}, which is not installed"
        ) from exc
    return cast(Opener, module.open_storage)


async def open_storage(url: DatabaseUrl, options: StorageOptions | None = None) -> Storage:
    """Open (creating and migrating if needed) the database `url` names."""
    return await backend_opener(url.scheme)(url, options or StorageOptions())
