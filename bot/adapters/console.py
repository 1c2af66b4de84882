"""The console adapter: one local member typing lines, replies printed as plain text."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.app import App
from bot.delivery.deliverer import PartSent, not_recorded
from bot.delivery.pacing import UNLIMITED
from bot.markup import to_plain
from bot.seam import ChatKind, ChatRef, Reply, Sender

PLATFORM = "console"


class ConsoleAdapter:
    """Runs the real dispatcher for lines typed (or piped) by one member.

    Buttons are shown with the command line that pressing them sends, so the
    member can type it; images are written to files whose path is printed.
    """

    platform = PLATFORM
    pacing = UNLIMITED
    idempotent = False
    connected = True  # the terminal is always there

    def __init__(
        self,
        app: App,
        user: str = "local",
        *,
        language: str | None = None,
        image_dir: Path | None = None,
        out: Callable[[str], None] | None = None,
    ) -> None:
        self.app = app
        self.chat = ChatRef(PLATFORM, user, ChatKind.PRIVATE)
        self.sender = Sender(user, language)
        self._image_dir = image_dir  # None: a private directory made for the first image
        self._posts = 0
        self.out = out or _print

    async def say(self, line: str) -> list[str]:
        """Handle one typed line; the rendered replies, one string each."""
        dispatcher = self.app.dispatcher
        msg = dispatcher.message(self.chat, self.sender, line)
        if msg is None:
            return []
        return [self.render(reply) for reply in await dispatcher.handle(msg)]

    async def deliver(
        self,
        chat: ChatRef,
        reply: Reply,
        *,
        pace: Callable[[], Awaitable[None]],
        replace: str | None = None,
        pin: bool = False,
        start: int = 0,
        sent: PartSent = not_recorded,
        key: str = "",
    ) -> str | None:
        """Print a post the bot makes on its own (tally, announcement, report), in one part."""
        if start > 0:
            return None
        await pace()
        header = self.app.services.catalogues.get(self._language, "console.delivery", chat=chat.id)
        self.out(f"{to_plain(header)}\n{self.render(reply)}\n")
        self._posts += 1
        await sent(0, f"console-{self._posts}")
        return f"console-{self._posts}"

    @property
    def _language(self) -> str:
        return self.app.dispatcher.language_of(self.sender)

    def render(self, reply: Reply) -> str:
        parts = [to_plain(reply.text)]
        t = self.app.services.catalogues.get
        language = self._language
        for row in reply.buttons:
            for button in row:
                key, target = (
                    ("console.link", button.url)
                    if button.url
                    else ("console.button", button.action)
                )
                params = {"label": button.label, "action": target, "url": target}
                parts.append(to_plain(t(language, key, **params)))
        if reply.image is not None:
            path = self._save_image(reply.image.png)
            parts.append(
                to_plain(t(language, "console.image", alt=reply.image.alt, path=str(path)))
            )
        return "\n".join(parts)

    def _save_image(self, png: bytes) -> Path:
        """A chart written where only this user can read it (a directory of mode 0700, a
        file of mode 0600), under a name nobody can guess or plant beforehand."""
        if self._image_dir is None:
            self._image_dir = Path(tempfile.mkdtemp(prefix="quitgpt-charts-"))
        handle, name = tempfile.mkstemp(prefix="chart-", suffix=".png", dir=self._image_dir)
        with os.fdopen(handle, "wb") as file:
            file.write(png)
        return Path(name)

    async def run(self, stream: TextIO = sys.stdin) -> None:
        """Answer every line of `stream` until end of input; a line that is not UTF-8 gets a
        short error and the rest goes on."""
        lines = _line_queue(stream)
        while (line := await lines.get()) is not None:
            if isinstance(line, _Undecodable):
                language = self.app.dispatcher.language_of(self.sender)
                self.out(self.app.services.catalogues.get(language, "error.not_utf8") + "\n")
                continue
            for text in await self.say(line.rstrip("\r\n")):
                self.out(f"{text}\n")


def _print(text: str) -> None:
    print(text, flush=True)


class _Undecodable:
    """Stands for a line whose bytes are not UTF-8."""


UNDECODABLE = _Undecodable()
Line = str | _Undecodable


def _decoded(stream: TextIO) -> Iterator[Line]:
    """The lines of a text stream, decoded one by one from its bytes when it has them, so
    that one line that is not UTF-8 does not end the reading (a strict text stream raises
    UnicodeDecodeError and loses its place)."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        yield from stream
        return
    for line in raw:
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            yield UNDECODABLE


def _line_queue(stream: TextIO) -> asyncio.Queue[Line | None]:
    """Read lines on a daemon thread: works for terminals, pipes and files alike,
    and never keeps the process alive at shutdown."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Line | None] = asyncio.Queue()

    def reader() -> None:
        try:
            for line in _decoded(stream):
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:  # the loop closed first: the bot is shutting down
            return

    threading.Thread(target=reader, name="console-stdin", daemon=True).start()
    return queue
