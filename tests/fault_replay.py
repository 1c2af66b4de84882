"""Replaying the fault scenarios of `tests/data/fault_scenarios.toml` (written from the
platforms' documentation alone) through the real adapters and the loopback fakes.

Each scenario is one announcement of `parts` messages to `chats` chats, run twice: once
without faults, once with each faulty chat answering its scripted `responses`, one per
send, in order, then normally. A chat's outcome is read from what the server received and
from its subscription; every other chat must finish within 10 % of its fault-free time
(plus `JITTER_S`, what the 20 ms polling and a paced slot or two can add, and on Telegram
the 0.2 s a slow answer holds the window by design), except in a scenario with a global
429, which by Discord's rules stops every request of the bot.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.adapters.discord_adapter import DiscordAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.app import App, open_app
from bot.config import Config
from bot.delivery.publish import publish
from bot.delivery.worker import LATE_ANSWER_S as WINDOW_KEPT_S
from bot.runtime import PlatformAdapter, serving
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.fault_script import (
    LATE_ANSWER_S,
    ChatFault,
    Scenario,
    discord_fault,
    telegram_fault,
)

FIRST_CHAT = 10_000
POLL_S = 0.02
JITTER_S = 0.25
SLOWER_BY = 1.10
LONGEST_S = 300.0
PARAGRAPH = {"telegram": 3000, "discord": 1500}  # two never fit in one message


@dataclass
class Run:
    """What one replay left: per chat index, the parts received (in order, by number),
    when the last one arrived (seconds after publishing), and the chat's state."""

    received: dict[int, list[int]] = field(default_factory=dict)
    finished: dict[int, float] = field(default_factory=dict)
    state: dict[int, str] = field(default_factory=dict)  # subscribed, paused, gone, moved
    seconds: float = 0.0


def post_text(scenario: Scenario) -> str:
    if scenario.parts == 1:
        return "Partie 0 : rendez-vous samedi."
    size = PARAGRAPH[scenario.platform]
    return "\n\n".join(
        f"Partie {n} : " + ("mot " * size)[: size - 12].strip() for n in range(scenario.parts)
    )


def part_number(text: str) -> int:
    return int(text.removeprefix("Partie ").split(" ", 1)[0])


def is_group(fault: ChatFault | None) -> bool:
    """Chats whose scripted answers only a group or channel gives (migration, rights,
    kicked): they are groups; the others are private chats (Telegram) or channels."""
    if fault is None:
        return False
    words = " ".join(str(r.get("description", "")) for r in fault.responses)
    return fault.moved_to is not None or fault.expect == "paused" or "kicked" in words


async def replay(scenario: Scenario, folder: Path, *, faults: bool) -> Run:
    config = Config(database=folder / f"{scenario.name}-{faults}.db", quiet_hours="")
    play = _telegram if scenario.platform == "telegram" else _discord
    async with open_app(config) as app:
        return await play(app, scenario, faults)


async def _telegram(app: App, scenario: Scenario, faults: bool) -> Run:
    ids = {
        n: -(FIRST_CHAT + n) if is_group(scenario.fault_of(n)) else FIRST_CHAT + n
        for n in range(scenario.chats)
    }
    async with FakeTelegram() as tg:
        await _subscribe(app, "telegram", ids)
        if faults:
            for fault in scenario.faults:
                for response in fault.responses:
                    kind, options = telegram_fault(response)
                    tg.fail_next("sendMessage", kind, chat_id=ids[fault.chat], **options)

        def received() -> dict[int, list[str]]:
            by_id: dict[int, list[str]] = {}
            for action in tg.sent(kind="message"):
                by_id.setdefault(action.chat_id, []).append(action.plain_text or "")
            return by_id

        adapter = TelegramAdapter(app, tg.token, api_url=tg.base_url)
        return await _run(app, adapter, scenario, ids, received)


async def _discord(app: App, scenario: Scenario, faults: bool) -> Run:
    async with FakeDiscord() as dc:
        guild = dc.add_guild(name="QuitGPT", channels=[f"salon-{n}" for n in range(scenario.chats)])
        ids = {n: guild.channel(f"salon-{n}") for n in range(scenario.chats)}
        await _subscribe(app, "discord", ids)
        if faults:
            for fault in scenario.faults:
                for response in fault.responses:
                    kind, options = discord_fault(response)
                    path = rf"^/channels/{ids[fault.chat]}/messages$"
                    dc.fail_next("POST", path, kind, **options)

        def received() -> dict[int, list[str]]:
            by_id: dict[int, list[str]] = {}
            for message in dc.sent():
                by_id.setdefault(message.channel_id, []).append(message.content or "")
            return by_id

        adapter = DiscordAdapter(app, dc.token, guild_ready_timeout=0.05)
        return await _run(app, adapter, scenario, ids, received)


async def _subscribe(app: App, platform: str, ids: dict[int, int]) -> None:
    now = app.services.clock()
    for chat_id in ids.values():
        kind = "group" if platform == "discord" or chat_id < 0 else "private"
        await app.storage.subscriptions.subscribe(platform, str(chat_id), kind, "fr", now)


