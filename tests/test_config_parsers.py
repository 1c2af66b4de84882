"""Setting parsers: what each kind of setting accepts, and what it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import config_parsers as parse


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("22:00-08:00", "22:00-08:00"),
        (" 08:30 - 12:00 ", "08:30-12:00"),
        ("off", "off"),
        ("", "off"),
    ],
)
def test_quiet_hours_accepted(raw: str, value: str) -> None:
    assert parse.quiet_hours(raw) == value


@pytest.mark.parametrize(
    "raw", ["25:00-08:00", "22:00", "22-08", "22:00-08:00-09:00", "22:00+01:00-08:00", "8:00-9:00",
            "10:00-10:00", "22:60-08:00", 2200]
)  # fmt: skip
def test_quiet_hours_refused(raw: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        parse.quiet_hours(raw)


def test_time_zones() -> None:
    assert parse.timezone(" Europe/Paris ") == "Europe/Paris"
    assert parse.timezone("UTC") == "UTC"
    for raw in ["Mars/Base", "", "../etc/passwd", "Europe/"]:
        with pytest.raises(ValueError):
            parse.timezone(raw)


def test_whole_numbers_in_range() -> None:
    assert parse.tally_interval("360") == 360 and parse.tally_interval(1) == 1
    assert parse.port(" 8443 ") == 8443 and parse.port(65535) == 65535
    for raw in ["0", "-5", "often", "1.5", 10081, True, 2.0, "1_0", "+5", "\u0661\u0660", "\uff15"]:
        with pytest.raises((ValueError, TypeError)):
            parse.tally_interval(raw)
    for raw in [0, 65536, "http"]:
        with pytest.raises((ValueError, TypeError)):
            parse.port(raw)
    assert parse.port_or_off("OFF") == 0 and parse.port_or_off("9464") == 9464
    assert parse.ready_backlog("50000") == 50_000 and parse.ready_delay(900) == 900
    for parser, raw in [(parse.port_or_off, "0"), (parse.port_or_off, ""),
                        (parse.ready_backlog, "0"), (parse.ready_delay, 604801)]:  # fmt: skip
        with pytest.raises((ValueError, TypeError)):
            parser(raw)


def test_milestones() -> None:
    assert parse.milestones("100, 500,1000") == (100, 500, 1000)
    assert parse.milestones([100, 500]) == (100, 500)
    assert parse.milestones([]) == ()
    for raw in ["500,100", "100,100", "0,5", "-1", "100,,500", "1e3", [True], ["x"]]:
        with pytest.raises((ValueError, TypeError)):
            parse.milestones(raw)


def test_moderators() -> None:
    assert parse.moderators("telegram:0123, discord:7;console:alice") == {
        "telegram": frozenset({"123"}),
        "discord": frozenset({"7"}),
        "console": frozenset({"alice"}),
    }
    assert parse.moderators({"telegram": [42, "43"]}) == {"telegram": frozenset({"42", "43"})}
    assert parse.moderators("") == {}
    bad: list[Any] = ["oops", "slack:1", "telegram:alice", "discord:-4", "telegram:",
                      "console:", {"telegram": 42}, {"irc": ["x"]}]  # fmt: skip
    for raw in bad:
        with pytest.raises((ValueError, TypeError)):
            parse.moderators(raw)


def test_urls_and_webhook_addresses() -> None:
    assert parse.url("https://bot.example.org/telegram") == "https://bot.example.org/telegram"
    assert parse.url("http://127.0.0.1:8081") == "http://127.0.0.1:8081"
    for raw in ["bot.example.org", "ftp://x.org", "https://", "https://x.org:99999/", "http://a b"]:
        with pytest.raises(ValueError):
            parse.url(raw)
    assert parse.listen_address("::") == "::" and parse.listen_address("0.0.0.0") == "0.0.0.0"
    with pytest.raises(ValueError):
        parse.listen_address("localhost")
    assert parse.url_path("/hooks/telegram") == "/hooks/telegram"
    for raw in ["telegram", "/a b", "/x?y=1", ""]:
        with pytest.raises(ValueError):
            parse.url_path(raw)
    assert parse.webhook_path_of("https://bot.example.org/hooks/tg") == "/hooks/tg"
    assert parse.webhook_path_of("https://bot.example.org/") == "/telegram"
    assert parse.webhook_path_of("https://bot.example.org") == "/telegram"


def test_words_from_short_lists() -> None:
    assert parse.log_level("debug") == "DEBUG" and parse.log_format("JSON") == "json"
    assert parse.language("EN") == "en" and "fr" in parse.languages()
    assert parse.boolean("yes") is True and parse.boolean("off") is False
    assert parse.synchronous("FULL") == "full"
    assert parse.wal_checkpoints(" External ") == "external"
    for parser, raw in [(parse.log_level, "LOUD"), (parse.log_format, "xml"),
                        (parse.language, "de"), (parse.boolean, "ture"),
                        (parse.synchronous, "extra"),
                        (parse.wal_checkpoints, "litestream")]:  # fmt: skip
        with pytest.raises(ValueError):
            parser(raw)


def test_files(tmp_path: Path) -> None:
    facts = tmp_path / "facts.toml"
    facts.write_text("", encoding="utf-8")
    assert parse.existing_file(str(facts)) == facts
    assert parse.file_in_existing_directory(str(tmp_path / "new.db")) == tmp_path / "new.db"
    for parser, raw in [(parse.existing_file, tmp_path / "missing.toml"),
                        (parse.existing_file, tmp_path),
                        (parse.file_in_existing_directory, tmp_path / "no" / "x.db"),
                        (parse.file_in_existing_directory, tmp_path)]:  # fmt: skip
        with pytest.raises(ValueError):
            parser(str(raw))


def test_secrets_and_ids() -> None:
    assert parse.telegram_token("123456:AAH-x_y") == "123456:AAH-x_y"
    assert parse.webhook_secret("s3cret-token_1") == "s3cret-token_1"
    assert parse.member_secret("ab" * 32) == "ab" * 32
    assert parse.guild_role("0803:81") == "803:81"
    for parser, raw in [(parse.telegram_token, "AAH"), (parse.telegram_token, "1:a b"),
                        (parse.discord_token, "Bot abc"), (parse.webhook_secret, "a/b"),
                        (parse.webhook_secret, "x" * 257), (parse.member_secret, "ab" * 31),
                        (parse.guild_role, "1"), (parse.guild_role, "1:x")]:  # fmt: skip
        with pytest.raises(ValueError):
            parser(raw)
