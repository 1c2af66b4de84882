"""`quitgpt-bot config check`: the resolved configuration, secrets masked."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config_settings import SETTINGS
from tests.support import run_bot

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WEBHOOK_SECRET = "webhook-s3cret"


def settings(stdout: str) -> dict[str, tuple[str, str]]:
    """setting -> (value, origin), from the table (columns two spaces apart at least)."""
    rows = [re.split(r"\s{2,}", line.strip(), maxsplit=2) for line in stdout.splitlines()]
    assert rows[0] == ["setting", "value", "from"]
    return {name: (value, origin) for name, value, origin in rows[1:]}


def test_every_setting_with_its_value_and_origin(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text(
        'timezone = "America/Montreal"\nmilestones = [10, 20]\n'
        '[telegram]\nwebhook_url = "https://bot.example.org/hooks/qg"\n'
        f'webhook_secret = "{WEBHOOK_SECRET}"\n',
        encoding="utf-8",
    )
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    env = {"TELEGRAM_TOKEN_FILE": str(token_file), "QUITGPT_QUIET_HOURS": "off"}
    result = run_bot(
        "config", "check", "--config", str(config), "--db", str(tmp_path / "x.db"), env=env
    )
    assert result.returncode == 0, result.stderr
    rows = settings(result.stdout)
    assert rows["QUITGPT_TIMEZONE"] == ("America/Montreal", f"file {config}: timezone")
    assert rows["QUITGPT_MILESTONES"] == ("10,20", f"file {config}: milestones")
    assert rows["QUITGPT_QUIET_HOURS"] == ("off", "environment QUITGPT_QUIET_HOURS")
    assert rows["QUITGPT_DB"] == (str(tmp_path / "x.db"), "command line --db")
    assert rows["QUITGPT_TALLY_INTERVAL_MINUTES"] == ("360", "default")
    assert rows["TELEGRAM_TOKEN"] == ("*** (set)", "environment TELEGRAM_TOKEN_FILE")
    assert rows["TELEGRAM_WEBHOOK_SECRET"] == (
        "*** (set)",
        f"file {config}: telegram.webhook_secret",
    )
    assert rows["TELEGRAM_WEBHOOK_PATH"] == ("/hooks/qg", "derived from the webhook URL")
    assert rows["TELEGRAM_WEBHOOK_LISTEN"] == ("127.0.0.1", "default")
    assert rows["DISCORD_TOKEN"] == ("(not set)", "default")
    assert rows["QUITGPT_MEMBER_SECRET_FILE"] == (
        str(tmp_path / "x.db.secret"),
        "default: beside the database",
    )
    assert rows["QUITGPT_SYNCHRONOUS"] == ("normal", "default")
    assert rows["QUITGPT_HTTP_PORT"] == ("off", "default")
    assert rows["QUITGPT_PUBLIC_PORT"] == ("off", "default")
    assert rows["QUITGPT_WAL_CHECKPOINTS"] == ("auto", "default")
    assert rows["QUITGPT_DATABASE_URL"] == ("(not set)", "default")
    assert list(rows) == [setting.env for setting in SETTINGS]
    assert TOKEN not in result.stdout and WEBHOOK_SECRET not in result.stdout
    assert result.stderr == ""


def test_an_invalid_configuration_exits_2(tmp_path: Path) -> None:
    result = run_bot("config", "check", env={"QUITGPT_TALLY_INTERVAL_MINUTES": "0"})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith('quitgpt-bot: QUITGPT_TALLY_INTERVAL_MINUTES="0" is not valid')
