"""Which database the bot stores into: QUITGPT_DATABASE_URL, else the SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import open_app
from bot.backup import backup, restore
from bot.config import ConfigError, load_config
from storage.api import backends
from storage.api.backends import POSTGRESQL, SQLITE
from storage.api.errors import BackupError

SERVER_URL = "postgresql://quitgpt:hunter2@127.0.0.1:5432/quitgpt"


def test_sqlite_is_the_default_and_a_sqlite_url_is_its_file(tmp_path: Path) -> None:
    assert load_config(environ={}).storage_url.scheme == SQLITE
    for given in (f"sqlite:///{tmp_path}/bot.db", str(tmp_path / "bot.db")):
        config = load_config(environ={"QUITGPT_DATABASE_URL": given})
        assert config.database == tmp_path / "bot.db"  # where the secret and backups look
        assert config.storage_url.path == tmp_path / "bot.db"
    same = {
        "QUITGPT_DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
        "QUITGPT_DB": f"{tmp_path}/bot.db",
    }
    assert load_config(environ=same).database == tmp_path / "bot.db"


def test_a_server_url_is_kept_secret(tmp_path: Path) -> None:
    config = load_config(environ={"QUITGPT_DATABASE_URL": SERVER_URL})
    assert config.storage_url.scheme == POSTGRESQL and "hunter2" not in repr(config)
    assert config.storage_url.redacted() == "postgresql://quitgpt:***@127.0.0.1:5432/quitgpt"
    url_file = tmp_path / "database_url"
    url_file.write_text(SERVER_URL + "\n", encoding="utf-8")
    from_file = load_config(environ={"QUITGPT_DATABASE_URL_FILE": str(url_file)})
    assert from_file.storage_url == config.storage_url


@pytest.mark.parametrize(
    "value",
    [
        "mysql://quitgpt:hunter2@127.0.0.1/quitgpt",
        "sqlite://relative.db",
        "sqlite:///no/such/directory/bot.db",
        "/no/such/directory/bot.db",
        "postgresql://quitgpt:hunter2@127.0.0.1:notaport/quitgpt",
        "postgresql://quitgpt:hunter2@127.0.0.1:99999/quitgpt",
        "postgresql://quitgpt:hunter2@[::1/quitgpt",
    ],
)
def test_bad_values_stop_the_start_naming_the_setting(value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(environ={"QUITGPT_DATABASE_URL": value})
    message = str(raised.value)
    assert message.startswith("QUITGPT_DATABASE_URL is not valid: expected postgresql://")
    assert "hunter2" not in message


def test_two_different_files_stop_the_start(tmp_path: Path) -> None:
    environ = {
        "QUITGPT_DATABASE_URL": f"sqlite:///{tmp_path}/a.db",
        "QUITGPT_DB": f"{tmp_path}/b.db",
    }
    with pytest.raises(ConfigError, match=r"the database is set twice \(environment QUITGPT_DATA"):
        load_config(environ=environ)


async def test_a_backend_missing_from_the_installation_stops_the_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on an installation without the PostgreSQL backend's package."""
    monkeypatch.setitem(backends.BACKENDS, POSTGRESQL, "storage.not_installed")
    config = load_config(environ={"QUITGPT_DATABASE_URL": SERVER_URL})
    with pytest.raises(ConfigError) as raised:
        async with open_app(config):
            pass
    assert str(raised.value) == (
        "QUITGPT_DATABASE_URL cannot be used: no postgresql backend in this installation"
    )


def test_backups_of_a_server_database_are_left_to_the_server_tools(tmp_path: Path) -> None:
    config = load_config(environ={"QUITGPT_DATABASE_URL": SERVER_URL})
    for run in (lambda: backup(config, tmp_path / "copy.db"), lambda: restore(config, tmp_path)):
        with pytest.raises(BackupError, match="QUITGPT_DATABASE_URL names a postgresql database"):
            run()
    assert list(tmp_path.iterdir()) == []
