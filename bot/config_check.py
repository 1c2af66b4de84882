"""`quitgpt-bot config check`: every setting, its value and where it came from."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config import DEFAULT, SETTINGS, Config, Secret
from bot.privacy import secret_path

NOT_SET = "(not set)"


def shown(value: Any) -> str:
    """A setting's value as the README writes it; a secret only says whether it is set."""
    if isinstance(value, Secret):
        return "*** (set)" if value else NOT_SET
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        pairs = [
            f"{platform}:{id_}" for platform in sorted(value) for id_ in sorted(value[platform])
        ]
        return ",".join(pairs) or "(none)"
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value) or "(none)"
    if value is None or value == "":
        return NOT_SET
    return str(value) if isinstance(value, Path | int | str) else repr(value)


def report(config: Config, origins: Mapping[str, str]) -> list[str]:
    """One aligned line per setting: environment variable, value, origin."""
    rows = [("setting", "value", "from")]
    for setting in SETTINGS:
        value = shown(getattr(config, setting.field))
        origin = origins.get(setting.field, DEFAULT)
        if setting.field == "member_secret_file" and not (
            config.member_secret or config.member_secret_file
        ):
            value, origin = str(secret_path(config.database)), "default: beside the database"
        if setting.field in ("http_port", "public_port") and not getattr(config, setting.field):
            value = "off"
        rows.append((setting.env, value, origin))
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"{env:<{widths[0]}}  {value:<{widths[1]}}  {origin}" for env, value, origin in rows]
