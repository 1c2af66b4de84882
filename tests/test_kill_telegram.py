"""The real bot, SIGKILLed again and again while it broadcasts to Telegram, loses nothing.

The bot runs as a subprocess against the loopback Bot API server. Two announcements
(one of one message, one of several) and a milestone go to 300 private chats while
the bot is killed at random points (after a random number of messages, at a random
time after it starts) and on either side of a send: while the server holds a message
it has not applied yet (the bot sends one part at a time, so the previous part is
recorded), and while it holds back its answer to a message it has applied (between
"sent" and "recorded", the worst point). After the last restart
every chat must have every part, the moderator both reports, and the audit log both
announcements; Telegram has no idempotency key, so a kill may repeat one part.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config
from commands.pledging import NOTICE_VERSION
from storage.pledges import ALL_KINDS, NewPledge, load_pledges
from storage.subscriptions import subscribe
from tests.fakes.telegram_api import FakeTelegram
from tests.support import ENV, table_rows

CHATS = 300
FIRST_CHAT = 10_000
KILLS = 24
MODERATOR, MEMBER = 4242, 5151
SHORT = "Rendez-vous samedi devant le siège d'OpenAI."
# Within what a member may type (4,000 characters), but more than Telegram's 4,096
# UTF-16 units once the announcement's heading is added: two messages.
LONG = ("Altman a modifié l'accord avec le DoW 📢📢📢 " * 100)[:3990].strip()
MILESTONE = 10


def start_bot(db: Path, tg: FakeTelegram, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **ENV,
        "TELEGRAM_TOKEN": tg.token,
        "TELEGRAM_API_URL": tg.base_url,
        "QUITGPT_MODERATORS": f"telegram:{MODERATOR}",
        "QUITGPT_MILESTONES": str(MILESTONE),
        "QUITGPT_QUIET_HOURS": "off",  # an empty variable counts as unset
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "--db", str(db)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env=env,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait(timeout=30)


async def until(condition: Callable[[], bool], timeout: float = 60.0, poll: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(poll)


def member_texts(tg: FakeTelegram) -> dict[int, Counter[str]]:
    received: dict[int, Counter[str]] = {}
    for action in tg.sent(kind="message"):
        if FIRST_CHAT <= action.chat_id < FIRST_CHAT + CHATS:
            received.setdefault(action.chat_id, Counter())[action.plain_text or ""] += 1
    return received


def to_moderator(tg: FakeTelegram, text: str) -> int:
    return sum(text in (a.plain_text or "") for a in tg.sent(MODERATOR, kind="message"))


def all_handled(db: Path) -> bool:
    """Both announcements, the milestone and both reports queued, and nothing pending."""
    with sqlite3.connect(db) as conn:
        [(posts, pending)] = conn.execute(
            "SELECT (SELECT COUNT(*) FROM broadcasts WHERE status = 'done'),"
            " (SELECT COUNT(*) FROM deliveries WHERE status = 'pending')"
        )
    return posts == 5 and pending == 0


async def seed(db: Path) -> None:
    async with open_app(Config(database=db)) as app:
        now = app.services.clock()
        for n in range(CHATS):
            await subscribe(app.db, "telegram", str(FIRST_CHAT + n), "private", "fr", now)
        seeds = [NewPledge(f"seed-{n}", "telegram", ALL_KINDS, 1, now) for n in range(9)]
        await load_pledges(app.db, seeds)


async def moderator_says(tg: FakeTelegram, text: str, answer: str) -> None:
    before = to_moderator(tg, answer)
    tg.user_sends(text, user_id=MODERATOR, language_code="fr")
    await until(lambda: to_moderator(tg, answer) > before)


@pytest.mark.timeout(400)
async def test_kills_during_broadcasts_lose_nothing_and_repeat_one_part_at_most(
    tmp_path: Path,
) -> None:
    db, log = tmp_path / "kill.db", tmp_path / "bot.log"
    await seed(db)
    chance = random.Random(13)
    async with FakeTelegram() as tg:
        bot = start_bot(db, tg, log)
        try:
            await moderator_says(tg, f"/annonce {SHORT}", "Aperçu de l'annonce —")
            await moderator_says(tg, "/annonce confirmer 1", "Annonce n°1 en cours d'envoi")
            await moderator_says(tg, f"/annonce {LONG}", "Aperçu de l'annonce —")
            await moderator_says(tg, "/annonce confirmer 2", "Annonce n°2 en cours d'envoi")
            tg.user_sends(f"/engagement tout ok{NOTICE_VERSION}", user_id=MEMBER)
            for n in range(KILLS):
                sent = len(tg.sent(kind="message"))
                if n % 4 == 0:  # after some messages
                    count = sent + chance.randint(1, 40)
                    await until(lambda c=count: len(tg.sent(kind="message")) >= c)
                elif n % 4 == 1:  # at a random time after the start
                    await asyncio.sleep(chance.uniform(0.0, 2.5))
                elif n % 4 == 2:  # while a message not yet applied is held
                    served = tg.faults_served["slow"]
                    tg.fail_next("sendMessage", "slow", delay=30.0)
                    await until(lambda s=served: tg.faults_served["slow"] > s)
                else:  # while the answer to a message already applied is held back
                    served = tg.faults_served["lost"]
                    tg.fail_next("sendMessage", "lost", hold=30.0)
                    await until(lambda s=served: tg.faults_served["lost"] > s)
                kill(bot)
                bot = start_bot(db, tg, log)

            await until(lambda: all_handled(db), timeout=180, poll=0.5)
            await until(lambda: to_moderator(tg, "Bilan de l'annonce n°2") > 0, timeout=30)
            await until(lambda: to_moderator(tg, "Bilan de l'annonce n°1") > 0, timeout=30)
        finally:
            kill(bot)
    received = member_texts(tg)
    parts = {text for counts in received.values() for text in counts}
    assert len(parts) >= 4  # the short one, the long one's parts, the milestone
    assert len(received) == CHATS and all(set(c) == parts for c in received.values())
    assert any(f"{MILESTONE} engagements" in text for text in parts)
    repeated = sum(n - 1 for counts in received.values() for n in counts.values())
    reports = [to_moderator(tg, f"Bilan de l'annonce n°{n}") for n in (1, 2)]
    assert repeated + sum(reports) - 2 <= KILLS, (repeated, reports)
    audit = [row for row in table_rows(db)["audit_log"] if row[4] == "broadcast"]
    assert len(audit) == 2
    assert "Traceback" not in log.read_text()
