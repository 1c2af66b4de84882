"""One parser per kind of setting: the raw value from TOML or the environment in, the
checked value out, `ValueError` or `TypeError` when it is not of the accepted form.

The loader turns those errors into one line naming the setting and its accepted form,
so a bad setting stops the start instead of failing on first use.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery.quiet_hours import QuietHours
from bot.i18n import LOCALES_DIR
from storage.api.backends import (
    SQLITE,
    SYNCHRONOUS_MODES,
    WAL_CHECKPOINT_MODES,
    parse_database_url,
)
from storage.api.errors import BackendError

PLATFORMS = ("telegram", "discord", "console")
NUMERIC_IDS = ("telegram", "discord")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
QUIET_OFF = ("off", "none", "")
# A week: longer than that, a tally post is no longer news.
MAX_TALLY_MINUTES = 7 * 24 * 60
MAX_READY_BACKLOG = 10_000_000
MAX_READY_DELAY_SECONDS = 7 * 24 * 3600
MAX_PUBLIC_REFRESH_SECONDS = 3600

_HH_MM = re.compile(r"\d{2}:\d{2}")
_URL_PATH = re.compile(r"/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return value.strip()


def _digits(value: Any) -> str:
    """A positive whole number written in ASCII digits, as text without leading zeros."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise ValueError(f"{value!r} is not a positive whole number")
    return str(int(text))


def text(value: Any) -> str:
    """Non-empty text on one line."""
    result = _string(value)
    if not result or "\n" in result:
        raise ValueError("empty or several lines")
    return result


def path(value: Any) -> Path:
    return Path(text(value))


def existing_file(value: Any) -> Path:
    result = path(value)
    if not result.is_file():
        raise ValueError(f"{result} is not a file")
    return result


def file_in_existing_directory(value: Any) -> Path:
    """A file the bot may create: its directory must exist."""
    result = path(value)
    if result.is_dir() or not result.absolute().parent.is_dir():
        raise ValueError(f"{result} is a directory or its directory does not exist")
    return result


def database_url(value: Any) -> str:
    """A database server's URL, or a SQLite file (`sqlite:///path` or a plain path) the bot
    may create."""
    result = _string(value)
    try:
        parsed = parse_database_url(result)
    except BackendError as exc:
        raise ValueError(str(exc)) from exc
    if parsed.scheme == SQLITE:
        file_in_existing_directory(parsed.target)
    return result


def languages() -> tuple[str, ...]:
    """The languages that have a catalogue."""
    return tuple(sorted(p.stem for p in LOCALES_DIR.glob("*.json")))


def language(value: Any) -> str:
    result = _string(value).lower()
    if result not in languages():
        raise ValueError(f"no catalogue for {result!r}")
    return result


def log_level(value: Any) -> str:
    result = _string(value).upper()
    if result not in LOG_LEVELS:
        raise ValueError(result)
    return result


def one_of(words: tuple[str, ...]) -> Callable[[Any], str]:
    """One of `words`, in any case."""

    def parse(value: Any) -> str:
        result = _string(value).lower()
        if result not in words:
            raise ValueError(result)
        return result

    return parse


log_format = one_of(LOG_FORMATS)
synchronous = one_of(SYNCHRONOUS_MODES)
wal_checkpoints = one_of(WAL_CHECKPOINT_MODES)


def whole_number(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"{value!r} is not a whole number")
        text = str(value).strip()
        # int() alone would take "1_0", "+5" and digits of other scripts (Arabic-Indic).
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"{value!r} is not a whole number written in digits 0-9")
        number = int(text)
        if not low <= number <= high:
            raise ValueError(f"{number} is out of {low}..{high}")
        return number

    return parse


tally_interval = whole_number(1, MAX_TALLY_MINUTES)
port = whole_number(1, 65535)
ready_backlog = whole_number(1, MAX_READY_BACKLOG)
ready_delay = whole_number(1, MAX_READY_DELAY_SECONDS)
MAX_TELEGRAM_IN_FLIGHT = 16
telegram_in_flight = whole_number(1, MAX_TELEGRAM_IN_FLIGHT)
public_refresh = whole_number(1, MAX_PUBLIC_REFRESH_SECONDS)


