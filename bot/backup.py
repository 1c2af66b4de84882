"""`quitgpt-bot backup` and `restore`: the database and its member key secret, together.

A backup is two files, `DEST` and `DEST.secret`. The database already records a
fingerprint of its secret (see bot/privacy.py), so a restore can tell whether the
secret beside a copy is the one its pledges were keyed with.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from bot.config import Config, ConfigError
from bot.privacy import (
    FINGERPRINT_SETTING,
    configured_secret_file,
    fingerprint,
    read_configured_secret,
    read_secret,
    secret_path,
)
from storage.api.backends import SQLITE
from storage.api.errors import BackupError
from storage.sqlite.backup import (
    check_copy,
    copy_database,
    install_copy,
    refuse_if_in_use,
)
from storage.sqlite.db import FILE_MODE


def _sqlite_only(config: Config) -> None:
    url = config.storage_url
    if url.scheme != SQLITE:
        raise BackupError(
            f"QUITGPT_DATABASE_URL names a {url.scheme} database: back it up and restore it "
            "with the server's own tools (pg_dump, pg_restore), and the member key secret apart"
        )


def backup(config: Config, dest: Path) -> str:
    """Copy the live database and its secret to `dest` and `dest.secret`; a report line."""
    _sqlite_only(config)
    secret = read_configured_secret(config)
    dest_secret = secret_path(dest)
    if dest_secret.exists():
        raise BackupError(f"{dest_secret} already exists: choose another file name")
    pages = copy_database(config.database, dest)
    try:
        facts = check_copy(dest, FINGERPRINT_SETTING)
        if facts.setting != fingerprint(secret):
            raise BackupError(
                f"the configured member key secret is not the one {config.database} was "
                "used with: nothing was backed up"
            )
        _write_private(dest_secret, secret)
    except BaseException:
        dest.unlink()
        raise
    return (
        f"backed up {config.database} to {dest} ({pages} pages, integrity ok, "
        f"schema version {facts.schema_version}) and its member key secret to {dest_secret}"
    )


def restore(config: Config, source: Path, *, force: bool = False) -> str:
    """Put the backup `source` and its secret in place of the configured ones."""
    _sqlite_only(config)
    source_secret = secret_path(source)
    if not source_secret.exists():
        raise BackupError(
            f"{source_secret} is missing: a backup without its secret cannot be matched to members"
        )
    facts = check_copy(source, FINGERPRINT_SETTING)
    try:
        secret = read_secret(source_secret)
    except ConfigError as exc:
        raise BackupError(str(exc)) from exc
    if facts.setting is None or facts.setting != fingerprint(secret):
        raise BackupError(f"{source_secret} is not the secret {source} was used with")
    target, target_secret = config.database, configured_secret_file(config)
    if target_secret is None and read_configured_secret(config) != secret:
        raise BackupError(
            "QUITGPT_MEMBER_SECRET is not the backup's secret: set it to the content of "
            f"{source_secret} (in hexadecimal) or unset it"
        )
    existing = [p for p in (target, target_secret) if p is not None and p.exists()]
    if existing and not force:
        names = " and ".join(str(p) for p in existing)
        raise BackupError(f"{names} already exist: add --force to replace them")
    refuse_if_in_use(target)
    if target_secret is None:
        install_copy(source, target)
    else:
        _install_with_secret(source, target, target_secret, secret)
    return (
        f"restored {source} (schema version {facts.schema_version}) to {target}"
        + (f" and its member key secret to {target_secret}" if target_secret else "")
        + "; migrations, if any, run at the next start"
    )


def _install_with_secret(source: Path, target: Path, target_secret: Path, secret: bytes) -> None:
    """The database and its secret both replaced, or neither."""
    staged = target_secret.with_name(target_secret.name + ".restoring")
    with contextlib.suppress(FileNotFoundError):
        staged.unlink()
    _write_private(staged, secret)

    def put_secret_in_place() -> None:
        try:
            os.replace(staged, target_secret)
        except OSError as exc:
            raise BackupError(
                f"{target_secret} cannot be replaced ({exc.strerror}): nothing was restored"
            ) from exc

    try:
        install_copy(source, target, then=put_secret_in_place)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()


def _write_private(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError as exc:
        raise BackupError(f"{path} cannot be created: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
