"""Configuration from an optional TOML file, overridden by environment variables.

Tokens are held in `Secret`, whose repr and str never show the value, so a
logged or printed configuration cannot leak them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.resources import shipped

DEFAULT_FACTS = shipped("data", "facts.toml")
DEFAULT_INTENTS = shipped("data", "intents.toml")
DEFAULT_MILESTONES = (100, 500, 1_000, 5_000, 10_000, 17_000, 50_000, 100_000, 500_000, 1_000_000)


class ConfigError(Exception):
    """The configuration file or an environment variable is invalid."""


@dataclass(frozen=True, slots=True)
class Secret:
    value: str

    def __repr__(self) -> str:
        return "Secret('***')" if self.value else "Secret('')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True, slots=True)
class Config:
    database: Path = Path("quitgpt.db")
    facts: Path = DEFAULT_FACTS
    intents: Path = DEFAULT_INTENTS
    default_language: str = "fr"
    log_level: str = "INFO"
    log_format: str = "text"
    organiser: str = "QuitGPT"
    moderators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tally_interval_minutes: int = 360
    milestones: tuple[int, ...] = DEFAULT_MILESTONES
    quiet_hours: str = "22:00-08:00"
    timezone: str = "Europe/Paris"
    telegram_token: Secret = Secret("")
    telegram_api_url: str = ""
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: Secret = Secret("")
    discord_token: Secret = Secret("")
    discord_sharded: bool = False
    discord_moderator_role: str = ""
    member_secret: Secret = Secret("")
    member_secret_file: Path | None = None

    def is_moderator(
        self, platform: str, user_id: str, roles: frozenset[str] = frozenset()
    ) -> bool:
        """Campaign authority: a configured moderator id, or the configured Discord role
        of the one campaign guild (`guild_id:role_id`), never a role of any other guild."""
        if user_id in self.moderators.get(platform, frozenset()):
            return True
        return (
            platform == "discord"
            and bool(self.discord_moderator_role)
            and (self.discord_moderator_role in roles)
        )

    def with_moderator(self, platform: str, user_id: str) -> Config:
        ids = self.moderators.get(platform, frozenset()) | {user_id}
        return replace(self, moderators={**self.moderators, platform: ids})

    @property
    def platforms(self) -> list[str]:
        """The chat platforms that have a token."""
        return [name for name in ("telegram", "discord") if getattr(self, f"{name}_token")]


def _moderators(value: Any) -> dict[str, frozenset[str]]:
    """`{"telegram": [1, 2]}` from TOML, or `telegram:1,discord:3` from the environment."""
    if isinstance(value, Mapping):
        return {platform: frozenset(str(v) for v in ids) for platform, ids in value.items()}
    found: dict[str, set[str]] = {}
    for entry in str(value).replace(";", ",").split(","):
        platform, sep, user_id = entry.strip().partition(":")
        if not sep or not user_id:
            if entry.strip():
                raise ConfigError(f"moderator entry {entry.strip()!r} is not platform:id")
            continue
        found.setdefault(platform.strip(), set()).add(user_id.strip())
    return {platform: frozenset(ids) for platform, ids in found.items()}


def _guild_role(value: Any) -> str:
    """`guild_id:role_id`, both Discord snowflakes."""
    guild, sep, role = str(value).strip().partition(":")
    if not (sep and guild.isascii() and guild.isdigit() and role.isascii() and role.isdigit()):
        raise ValueError(f"{value!r} is not guild_id:role_id (two numeric Discord ids)")
    return f"{int(guild)}:{int(role)}"


def _milestones(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(sorted(int(str(item).strip()) for item in items if str(item).strip()))


def _boolean(value: Any) -> bool:
    return (
        value
        if isinstance(value, bool)
        else str(value).strip().lower() in {"1", "true", "yes", "on"}
    )


# field name -> (environment variable, key path in the TOML file, converter)
_SOURCES: dict[str, tuple[str, tuple[str, ...], Callable[[Any], Any]]] = {
    "database": ("QUITGPT_DB", ("database",), Path),
    "facts": ("QUITGPT_FACTS", ("facts",), Path),
    "intents": ("QUITGPT_INTENTS", ("intents",), Path),
    "default_language": ("QUITGPT_LANGUAGE", ("default_language",), str),
    "log_level": ("QUITGPT_LOG_LEVEL", ("log_level",), lambda v: str(v).upper()),
    "log_format": ("QUITGPT_LOG_FORMAT", ("log_format",), str),
    "organiser": ("QUITGPT_ORGANISER", ("organiser",), str),
    "moderators": ("QUITGPT_MODERATORS", ("moderators",), _moderators),
    "tally_interval_minutes": ("QUITGPT_TALLY_INTERVAL_MINUTES", ("tally_interval_minutes",), int),
    "milestones": ("QUITGPT_MILESTONES", ("milestones",), _milestones),
    "quiet_hours": ("QUITGPT_QUIET_HOURS", ("quiet_hours",), str),
    "timezone": ("QUITGPT_TIMEZONE", ("timezone",), str),
    "telegram_token": ("TELEGRAM_TOKEN", ("telegram", "token"), lambda v: Secret(str(v))),
    "telegram_api_url": ("TELEGRAM_API_URL", ("telegram", "api_url"), str),
    "telegram_webhook_url": ("TELEGRAM_WEBHOOK_URL", ("telegram", "webhook_url"), str),
    "telegram_webhook_listen": ("TELEGRAM_WEBHOOK_LISTEN", ("telegram", "webhook_listen"), str),
    "telegram_webhook_port": ("TELEGRAM_WEBHOOK_PORT", ("telegram", "webhook_port"), int),
    "telegram_webhook_secret": (
        "TELEGRAM_WEBHOOK_SECRET",
        ("telegram", "webhook_secret"),
        lambda v: Secret(str(v)),
    ),
    "discord_token": ("DISCORD_TOKEN", ("discord", "token"), lambda v: Secret(str(v))),
    "discord_sharded": ("DISCORD_SHARDED", ("discord", "sharded"), _boolean),
    "discord_moderator_role": (
        "QUITGPT_DISCORD_MODERATOR_ROLE",
        ("discord", "moderator_role"),
        _guild_role,
    ),
    "member_secret": ("QUITGPT_MEMBER_SECRET", ("member_secret",), lambda v: Secret(str(v))),
    "member_secret_file": ("QUITGPT_MEMBER_SECRET_FILE", ("member_secret_file",), Path),
}


def load_config(
    path: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Read the TOML file (if any), then the environment, then explicit overrides."""
    environ = os.environ if environ is None else environ
    path = path or (Path(environ["QUITGPT_CONFIG"]) if environ.get("QUITGPT_CONFIG") else None)
    document: dict[str, Any] = {}
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
    values: dict[str, Any] = {}
    for name, (env, keys, convert) in _SOURCES.items():
        raw = _lookup(document, keys)
        if environ.get(env):
            raw = environ[env]
        if raw is None:
            continue
        try:
            values[name] = convert(raw)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{env} / {'.'.join(keys)}: invalid value ({exc})") from exc
    config = replace(Config(), **values)
    return replace(config, **{k: v for k, v in overrides.items() if v is not None})


def _lookup(document: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = document
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node
