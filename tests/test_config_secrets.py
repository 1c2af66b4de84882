"""Secrets read from files (`TELEGRAM_TOKEN_FILE`, `token_file`…), as container and
service managers hand them over."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from tests.support import run_bot

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def secret_file(tmp_path: Path, name: str, content: str) -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_each_secret_is_read_from_its_file_without_the_trailing_newline(tmp_path: Path) -> None:
    config = load_config(
        environ={
            "TELEGRAM_TOKEN_FILE": secret_file(tmp_path, "tg", TOKEN + "\n"),
            "DISCORD_TOKEN_FILE": secret_file(tmp_path, "dc", "discord.token-x\r\n"),
            "TELEGRAM_WEBHOOK_SECRET_FILE": secret_file(tmp_path, "wh", "s3cret_token"),
        }
    )
    assert config.telegram_token.value == TOKEN
    assert config.discord_token.value == "discord.token-x"
    assert config.telegram_webhook_secret.value == "s3cret_token"


def test_the_toml_file_can_name_secret_files(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    token_file = secret_file(tmp_path, "tg", TOKEN + "\n")
    path.write_text(f'[telegram]\ntoken_file = "{token_file}"\n', encoding="utf-8")
    assert load_config(path, environ={}).telegram_token.value == TOKEN
    # the environment overrides the file, whichever form either uses
    assert load_config(path, environ={"TELEGRAM_TOKEN": "1:x"}).telegram_token.value == "1:x"
    path.write_text(f'[telegram]\ntoken = "1:y"\ntoken_file = "{token_file}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^telegram.token and telegram.token_file are both set"):
        load_config(path, environ={})


@pytest.mark.parametrize("env", ["TELEGRAM_TOKEN", "DISCORD_TOKEN", "TELEGRAM_WEBHOOK_SECRET"])
def test_a_secret_and_its_file_both_set_is_an_error(env: str, tmp_path: Path) -> None:
    environ = {env: "abc", f"{env}_FILE": secret_file(tmp_path, "s", "abc")}
    with pytest.raises(ConfigError) as raised:
        load_config(environ=environ)
    assert str(raised.value) == f"{env} and {env}_FILE are both set: keep one of them"


def test_unreadable_empty_or_malformed_files_are_named(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    with pytest.raises(ConfigError) as raised:
        load_config(environ={"DISCORD_TOKEN_FILE": missing})
    assert str(raised.value) == (
        f'DISCORD_TOKEN_FILE="{missing}" cannot be read: No such file or directory'
    )
    with pytest.raises(ConfigError, match=r'^DISCORD_TOKEN_FILE=".*" cannot be read: Is a dir'):
        load_config(environ={"DISCORD_TOKEN_FILE": str(tmp_path)})
    empty = secret_file(tmp_path, "empty", "\n")
    with pytest.raises(ConfigError, match=r'^TELEGRAM_TOKEN_FILE=".*empty" is empty$'):
        load_config(environ={"TELEGRAM_TOKEN_FILE": empty})
    bad = secret_file(tmp_path, "bad", "not/allowed\n")
    with pytest.raises(ConfigError) as raised:
        load_config(environ={"TELEGRAM_WEBHOOK_SECRET_FILE": bad})
    assert str(raised.value).startswith(
        f'the content of TELEGRAM_WEBHOOK_SECRET_FILE="{bad}" is not valid: expected 1 to 256'
    )
    assert "not/allowed" not in str(raised.value)
    # A device that never ends is read no further than a setting file can be long.
    with pytest.raises(ConfigError, match=r'^TELEGRAM_TOKEN_FILE="/dev/zero" is larger than'):
        load_config(environ={"TELEGRAM_TOKEN_FILE": "/dev/zero"})


def test_the_member_secret_and_its_file_both_set_is_an_error(tmp_path: Path) -> None:
    # the file need not exist: it is created on first start
    environ = {
        "QUITGPT_MEMBER_SECRET": "ab" * 32,
        "QUITGPT_MEMBER_SECRET_FILE": str(tmp_path / "member.secret"),
    }
    with pytest.raises(ConfigError) as raised:
        load_config(environ=environ)
    assert str(raised.value) == (
        "the member key secret is set twice (environment QUITGPT_MEMBER_SECRET and "
        "environment QUITGPT_MEMBER_SECRET_FILE): keep one of them"
    )


def test_the_real_command_refuses_a_token_set_twice_or_unreadable(tmp_path: Path) -> None:
    token_file = secret_file(tmp_path, "tg", TOKEN)
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_TOKEN_FILE": token_file}
    result = run_bot("run", "--db", str(tmp_path / "x.db"), env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "quitgpt-bot: TELEGRAM_TOKEN and TELEGRAM_TOKEN_FILE are both set: keep one of them\n"
    )
    missing = str(tmp_path / "nothing")
    result = run_bot("run", "--db", str(tmp_path / "x.db"), env={"TELEGRAM_TOKEN_FILE": missing})
    assert result.returncode == 2
    assert result.stderr == (
        f'quitgpt-bot: TELEGRAM_TOKEN_FILE="{missing}" cannot be read: No such file or directory\n'
    )
