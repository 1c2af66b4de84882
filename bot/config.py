"""Configuration from an optional TOML file, overridden by environment variables.

Tokens are held in `Secret`, whose repr and str never show the value, so a
logged or printed configuration cannot leak them.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from bot import config_parsers as parse
from bot.config_settings import SETTINGS, Setting
from bot.resources import shipped
from storage.api.backends import SQLITE, DatabaseUrl, parse_database_url

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
    database_url: Secret = Secret("")  # a server's; a SQLite URL is kept in `database`
    synchronous: str = "normal"
    wal_checkpoints: str = "auto"
    facts: Path = DEFAULT_FACTS
    intents: Path = DEFAULT_INTENTS
    default_language: str = "fr"
    log_level: str = "INFO"
    log_format: str = "text"
    organiser: str = "QuitGPT"
    instance: str = ""  # the host's name
    moderators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    tally_interval_minutes: int = 360
    milestones: tuple[int, ...] = DEFAULT_MILESTONES
    # "I cancel if N others do": the N a member may choose
    pledge_thresholds: tuple[int, ...] = (1_000, 10_000, 100_000)
    sources: tuple[str, ...] = ()  # campaign source codes, for `src_<code>` deep links
    quiet_hours: str = "22:00-08:00"
    timezone: str = "Europe/Paris"
    http_listen: str = "127.0.0.1"
    http_port: int = 0  # off
    ready_max_backlog: int = 50_000
    ready_max_delay_seconds: int = 900
    public_port: int = 0  # off
    public_listen: str = "127.0.0.1"
    public_refresh_seconds: int = 5
    telegram_token: Secret = Secret("")
    telegram_api_url: str = ""
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_path: str = "/telegram"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: Secret = Secret("")
    telegram_webhook_managed: bool = False
    # posts awaiting the Bot API's answer at once (see bot/delivery/turns.py)
    telegram_messages_in_flight: int = 1
    discord_token: Secret = Secret("")
    discord_api_url: str = ""
    discord_public_key: str = ""  # set: interactions over HTTP, no gateway
    discord_interactions_listen: str = "127.0.0.1"
    discord_interactions_port: int = 8444
    discord_interactions_path: str = "/discord"
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
    def storage_url(self) -> DatabaseUrl:
        """The database the bot stores into: QUITGPT_DATABASE_URL, else the SQLite file."""
        if self.database_url:
            return parse_database_url(self.database_url.value)
        return DatabaseUrl(SQLITE, str(self.database))

    @property
    def platforms(self) -> list[str]:
        """The chat platforms that have a token."""
        return [name for name in ("telegram", "discord") if getattr(self, f"{name}_token")]


SECRET_FIELDS = frozenset(s.field for s in SETTINGS if s.secret)
_BY_FIELD = {s.field: s for s in SETTINGS}
_FLAGS = {"database": "--db", "log_level": "--log-level"}
DEFAULT = "default"
# A configuration file or a secret kept in a file is a few hundred bytes.
MAX_FILE_BYTES = 1024 * 1024


class Found(NamedTuple):
    """A setting's raw value, how an error names it, and where it came from."""

    raw: Any
    label: str
    origin: str
    in_file: bool = False


def load_config(
    path: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Read the TOML file (if any), then the environment, then explicit overrides."""
    return resolve_config(path, environ, **overrides)[0]


def resolve_config(
    path: Path | None = None, environ: Mapping[str, str] | None = None, **overrides: Any
) -> tuple[Config, dict[str, str]]:
    """The configuration, every setting checked, and where each value came from
    (settings absent from the result have their default)."""
    environ = os.environ if environ is None else environ
    document: dict[str, Any] = {}
    if path is not None:
        document = _read_document(path, f"--config {_shown(str(path))}")
    elif environ.get("QUITGPT_CONFIG"):
        path = Path(environ["QUITGPT_CONFIG"])
        document = _read_document(path, f"QUITGPT_CONFIG={_shown(str(path))}")
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for setting in SETTINGS:
        found = _from_environment(setting, environ) or _from_document(setting, document, path)
        if found is not None:
            values[setting.field] = _checked(setting, found)
            origins[setting.field] = found.origin
    for name, value in overrides.items():
        if value is None:
            continue
        flag = _FLAGS.get(name, name)
        known = _BY_FIELD.get(name)
        raw = str(value) if isinstance(value, Path) else value
        found = Found(raw, f"{flag} {_shown(raw)}", f"command line {flag}")
        values[name] = _checked(known, found) if known else value
        origins[name] = found.origin
    _both_member_secrets(origins)
    _distinct_ports(values)
    _sqlite_url_as_file(values, origins)
    _managed_webhook(values)
    if values.get("telegram_webhook_url") and "telegram_webhook_path" not in values:
        values["telegram_webhook_path"] = parse.webhook_path_of(values["telegram_webhook_url"])
        origins["telegram_webhook_path"] = "derived from the webhook URL"
    for name in SECRET_FIELDS & values.keys():
        values[name] = Secret(values[name])
    return replace(Config(), **values), origins


def _read_text(path: Path, label: str) -> str:
    """The file's text, read no further than MAX_FILE_BYTES (a device such as /dev/zero
    never ends)."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ConfigError(f"{label} is larger than {MAX_FILE_BYTES // 1024} KiB: not a setting")
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"{label} cannot be read: {reason}") from exc