async def _run(
    app: App,
    adapter: PlatformAdapter,
    scenario: Scenario,
    ids: dict[int, int],
    received: Callable[[], dict[int, list[str]]],
) -> Run:
    run = Run()
    moved = {f.chat: f.moved_to for f in scenario.faults if f.moved_to is not None}
    text = post_text(scenario)
    async with serving(app, adapter):
        started = time.perf_counter()
        broadcast = await publish(app.services, "announcement", lambda _: text)
        assert broadcast is not None
        while time.perf_counter() - started < LONGEST_S:
            _note_finished(run, scenario, ids, moved, received(), time.perf_counter() - started)
            if not (await app.storage.outbox.count_deliveries(broadcast)).pending:
                break
            await asyncio.sleep(POLL_S)
        run.seconds = time.perf_counter() - started
        # A last part may land between the poll and the outbox's count: it finished by now.
        _note_finished(run, scenario, ids, moved, received(), run.seconds)
        await _late_answers(scenario, started)
        by_id = received()
        for n, chat_id in ids.items():
            texts = by_id.get(chat_id, []) + by_id.get(moved.get(n, 0), [])
            run.received[n] = [part_number(t) for t in texts]
            run.state[n] = await _state(app, scenario.platform, chat_id, moved.get(n))
    return run


def _note_finished(
    run: Run,
    scenario: Scenario,
    ids: dict[int, int],
    moved: dict[int, int],
    by_id: dict[int, list[str]],
    now: float,
) -> None:
    """Record, for each chat that now has every part, when it had them (at the latest)."""
    for n, chat_id in ids.items():
        texts = by_id.get(chat_id, []) + by_id.get(moved.get(n, 0), [])
        run.received[n] = [part_number(t) for t in texts]
        if n not in run.finished and len(set(run.received[n])) == scenario.parts:
            run.finished[n] = now


async def _late_answers(scenario: Scenario, started: float) -> None:
    """Let answers held past the client's patience land, so that a repeat they cause shows."""
    held = [
        r.get("seconds", 0) for f in scenario.faults for r in f.responses if r.get("kind") == "slow"
    ]
    wait = max(held, default=0) + 0.5 - (time.perf_counter() - started)
    if max(held, default=0) > LATE_ANSWER_S and wait > 0:
        await asyncio.sleep(wait)


async def _state(app: App, platform: str, chat_id: int, moved_to: int | None) -> str:
    if moved_to is not None and await app.storage.subscriptions.get_subscription(
        platform, str(moved_to)
    ):
        return "moved"
    sub = await app.storage.subscriptions.get_subscription(platform, str(chat_id))
    if sub is None:
        return "gone"
    return "paused" if sub.pause_reason else "subscribed"


def outcome(scenario: Scenario, run: Run, chat: int) -> str:
    """What became of one chat, in the scenario file's words."""
    state, parts = run.state[chat], run.received[chat]
    if state != "subscribed":
        return state
    in_order = [p for i, p in enumerate(parts) if i == 0 or parts[i - 1] != p]
    if in_order != list(range(scenario.parts)):
        return "failed"
    return "delivered" if len(parts) == scenario.parts else "delivered_maybe_duplicate"


def _held(scenario: Scenario) -> float:
    """How long the bot holds the other chats by design: on Telegram, which has no
    idempotency key, a slow answer keeps the window until it is WINDOW_KEPT_S late."""
    return WINDOW_KEPT_S if scenario.slow_answer and scenario.platform == "telegram" else 0.0


def judge(scenario: Scenario, clean: Run, faulty: Run) -> list[str]:
    """What went against the scenario's expectations (nothing: it passes)."""
    problems = []
    for chat in range(scenario.chats):
        fault = scenario.fault_of(chat)
        expect = fault.expect if fault else "delivered"
        got = outcome(scenario, faulty, chat)
        repeats = len(faulty.received[chat]) - scenario.parts
        if expect == "moved" and got == "moved":
            in_order = faulty.received[chat] == list(range(scenario.parts))
            if not in_order:
                problems.append(f"chat {chat}: moved but received {faulty.received[chat]}")
        elif expect == "delivered_maybe_duplicate" and got in ("delivered", expect):
            if fault is not None and repeats > fault.repeats_allowed:
                problems.append(
                    f"chat {chat}: {repeats} repeats for {fault.repeats_allowed} lost answers"
                )
        elif got != expect:
            problems.append(
                f"chat {chat}: {got}, expected {expect} (received {faulty.received[chat]})"
            )
        if fault is None and not scenario.global_limit:
            allowed = clean.finished.get(chat, 0.0) * SLOWER_BY + JITTER_S + _held(scenario)
            took = faulty.finished.get(chat, float("inf"))
            if took > allowed:
                problems.append(f"chat {chat}: {took:.2f} s, {allowed:.2f} s allowed")
    return problems


async def check(scenario: Scenario, folder: Path) -> tuple[list[str], Run, Run]:
    clean = await replay(scenario, folder, faults=False)
    faulty = await replay(scenario, folder, faults=True)
    return judge(scenario, clean, faulty), clean, faulty
