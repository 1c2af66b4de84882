"""The `quitgpt-bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.backup import backup, restore
from bot.config import Config, ConfigError, Secret, resolve_config
from bot.config_check import report
from bot.facts.loader import FactBaseError, load_factbase
from bot.i18n import LOCALES_DIR, LocaleError
from bot.logs import setup_logging
from bot.seam import PlatformUnavailable
from storage.api.errors import BackupError, SchemaError

STOPPING = (signal.SIGINT, signal.SIGTERM)
TELEGRAM_ACTIONS = {
    "set-webhook": "register TELEGRAM_WEBHOOK_URL with TELEGRAM_WEBHOOK_SECRET for every instance",
    "webhook-info": "what the Bot API says of the webhook: URL, pending updates, last error",
    "delete-webhook": "remove the webhook (the bot can poll again)",
}


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options accepted both before and after the sub-command."""
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=default, help="TOML configuration file")
    common.add_argument("--db", type=Path, default=default, help="SQLite file (default quitgpt.db)")
    common.add_argument("--log-level", default=default, help="DEBUG, INFO, WARNING or ERROR")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quitgpt-bot",
        description="QuitGPT campaign bot. With no platform token it runs the console.",
        parents=[_common(suppress=False)],
    )
    sub = parser.add_subparsers(dest="action")
    common = _common(suppress=True)
    sub.add_parser("run", parents=[common], help="serve every configured platform (the default)")
    console = sub.add_parser(
        "console", parents=[common], help="chat with the bot in a terminal or pipe"
    )
    console.add_argument("--user", default=None, type=_user, help="the local member's name")
    console.add_argument("--moderator", action="store_true", help="act as a moderator")
    console.add_argument(
        "--lang", default=None, type=_language, help="the member's language, e.g. fr or en"
    )
    settings = sub.add_parser("config", help="work on the configuration")
    settings_sub = settings.add_subparsers(dest="config_action", required=True)
    settings_sub.add_parser(
        "check", parents=[common], help="print every setting, its value and where it came from"
    )
    copy = sub.add_parser(
        "backup", parents=[common], help="copy the database and its secret while the bot runs"
    )
    copy.add_argument("dest", type=Path, help="the new file, e.g. backups/quitgpt-2026-01-01.db")
    put_back = sub.add_parser(
        "restore", parents=[common], help="put a backup in place of the database (bot stopped)"
    )
    put_back.add_argument("source", type=Path, help="a file made by `quitgpt-bot backup`")
    put_back.add_argument("--force", action="store_true", help="replace an existing database")
    telegram = sub.add_parser("telegram", help="the Telegram webhook, set once for every instance")
    telegram_sub = telegram.add_subparsers(dest="telegram_action", required=True)
    for name, purpose in TELEGRAM_ACTIONS.items():
        telegram_sub.add_parser(name, parents=[common], help=purpose)
    facts = sub.add_parser("facts", help="work on the fact base file")
    facts_sub = facts.add_subparsers(dest="facts_action", required=True)
    check = facts_sub.add_parser("check", help="validate a fact base file without starting")
    check.add_argument("file", type=Path, help="the TOML file, e.g. bot/data/facts.toml")
    return parser


def _user(value: str) -> str:
    """A name that `console:NAME` in QUITGPT_MODERATORS can give back as it is."""
    if not value.strip() or value != value.strip() or any(c in value for c in ",;"):
        raise argparse.ArgumentTypeError(
            f"{value!r}: a name without spaces around it, commas or semicolons "
            "(QUITGPT_MODERATORS separates its entries with them)"
        )
    return value