def _read_document(path: Path, label: str) -> dict[str, Any]:
    try:
        document = tomllib.loads(_read_text(path, label))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label} is not valid TOML: {exc}") from exc
    known = {s.key for s in SETTINGS} | {f"{s.key}_file" for s in SETTINGS if s.file_variant}
    tables = {s.keys[0] for s in SETTINGS if len(s.keys) > 1}
    for key, value in document.items():
        names = (
            [f"{key}.{sub}" for sub in value]
            if key in tables and isinstance(value, dict)
            else [key]
        )
        for name in names:
            if name not in known:
                raise ConfigError(
                    f"{name} in {path} is not a setting: see the Configuration section of the "
                    "README for the accepted keys"
                )
    return document


def _from_environment(setting: Setting, environ: Mapping[str, str]) -> Found | None:
    """From `ENV`, or from the file `ENV_FILE` names."""
    env, env_file = setting.env, f"{setting.env}_FILE"
    direct = environ.get(env, "")
    from_file = environ.get(env_file, "") if setting.file_variant else ""
    if direct and from_file:
        raise ConfigError(f"{env} and {env_file} are both set: keep one of them")
    if from_file:
        label = f"{env_file}={_shown(from_file)}"
        return Found(
            _read_secret(from_file, label), f"the content of {label}", f"environment {env_file}"
        )
    if direct:
        label = env if setting.secret else f"{env}={_shown(direct)}"
        return Found(direct, label, f"environment {env}")
    return None


def _from_document(
    setting: Setting, document: Mapping[str, Any], path: Path | None
) -> Found | None:
    """From the TOML key, or from the file its `_file` key names."""
    direct = _lookup(document, setting.keys)
    file_keys = (*setting.keys[:-1], f"{setting.keys[-1]}_file")
    from_file = _lookup(document, file_keys) if setting.file_variant else None
    name, file_name = setting.key, ".".join(file_keys)
    if direct is not None and from_file is not None:
        raise ConfigError(f"{name} and {file_name} are both set in {path}: keep one of them")
    if from_file is not None:
        label = f"{file_name} = {_shown(from_file)} in {path}"
        raw = _read_secret(str(from_file), label)
        return Found(raw, f"the content of {label}", f"file {path}: {file_name}", in_file=True)
    if direct is not None:
        label = f"{name} in {path}" if setting.secret else f"{name} = {_shown(direct)} in {path}"
        return Found(direct, label, f"file {path}: {name}", in_file=True)
    return None


def _read_secret(file: str, label: str) -> str:
    """A secret kept in a file, as Docker and systemd credentials provide them."""
    value = _read_text(Path(file), label).rstrip("\r\n")
    if not value.strip():
        raise ConfigError(f"{label} is empty")
    return value


def _checked(setting: Setting, found: Found) -> Any:
    try:
        return setting.parse(found.raw)
    except (TypeError, ValueError) as exc:
        expected = (found.in_file and setting.in_file) or setting.expected
        raise ConfigError(f"{found.label} is not valid: expected {expected}") from exc


def _both_member_secrets(origins: Mapping[str, str]) -> None:
    """The secret itself or the file holding it: both would leave one silently unused."""
    if "member_secret" in origins and "member_secret_file" in origins:
        raise ConfigError(
            f"the member key secret is set twice ({origins['member_secret']} and "
            f"{origins['member_secret_file']}): keep one of them"
        )


def _distinct_ports(values: Mapping[str, Any]) -> None:
    """The status server and the public counter on one port: the second could not start."""
    port = values.get("public_port")
    if port and port == values.get("http_port"):
        raise ConfigError(
            f"QUITGPT_PUBLIC_PORT={port} is also QUITGPT_HTTP_PORT: the public counter "
            "needs a port of its own"
        )


def _sqlite_url_as_file(values: dict[str, Any], origins: dict[str, str]) -> None:
    """A SQLite QUITGPT_DATABASE_URL is the database file, as if given by QUITGPT_DB: the
    member secret, backups and restores find it there."""
    if "database_url" not in values:
        return
    url = parse_database_url(values["database_url"])
    if url.scheme != SQLITE:
        return
    if "database" in values and values["database"] != url.path:
        raise ConfigError(
            f"the database is set twice ({origins['database_url']} and "
            f"{origins['database']}): keep one of them"
        )
    values["database"], origins["database"] = url.path, origins.pop("database_url")
    del values["database_url"]


def _managed_webhook(values: Mapping[str, Any]) -> None:
    """Instances behind a load balancer receive the webhook `set-webhook` registered: its
    URL and its secret must be known to each, never a random secret of their own."""
    if values.get("telegram_webhook_managed"):
        missing = [
            setting.env
            for setting in SETTINGS
            if setting.field in ("telegram_webhook_url", "telegram_webhook_secret")
            and not values.get(setting.field)
        ]
        if missing:
            raise ConfigError(
                f"TELEGRAM_WEBHOOK_MANAGED=true needs {' and '.join(missing)}: every instance "
                "accepts the webhook that quitgpt-bot telegram set-webhook registered with them"
            )


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _lookup(document: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = document
    for key in keys:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node
