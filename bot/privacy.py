"""Pseudonymous member keys: who pledged is not in the database.

A pledge reveals a political opinion, so storage never sees a platform user id:
it sees an HMAC of the platform and the id under a secret generated on first
start and kept beside the database, readable by its owner only (or given by the
configuration). A copy of the database without that secret does not say who
pledged. The database keeps a fingerprint of the secret, so that a lost or
different secret stops the start instead of silently making every member a
stranger to their own pledge.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from bot.config import Config, ConfigError
from storage.api.backends import SQLITE
from storage.api.protocols import Storage

SECRET_BYTES = 32
FINGERPRINT_SETTING = "member_secret.fingerprint"
# 128 bits of the HMAC: no collision in any realistic number of members, and a
# smaller primary key keeps the pledges index compact.
KEY_HEX_CHARS = 32
log = logging.getLogger(__name__)

MemberKey = Callable[[str, str], str]


def secret_path(database: Path) -> Path:
    return database.with_name(database.name + ".secret")


def load_secret(path: Path, where: str) -> bytes:
    """Read the secret, creating it (mode 0600) on first start; `where` names it in errors."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_secret(path, where)
    secret = secrets.token_bytes(SECRET_BYTES)
    with os.fdopen(fd, "wb") as file:
        file.write(secret)
        file.flush()
        os.fsync(file.fileno())
    log.info("member key secret created", extra={"path": str(path)})
    return secret


def read_secret(path: Path, where: str | None = None) -> bytes:
    """The secret in `path`, read no further than one byte past its size (a device such
    as /dev/zero never ends)."""
    where = where or str(path)
    try:
        with path.open("rb") as file:
            secret = file.read(SECRET_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{where} cannot be read: {exc.strerror or exc}") from exc
    if len(secret) != SECRET_BYTES:
        size = f"more than {SECRET_BYTES}" if len(secret) > SECRET_BYTES else str(len(secret))
        raise ConfigError(
            f"{where} holds {size} bytes instead of {SECRET_BYTES}: restore it from the "
            "backup made with the database (members cannot be recognised without it)"
        )
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o600)
        log.warning("member key secret was readable by others: now 0600", extra={"path": str(path)})
    return secret


def secret_label(config: Config) -> str:
    """How errors name the member key secret file: by its setting, when one gives it."""
    path = configured_secret_file(config)
    if config.member_secret_file:
        return f"QUITGPT_MEMBER_SECRET_FILE={path}"
    return f"the member key secret {path} (QUITGPT_MEMBER_SECRET_FILE unset)"


def check_secret_file(config: Config) -> None:
    """Refuse an existing secret file that cannot be the secret, before any database is
    created for it."""
    path = configured_secret_file(config)
    if path is not None and path.exists():
        read_secret(path, secret_label(config))


def member_key_function(secret: bytes, purpose: str = "") -> MemberKey:
    """The keyed hash that stands for a member of one platform in storage.

    For another purpose than pledging, the hash is keyed by a secret of its own, derived
    from this one: without the secret file, its keys cannot be matched with the pledges'.
    """
    if purpose:
        secret = hmac.new(secret, f"purpose\n{purpose}".encode(), hashlib.sha256).digest()

    def member_key(platform: str, user_id: str) -> str:
        message = f"{platform}\n{user_id}".encode()
        return hmac.new(secret, message, hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]

    return member_key


def fingerprint(secret: bytes) -> str:
    """Identifies the secret without revealing it."""
    return hmac.new(secret, b"quitgpt-bot secret fingerprint", hashlib.sha256).hexdigest()[:32]


def _decode(value: str, setting: str) -> bytes:
    try:
        secret = bytes.fromhex(value.strip())
    except ValueError:
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise ConfigError(
            f"{setting} must be {SECRET_BYTES} bytes written in hexadecimal "
            f"({SECRET_BYTES * 2} characters), e.g. from `python3 -c "
            f"'import secrets; print(secrets.token_hex({SECRET_BYTES}))'`"
        )
    return secret


def configured_secret_file(config: Config) -> Path | None:
    """Where the member key secret is kept, unless the configuration gives it itself."""
    if config.member_secret:
        return None
    return config.member_secret_file or secret_path(config.database)


def read_configured_secret(config: Config) -> bytes:
    """The member key secret as the bot would use it, never creating one."""
    path = configured_secret_file(config)
    if path is None:
        return _decode(config.member_secret.value, "QUITGPT_MEMBER_SECRET")
    if not path.exists():
        raise ConfigError(f"the member key secret {path} is missing")
    return read_secret(path, secret_label(config))


def _given_to_every_instance(config: Config) -> None:
    """On a database server, instances may run on several machines: none may create a
    secret of its own, so the configuration must give it."""
    if config.storage_url.scheme == SQLITE or config.member_secret or config.member_secret_file:
        return
    raise ConfigError(
        "QUITGPT_MEMBER_SECRET (or QUITGPT_MEMBER_SECRET_FILE) must be set when "
        "QUITGPT_DATABASE_URL names a database server: every instance needs the same secret"
    )


async def member_secret(config: Config, storage: Storage) -> bytes:
    """The member key secret, checked against the database it serves.

    From `QUITGPT_MEMBER_SECRET` (hexadecimal), else `QUITGPT_MEMBER_SECRET_FILE`,
    else `<database>.secret`, created on first start only: if the database already
    holds pledges or a fingerprint, a missing secret stops the start.
    """
    _given_to_every_instance(config)
    known = await storage.settings.get_setting(FINGERPRINT_SETTING)
    if config.member_secret:
        secret = _decode(config.member_secret.value, "QUITGPT_MEMBER_SECRET")
        where = "QUITGPT_MEMBER_SECRET"
    else:
        path = config.member_secret_file or secret_path(config.database)
        where = secret_label(config)
        if not path.exists() and (known or await storage.pledges.any_pledge()):
            raise ConfigError(
                f"the member key secret {path} is missing but the database {config.database} "
                "was used with one: restore the file from the backup made with the database "
                "(without it no member can see, change or erase their pledge, and everyone could "
                "pledge twice), or set QUITGPT_MEMBER_SECRET_FILE to where it is kept"
            )
        secret = load_secret(path, where)
    if known is None:  # first start: the first instance to record its secret sets it
        known = await storage.settings.claim_setting(FINGERPRINT_SETTING, fingerprint(secret))
    if known != fingerprint(secret):
        raise ConfigError(
            f"{where} is not the one the database {config.database} "
            "was used with: give every instance the same secret, the one backed up with this "
            "database"
        )
    return secret
