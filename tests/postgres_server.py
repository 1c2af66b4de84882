"""A real PostgreSQL server for the tests, started once per session.

`initdb` and `pg_ctl` (Debian keeps them in /usr/lib/postgresql/<version>/bin) make
a cluster in a temporary directory listening on a free loopback port only, run as
the `postgres` user when the tests run as root (PostgreSQL refuses root). A template
database is migrated once; each test gets a fresh copy of it (CREATE DATABASE …
TEMPLATE is a file copy). The server is stopped by its PID at the end.

Without the binaries the tests that need the server are skipped, with the reason,
except under CI (CI=true), where that is a failure: .ci/run installs them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from storage.api.protocols import Storage
from storage.postgres.connection import migrate
from storage.postgres.store import PostgresStorage

TEMPLATE = "quitgpt_template"
SUPERUSER = "postgres"
# Durability is not what the storage tests check: without fsync they run faster.
SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's binaries: Debian's versioned directories, or
    `initdb` on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    directory: Path
    port: int
    user: str | None  # the system user the server runs as, when the tests run as root

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            user=self.user,
            env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"},
            cwd=self.directory,
        )

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
        options = " ".join(
            [
                f"-p {self.port}",
                "-c listen_addresses=127.0.0.1",
                "-c unix_socket_directories=''",
                *(f"-c {setting}" for setting in SERVER_SETTINGS),
            ]
        )
        self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", "log", "-o", options)

    def file_of(self, relative_path: str) -> Path:
        """A file of the cluster, from `pg_relation_filepath`."""
        return self.data / relative_path

    @property
    def pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        """Fast shutdown through the postmaster's PID: SIGINT."""
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, ValueError):
            pid = self.pid
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.05)


def _server_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        pytest.fail("the tests run as root and there is no postgres user to run PostgreSQL as")


async def _make_template(server: PostgresServer) -> None:
    admin = await asyncpg.connect(server.url("postgres"))
    try:
        await admin.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await admin.close()
    conn = await asyncpg.connect(server.url(TEMPLATE))
    try:
        await migrate(conn)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed (apt-get install postgresql): .ci/run installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    user = _server_user()
    directory = Path(tempfile.mkdtemp(prefix="quitgpt-pg-"))
    if user is not None:
        shutil.chown(directory, user)
    server = PostgresServer(bindir, directory, free_port(), user)
    try:
        server.start()
        asyncio.run(_make_template(server))
        _running.append(server)
        yield server
        _running.clear()
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


_numbers = itertools.count(1)
_running: list[PostgresServer] = []  # the session's server, once started
_urls: dict[int, str] = {}  # id(storage) -> its database's URL, for `postgres_rows`


@asynccontextmanager
async def fresh_database(server: PostgresServer) -> AsyncIterator[str]:
    """A fresh, migrated database of its own, dropped afterwards; its URL."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    admin = await asyncpg.connect(server.url("postgres"))
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        yield server.url(name)
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def postgres_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    async with fresh_database(postgres_server) as url:
        yield url


@asynccontextmanager
async def session_database() -> AsyncIterator[str]:
    """A fresh database on the session's server (its fixture running), its URL."""
    async with fresh_database(_running[0]) as url:
        yield url


@asynccontextmanager
async def postgres_database(tmp_path: Path) -> AsyncIterator[Storage]:
    """The storage tests' backend: a fresh database on the session's server."""
    async with session_database() as url:
        storage = await PostgresStorage.open(url, "test database")
        _urls[id(storage)] = url
        try:
            yield storage
        finally:
            del _urls[id(storage)]
            await storage.close()


def postgres_rows(storage: Storage, sql: str) -> list[tuple[Any, ...]]:
    return rows_at(_urls[id(storage)], sql)


def rows_at(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on the database at `url`, on a connection of its own
    (from a thread, since the caller's event loop is busy running the test)."""

    async def fetch() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, fetch()).result()