def _language(value: str) -> str:
    """A language the bot has a catalogue for (a tag such as en-GB names its language)."""
    known = sorted(path.stem for path in LOCALES_DIR.glob("*.json"))
    if value.split("-")[0].split("_")[0].lower() not in known:
        raise argparse.ArgumentTypeError(f"{value!r}: the bot speaks {', '.join(known)}")
    return value


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C raises from here on
    args = _parser().parse_args(argv)
    if args.action == "facts":
        return check_facts(args.file)
    try:
        config, origins = resolve_config(args.config, database=args.db, log_level=args.log_level)
        if args.action == "config":
            print("\n".join(report(config, origins)))
            return 0
        if args.action == "backup":
            with _handling(_raise_terminated, signal.SIGTERM):
                print(backup(config, args.dest))
            return 0
        if args.action == "restore":
            with _handling(_raise_terminated, signal.SIGTERM):
                print(restore(config, args.source, force=args.force))
            return 0
        if args.action == "telegram":
            print(asyncio.run(telegram_webhook(args.telegram_action, config)))
            return 0
        secrets = secrets_of(config)
        # In a terminal session, routine logs would drown the conversation.
        quiet = args.action == "console" and not args.log_level
        level = "WARNING" if quiet else config.log_level
        setup_logging(level, config.log_format, [secret.value for secret in secrets])
        # SIGINT and SIGTERM before the event loop takes them over are kept, to be honoured
        # then: asyncio's own Ctrl-C handler would cancel the start halfway (a database
        # connection's thread left calling back into a closed loop).
        early: list[int] = []
        with _handling(lambda signum, frame: early.append(signum), *STOPPING):
            asyncio.run(_dispatch(args, config, early))
    except (ConfigError, SchemaError, LocaleError, FactBaseError, BackupError) as exc:
        print(f"quitgpt-bot: {exc}", file=sys.stderr)
        return 2
    except PlatformUnavailable as exc:
        # The platform's own message may quote what it refused: a token is never printed.
        print(f"quitgpt-bot: {masked(str(exc), config)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Terminated:
        return 128 + signal.SIGTERM
    return 0


class Terminated(BaseException):
    """SIGTERM, raised where the copy is, so that its clean-up runs."""


def _raise_terminated(signum: int, frame: object) -> None:
    """By default SIGTERM ends the process on the spot: a half-written backup would stay
    behind and make the next attempt refuse its file name."""
    raise Terminated


@contextmanager
def _handling(handler: Callable[[int, object], None], *signals: signal.Signals) -> Iterator[None]:
    """`handler` for `signals` during the block, the previous handlers after it."""
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)


def masked(text: str, config: Config) -> str:
    """`text` with every configured secret replaced by `***`."""
    for secret in secrets_of(config):
        if secret.value:
            text = text.replace(secret.value, "***")
    return text


def secrets_of(config: Config) -> list[Secret]:
    return [
        config.telegram_token,
        config.discord_token,
        config.telegram_webhook_secret,
        config.member_secret,
    ]


async def telegram_webhook(action: str, config: Config) -> str:
    """`set-webhook`, `webhook-info` or `delete-webhook`: a report to print."""
    from bot.adapters import telegram_webhook_admin as admin  # loads the platform library

    calls = {
        "set-webhook": admin.set_webhook,
        "webhook-info": admin.webhook_info,
        "delete-webhook": admin.delete_webhook,
    }
    return await calls[action](config)


def check_facts(path: Path) -> int:
    """Validate a fact base file as the bot would load it; 0 when valid, 2 otherwise."""
    try:
        base = load_factbase(path)
    except FactBaseError as exc:
        print(f"quitgpt-bot: {exc}", file=sys.stderr)
        return 2
    print(f"OK: {len(base.facts)} facts, {len(base.topics)} topics")
    return 0


async def _dispatch(args: argparse.Namespace, config: Config, early: list[int]) -> None:
    # Imported here: the platform libraries take a second to load, and a bad setting or a
    # `config check` needs none of them.
    from bot.runtime import run_console, run_platforms, stop_on_signals

    with stop_on_signals() as stop:
        if early:  # asked to stop while loading: the start completes, then stops cleanly
            stop.set()
        if args.action == "console":
            user = args.user or _default_user()
            await run_console(config, stop, user=user, moderator=args.moderator, language=args.lang)
        else:
            await run_platforms(config, stop)
