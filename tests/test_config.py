"""Configuration: TOML, environment overrides, and tokens that never show."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.config import SETTINGS, ConfigError, load_config
from bot.logs import setup_logging

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        'database = "file.db"\ntally_interval_minutes = 60\n'
        '[telegram]\ntoken = "1:from-file"\n[moderators]\ntelegram = [42]\ndiscord = ["7"]\n',
        encoding="utf-8",
    )
    config = load_config(path, environ={"QUITGPT_TALLY_INTERVAL_MINUTES": "15"})
    assert config.database == Path("file.db")
    assert config.tally_interval_minutes == 15
    assert config.telegram_token.value == "1:from-file"
    assert config.is_moderator("telegram", "42") and not config.is_moderator("telegram", "7")
    assert config.platforms == ["telegram"]


def test_moderators_from_the_environment() -> None:
    config = load_config(environ={"QUITGPT_MODERATORS": "telegram:1, discord:2,console:mod"})
    assert config.is_moderator("discord", "2") and config.is_moderator("console", "mod")
    with pytest.raises(
        ConfigError, match=r'QUITGPT_MODERATORS="oops" is not valid: expected platform:id'
    ):
        load_config(environ={"QUITGPT_MODERATORS": "oops"})


def test_invalid_values_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="QUITGPT_TALLY_INTERVAL_MINUTES"):
        load_config(environ={"QUITGPT_TALLY_INTERVAL_MINUTES": "often"})
    missing = tmp_path / "missing.toml"
    with pytest.raises(ConfigError) as raised:
        load_config(missing, environ={})
    assert str(raised.value) == f'--config "{missing}" cannot be read: No such file or directory'
    broken = tmp_path / "broken.toml"
    broken.write_text("timezone = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r'^QUITGPT_CONFIG=".*broken.toml" is not valid TOML: '):
        load_config(environ={"QUITGPT_CONFIG": str(broken)})


def test_tokens_never_appear_in_repr_or_logs(capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(environ={"TELEGRAM_TOKEN": TOKEN, "DISCORD_TOKEN": "discord-secret"})
    assert TOKEN not in repr(config) and "discord-secret" not in repr(config)
    setup_logging("INFO", "json", [TOKEN])
    logging.getLogger("httpx").warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logging.getLogger("bot").exception("boom")
    err = capsys.readouterr().err
    assert "bot***/getMe" in err
    assert TOKEN not in err


def test_the_readme_documents_every_setting() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for setting in SETTINGS:
        assert f"`{setting.env}" in section, setting.env
        assert re.search(rf"\b{setting.keys[-1]}\b", section), setting.key
        if setting.file_variant:
            assert f"{setting.keys[-1]}_file" in section, setting.key


def test_errors_give_the_form_of_the_place_the_value_came_from(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[moderators]\ntelegram = ["alice"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert str(raised.value) == (
        f'moderators = {{"telegram": ["alice"]}} in {path} is not valid: expected a table of id '
        "lists per platform (telegram, discord, console), numeric ids for telegram and discord, "
        "e.g. [moderators] telegram = [123456]"
    )
    with pytest.raises(ConfigError, match=r"expected platform:id pairs separated by commas"):
        load_config(path, environ={"QUITGPT_MODERATORS": "telegram:alice in wonderland"})
