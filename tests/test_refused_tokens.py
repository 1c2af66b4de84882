"""A token the platform refuses stops the start, or a `telegram` command, in one line that
never shows the token, with exit code 1.

The loopback server answers every call as both platforms answer a wrong or revoked token:
the Bot API with 401 `{"ok": false, "error_code": 401, "description": "Unauthorized"}`
(core.telegram.org/bots/api, "Making requests": every answer has `ok`, and an error its
`error_code` and `description`), Discord with 401 `{"message": "401: Unauthorized",
"code": 0}` (discord.com/developers/docs/topics/opcodes-and-status-codes, HTTP 401).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest

from tests.support import run_bot

TELEGRAM_TOKEN = "123456:AAHsecretTokenThatWasRevoked"
DISCORD_TOKEN = "MTAx.secret-discord-token.revoked"
REFUSAL = {
    "ok": False,
    "error_code": 401,
    "description": "Unauthorized",
    "message": "401: Unauthorized",
    "code": 0,
}


class Refusing(BaseHTTPRequestHandler):
    def _refuse(self) -> None:
        body = json.dumps(REFUSAL).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _refuse

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextmanager
def refusing_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("args", "platform"),
    [
        (("run",), "telegram"),
        (("telegram", "webhook-info"), "telegram"),
        (("telegram", "delete-webhook"), "telegram"),
        (("run",), "discord"),
    ],
)
def test_a_refused_token_is_said_in_one_line_without_the_token(
    tmp_path: Path, args: tuple[str, ...], platform: str
) -> None:
    with refusing_api() as url:
        env = (
            {"TELEGRAM_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_URL": f"{url}/bot"}
            if platform == "telegram"
            else {"DISCORD_TOKEN": DISCORD_TOKEN, "DISCORD_API_URL": url}
        )
        result = run_bot("--db", str(tmp_path / "bot.db"), *args, env=env)
    assert result.returncode == 1
    said = f"quitgpt-bot: {platform.capitalize()} is unreachable or refused"
    assert result.stderr.strip().splitlines()[-1].startswith(said), result.stderr[-600:]
    assert "Traceback" not in result.stderr
    for token in (TELEGRAM_TOKEN, DISCORD_TOKEN, "secretTokenThatWasRevoked"):
        assert token not in result.stderr + result.stdout
