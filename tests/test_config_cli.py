"""A bad setting stops the real command at start: exit code 2 and one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import run_bot

FORMS = {
    "QUITGPT_TIMEZONE": ("Mars/Base", "an IANA time zone, e.g. Europe/Paris or UTC"),
    "QUITGPT_QUIET_HOURS": ("25:00-08:00", "HH:MM-HH:MM (24 h), e.g. 22:00-08:00, or off"),
    "QUITGPT_TALLY_INTERVAL_MINUTES": (
        "0",
        "a whole number of minutes from 1 to 10080, e.g. 360",
    ),
    "QUITGPT_MILESTONES": (
        "500,100",
        "positive whole numbers in increasing order separated by commas, e.g. 100,500,1000",
    ),
    "QUITGPT_PLEDGE_THRESHOLDS": (
        "1000,0",
        "positive whole numbers in increasing order separated by commas, e.g. 1000,10000",
    ),
    "QUITGPT_MODERATORS": (
        "telegram:alice",
        "platform:id pairs separated by commas, platform telegram, discord or console, "
        "numeric ids for telegram and discord, e.g. telegram:123456,console:alice",
    ),
    "TELEGRAM_WEBHOOK_URL": (
        "bot.example.org/telegram",
        "an http or https URL, e.g. https://bot.example.org/telegram",
    ),
    "TELEGRAM_WEBHOOK_PORT": ("70000", "a port number from 1 to 65535, e.g. 8443"),
    "TELEGRAM_WEBHOOK_LISTEN": ("localhost", "an IP address, e.g. 127.0.0.1, 0.0.0.0 or ::"),
    "TELEGRAM_WEBHOOK_PATH": ("telegram", "a URL path starting with /, e.g. /telegram"),
    "QUITGPT_LOG_LEVEL": ("LOUD", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    "QUITGPT_LOG_FORMAT": ("xml", "text or json"),
    "QUITGPT_LANGUAGE": ("de", "a language with a catalogue: en, fr"),
    "QUITGPT_FACTS": (
        "missing/facts.toml",
        "the path of an existing fact base file, e.g. data/facts.toml",
    ),
    "DISCORD_SHARDED": ("ture", "true or false"),
    "QUITGPT_DISCORD_MODERATOR_ROLE": (
        "42",
        "guild_id:role_id, two numeric Discord ids, e.g. 80351110224678912:81384788765712384",
    ),
}  # fmt: skip


@pytest.mark.parametrize("env", FORMS)
def test_a_bad_setting_stops_the_start_in_one_line(env: str, tmp_path: Path) -> None:
    value, expected = FORMS[env]
    result = run_bot("console", "--db", str(tmp_path / "x.db"), env={env: value})
    assert result.returncode == 2
    assert result.stderr == f'quitgpt-bot: {env}="{value}" is not valid: expected {expected}\n'
    assert result.stdout == "" and not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ("TELEGRAM_TOKEN", "a bot token, e.g. 123456:AAH… from @BotFather"),
        ("TELEGRAM_WEBHOOK_SECRET", "1 to 256 characters among A-Z, a-z, 0-9, _ and -"),
        ("QUITGPT_MEMBER_SECRET", "64 hexadecimal digits"),
    ],
)
def test_a_bad_secret_is_named_but_never_shown(env: str, expected: str, tmp_path: Path) -> None:
    result = run_bot("run", "--db", str(tmp_path / "x.db"), env={env: "not a secret"})
    assert result.returncode == 2
    assert result.stderr.startswith(f"quitgpt-bot: {env} is not valid: expected {expected}")
    assert "not a secret" not in result.stderr


def test_a_bad_key_in_the_file_is_named_with_the_file(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("[telegram]\nwebhook_port = 0\n", encoding="utf-8")
    result = run_bot("console", "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr == (
        f"quitgpt-bot: telegram.webhook_port = 0 in {config} is not valid: "
        "expected a port number from 1 to 65535, e.g. 8443\n"
    )
    config.write_text('quiet_hour = "22:00-07:00"\n', encoding="utf-8")
    result = run_bot("console", "--config", str(config))
    assert result.returncode == 2 and "quiet_hour in" in result.stderr
    assert "is not a setting" in result.stderr


def test_bad_command_line_values_and_directories(tmp_path: Path) -> None:
    result = run_bot("console", "--db", str(tmp_path / "x.db"), "--log-level", "loud")
    assert result.returncode == 2
    assert result.stderr.startswith('quitgpt-bot: --log-level "loud" is not valid: expected one')
    result = run_bot("console", "--db", str(tmp_path / "nowhere" / "x.db"))
    assert result.returncode == 2
    assert "a file path in an existing directory" in result.stderr


def test_good_settings_start_the_bot(tmp_path: Path) -> None:
    env = {
        "QUITGPT_TIMEZONE": "America/Montreal",
        "QUITGPT_QUIET_HOURS": "23:00-07:30",
        "QUITGPT_TALLY_INTERVAL_MINUTES": "60",
        "QUITGPT_MILESTONES": "10,20",
        "QUITGPT_MODERATORS": "telegram:1,console:alice",
        "QUITGPT_LANGUAGE": "en",
        "QUITGPT_LOG_FORMAT": "json",
    }
    result = run_bot("console", "--db", str(tmp_path / "x.db"), stdin="/help\n", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout
