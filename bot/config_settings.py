"""Every setting: its environment variable, its key in the TOML file, its parser and the
form it accepts, which an error and the README show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import config_parsers as parse


@dataclass(frozen=True, slots=True)
class Setting:
    """Where a setting is read from, how it is checked, and its accepted form."""

    field: str
    env: str
    keys: tuple[str, ...]
    parse: Callable[[Any], Any]
    expected: str
    secret: bool = False  # never shown
    file_variant: bool = False  # `<ENV>_FILE` or `<key>_file` name a file holding the value
    in_file: str = ""  # the accepted form in the TOML file, when it differs

    @property
    def key(self) -> str:
        return ".".join(self.keys)


_TOKEN = "a bot token, e.g. 123456:AAH… from @BotFather"
SETTINGS: tuple[Setting, ...] = (
    Setting("database", "QUITGPT_DB", ("database",), parse.file_in_existing_directory,
            "a file path in an existing directory, e.g. quitgpt.db"),
    Setting("database_url", "QUITGPT_DATABASE_URL", ("database_url",), parse.database_url,
            "postgresql://user:password@host:5432/name, sqlite:///path/to/file.db or a file "
            "path in an existing directory (SQLite, the default: see QUITGPT_DB)",
            secret=True, file_variant=True),
    Setting("synchronous", "QUITGPT_SYNCHRONOUS", ("synchronous",), parse.synchronous,
            "normal or full"),
    Setting("wal_checkpoints", "QUITGPT_WAL_CHECKPOINTS", ("wal_checkpoints",),
            parse.wal_checkpoints,
            "auto (the bot checkpoints the WAL) or external (a replicator such as Litestream "
            "does)"),
    Setting("facts", "QUITGPT_FACTS", ("facts",), parse.existing_file,
            "the path of an existing fact base file, e.g. data/facts.toml"),
    Setting("intents", "QUITGPT_INTENTS", ("intents",), parse.existing_file,
            "the path of an existing intents file, e.g. data/intents.toml"),
    Setting("default_language", "QUITGPT_LANGUAGE", ("default_language",), parse.language,
            "a language with a catalogue: " + ", ".join(parse.languages())),
    Setting("log_level", "QUITGPT_LOG_LEVEL", ("log_level",), parse.log_level,
            "one of " + ", ".join(parse.LOG_LEVELS)),
    Setting("log_format", "QUITGPT_LOG_FORMAT", ("log_format",), parse.log_format,
            "text or json"),
    Setting("organiser", "QUITGPT_ORGANISER", ("organiser",), parse.text,
            "a name on one line, e.g. QuitGPT"),
    Setting("instance", "QUITGPT_INSTANCE", ("instance",), parse.text,
            "a name on one line, each instance's own, e.g. bot-2"),
    Setting("moderators", "QUITGPT_MODERATORS", ("moderators",), parse.moderators,
            "platform:id pairs separated by commas, platform telegram, discord or console, "
            "numeric ids for telegram and discord, e.g. telegram:123456,console:alice",
            in_file="a table of id lists per platform (telegram, discord, console), numeric "
            "ids for telegram and discord, e.g. [moderators] telegram = [123456]"),
    Setting("tally_interval_minutes", "QUITGPT_TALLY_INTERVAL_MINUTES",
            ("tally_interval_minutes",), parse.tally_interval,
            f"a whole number of minutes from 1 to {parse.MAX_TALLY_MINUTES}, e.g. 360"),
    Setting("milestones", "QUITGPT_MILESTONES", ("milestones",), parse.milestones,
            "positive whole numbers in increasing order separated by commas, e.g. 100,500,1000",
            in_file="a list of positive whole numbers in increasing order, e.g. [100, 500]"),
    Setting("pledge_thresholds", "QUITGPT_PLEDGE_THRESHOLDS", ("pledge_thresholds",),
            parse.milestones,
            "positive whole numbers in increasing order separated by commas, e.g. 1000,10000",
            in_file="a list of positive whole numbers in increasing order, e.g. [1000, 10000]"),
    Setting("sources", "QUITGPT_SOURCES", ("sources",), parse.source_codes,
            "codes of 1 to 40 lower-case letters, digits and _, separated by commas, e.g. "
            "affiche_lyon,tract_paris",
            in_file='a list of such codes, e.g. ["affiche_lyon", "tract_paris"]'),
    Setting("quiet_hours", "QUITGPT_QUIET_HOURS", ("quiet_hours",), parse.quiet_hours,
            "HH:MM-HH:MM (24 h), e.g. 22:00-08:00, or off"),
    Setting("timezone", "QUITGPT_TIMEZONE", ("timezone",), parse.timezone,
            "an IANA time zone, e.g. Europe/Paris or UTC"),
    Setting("http_listen", "QUITGPT_HTTP_LISTEN", ("http_listen",), parse.listen_address,
            "an IP address, e.g. 127.0.0.1, 0.0.0.0 or ::"),
    Setting("http_port", "QUITGPT_HTTP_PORT", ("http_port",), parse.port_or_off,
            "a port number from 1 to 65535, e.g. 9464, or off"),
    Setting("public_port", "QUITGPT_PUBLIC_PORT", ("public_port",), parse.port_or_off,
            "a port number from 1 to 65535, e.g. 8080, or off"),
    Setting("public_listen", "QUITGPT_PUBLIC_LISTEN", ("public_listen",), parse.listen_address,
            "an IP address, e.g. 127.0.0.1, 0.0.0.0 or ::"),
    Setting("public_refresh_seconds", "QUITGPT_PUBLIC_REFRESH_SECONDS",
            ("public_refresh_seconds",), parse.public_refresh,
            f"a whole number of seconds from 1 to {parse.MAX_PUBLIC_REFRESH_SECONDS}, e.g. 5"),
    Setting("ready_max_backlog", "QUITGPT_READY_MAX_BACKLOG", ("ready_max_backlog",),
            parse.ready_backlog,
            f"a whole number of posts from 1 to {parse.MAX_READY_BACKLOG}, e.g. 50000"),
    Setting("ready_max_delay_seconds", "QUITGPT_READY_MAX_DELAY_SECONDS",
            ("ready_max_delay_seconds",), parse.ready_delay,
            f"a whole number of seconds from 1 to {parse.MAX_READY_DELAY_SECONDS}, e.g. 900"),
    Setting("telegram_token", "TELEGRAM_TOKEN", ("telegram", "token"), parse.telegram_token,
            _TOKEN, secret=True, file_variant=True),
    Setting("telegram_api_url", "TELEGRAM_API_URL", ("telegram", "api_url"), parse.url,
            "an http or https URL, e.g. http://127.0.0.1:8081"),
    Setting("telegram_webhook_url", "TELEGRAM_WEBHOOK_URL", ("telegram", "webhook_url"),
            parse.url, "an http or https URL, e.g. https://bot.example.org/telegram"),
    Setting("telegram_webhook_listen", "TELEGRAM_WEBHOOK_LISTEN",
            ("telegram", "webhook_listen"), parse.listen_address,
            "an IP address, e.g. 127.0.0.1, 0.0.0.0 or ::"),
    Setting("telegram_webhook_port", "TELEGRAM_WEBHOOK_PORT", ("telegram", "webhook_port"),
            parse.port, "a port number from 1 to 65535, e.g. 8443"),
    Setting("telegram_webhook_path", "TELEGRAM_WEBHOOK_PATH", ("telegram", "webhook_path"),
            parse.url_path, "a URL path starting with /, e.g. /telegram"),
    Setting("telegram_webhook_secret", "TELEGRAM_WEBHOOK_SECRET",
            ("telegram", "webhook_secret"), parse.webhook_secret,
            "1 to 256 characters among A-Z, a-z, 0-9, _ and -", secret=True, file_variant=True),
    Setting("telegram_webhook_managed", "TELEGRAM_WEBHOOK_MANAGED",
            ("telegram", "webhook_managed"), parse.boolean,
            "true (set once by quitgpt-bot telegram set-webhook) or false (set by the bot at "
            "start)"),
    Setting("telegram_messages_in_flight", "TELEGRAM_MESSAGES_IN_FLIGHT",
            ("telegram", "messages_in_flight"), parse.telegram_in_flight,
            f"a whole number of messages from 1 to {parse.MAX_TELEGRAM_IN_FLIGHT}, e.g. 4 (each "
            "may be sent twice if the bot is killed while it awaits its answer)"),
    Setting("discord_token", "DISCORD_TOKEN", ("discord", "token"), parse.discord_token,
            "a Discord bot token, without spaces", secret=True, file_variant=True),
    Setting("discord_api_url", "DISCORD_API_URL", ("discord", "api_url"), parse.private_url,
            "an https URL, or http on a loopback address, e.g. http://127.0.0.1:8080 (a REST "
            "proxy shared by the instances)"),
    Setting("discord_public_key", "DISCORD_PUBLIC_KEY", ("discord", "public_key"),
            parse.public_key,
            "the application's public key from the Developer Portal, 64 hexadecimal digits"),
    Setting("discord_interactions_listen", "DISCORD_INTERACTIONS_LISTEN",
            ("discord", "interactions_listen"), parse.listen_address,
            "an IP address, e.g. 127.0.0.1, 0.0.0.0 or ::"),
    Setting("discord_interactions_port", "DISCORD_INTERACTIONS_PORT",
            ("discord", "interactions_port"), parse.port,
            "a port number from 1 to 65535, e.g. 8444"),
    Setting("discord_interactions_path", "DISCORD_INTERACTIONS_PATH",
            ("discord", "interactions_path"), parse.url_path,
            "a URL path starting with /, e.g. /discord"),
    Setting("discord_sharded", "DISCORD_SHARDED", ("discord", "sharded"), parse.boolean,
            "true or false"),
    Setting("discord_moderator_role", "QUITGPT_DISCORD_MODERATOR_ROLE",
            ("discord", "moderator_role"), parse.guild_role,
            "guild_id:role_id, two numeric Discord ids, e.g. 80351110224678912:81384788765712384"),
    Setting("member_secret", "QUITGPT_MEMBER_SECRET", ("member_secret",), parse.member_secret,
            "64 hexadecimal digits, e.g. from python3 -c 'import secrets; "
            "print(secrets.token_hex(32))'", secret=True),
    Setting("member_secret_file", "QUITGPT_MEMBER_SECRET_FILE", ("member_secret_file",),
            parse.file_in_existing_directory, "a file path in an existing directory"),
)  # fmt: skip
