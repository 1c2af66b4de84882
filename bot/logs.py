"""Structured logging to stderr, with secrets scrubbed from every record.

Records carry their fields in `extra=`; the text format prints them as
`key=value`, the JSON format as one object per line. Member text is never
logged at info level by the core.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Libraries that log request URLs, which carry the Telegram token, at info level.
_CHATTY = ("httpx", "httpcore", "apscheduler", "aiosqlite", "discord", "telegram")
# PTB's rate limiter logs every 429 it passes on with a traceback; the bot logs the
# outcome itself ("telegram call failed") and decides when to try again.
_PASSED_ON = "telegram.ext.AIORateLimiter"


def _fields(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        return f"{line} {extra}" if extra else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Replace every secret value by *** in the final text, tracebacks included."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(sys.stderr)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def setup_logging(level: str, fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    handler = RedactingHandler(secrets)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.getLevelName(level), logging.WARNING))
    logging.getLogger(_PASSED_ON).setLevel(logging.CRITICAL)