def port_or_off(value: Any) -> int:
    """A port number, or `off` (0): a server that is not started."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return 0
    return port(value)


def milestones(value: Any) -> tuple[int, ...]:
    """Positive whole numbers in increasing order: `100,500` or `[100, 500]`."""
    items = value if isinstance(value, list) else _string(value).split(",")
    numbers = tuple(int(_digits(item)) for item in items)
    if any(a >= b for a, b in itertools.pairwise(numbers)):
        raise ValueError("not in increasing order")
    return numbers


_SOURCE_CODE = re.compile(r"[a-z0-9_]{1,40}")


def source_codes(value: Any) -> tuple[str, ...]:
    """Campaign source codes, each fit for a Telegram deep link (`src_<code>`, "up to 64
    characters, A-Z, a-z, 0-9, _ and -"): `affiche_lyon,tract_paris` or a TOML list."""
    items = value if isinstance(value, list) else _string(value).split(",")
    codes = tuple(_string(item) for item in items if not isinstance(item, str) or item.strip())
    for code in codes:
        if not _SOURCE_CODE.fullmatch(code):
            raise ValueError(f"{code!r} is not a source code")
    if len(set(codes)) != len(codes):
        raise ValueError("a code is listed twice")
    return codes


def _moderator_id(platform: str, user_id: Any) -> str:
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")
    if platform in NUMERIC_IDS:
        return _digits(user_id)
    return text(user_id if isinstance(user_id, str) else str(user_id))


def moderators(value: Any) -> dict[str, frozenset[str]]:
    """`{"telegram": [1, 2]}` from TOML, or `telegram:1,discord:3` from the environment."""
    found: dict[str, set[str]] = {}
    if isinstance(value, Mapping):
        for platform, ids in value.items():
            if not isinstance(ids, list):
                raise TypeError(f"{platform}: {ids!r} is not a list")
            found[platform] = {_moderator_id(platform, user_id) for user_id in ids}
    else:
        for entry in _string(value).replace(";", ",").split(","):
            if not entry.strip():
                continue
            platform, sep, user_id = entry.strip().partition(":")
            if not sep:
                raise ValueError(f"{entry!r} is not platform:id")
            platform = platform.strip()
            found.setdefault(platform, set()).add(_moderator_id(platform, user_id))
    return {platform: frozenset(ids) for platform, ids in found.items()}


def guild_role(value: Any) -> str:
    """`guild_id:role_id`, both Discord snowflakes."""
    guild, sep, role = _string(value).partition(":")
    if not sep:
        raise ValueError("not guild_id:role_id")
    return f"{_digits(guild)}:{_digits(role)}"


def timezone(value: Any) -> str:
    result = _string(value)
    try:
        ZoneInfo(result)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {result!r}") from exc
    return result


def quiet_hours(value: Any) -> str:
    """`HH:MM-HH:MM` (24 h) or `off`, read as the delivery worker reads it."""
    spec = _string(value)
    if spec.lower() in QUIET_OFF:
        return "off"
    start, _, end = (part.strip() for part in spec.partition("-"))
    if not (_HH_MM.fullmatch(start) and _HH_MM.fullmatch(end)):
        raise ValueError("not HH:MM-HH:MM")
    hours = QuietHours.parse(f"{start}-{end}", "UTC")
    if hours is None or hours.start == hours.end:
        raise ValueError("an empty window")
    return f"{start}-{end}"


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = _string(value).lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{word!r} is not a boolean")


def url(value: Any) -> str:
    result = _string(value)
    parts = urlsplit(result)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in result:
        raise ValueError(f"{result!r} is not an http or https URL")
    parts.port  # noqa: B018 - raises ValueError for a port out of range
    return result


def private_url(value: Any) -> str:
    """An https URL, or http to a loopback address only: what crosses a network is
    encrypted, the token included."""
    result = url(value)
    parts = urlsplit(result)
    if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
        raise ValueError(f"{result!r} is plain http to another host")
    return result


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_address(value: Any) -> str:
    return str(ipaddress.ip_address(_string(value)))


def url_path(value: Any) -> str:
    result = _string(value)
    if not _URL_PATH.fullmatch(result):
        raise ValueError(f"{result!r} is not a URL path")
    return result


def webhook_path_of(webhook_url: str) -> str:
    """The path a webhook URL is served at, or `/telegram` when it has none."""
    path = urlsplit(webhook_url).path
    return path if path not in ("", "/") else "/telegram"


def secret_of_form(pattern: str) -> Callable[[Any], str]:
    """A secret that is empty (not set) or matches `pattern` whole."""
    form = re.compile(pattern)

    def parse(value: Any) -> str:
        result = _string(value)
        if result and not form.fullmatch(result):
            raise ValueError("not of the expected form")
        return result

    return parse


telegram_token = secret_of_form(r"\d+:[A-Za-z0-9_-]+")
discord_token = secret_of_form(r"\S+")
# What the Bot API accepts as a webhook's secret_token.
webhook_secret = secret_of_form(r"[A-Za-z0-9_-]{1,256}")
member_secret = secret_of_form(r"[0-9a-fA-F]{64}")
public_key = secret_of_form(r"[0-9a-fA-F]{64}")  # an Ed25519 key: 32 bytes
