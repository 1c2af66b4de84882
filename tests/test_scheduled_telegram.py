"""A planned announcement on Telegram, through python-telegram-bot and the fake Bot API:
scheduled by a moderator, kept across a restart, sent once at its time, each private chat
in its member's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import open_app
from bot.config import Config
from bot.delivery.outbox import publish_due
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram_support import MODERATOR, eventually, telegram_bot
from tests.test_tally_console import Clock

FRENCH, ENGLISH = 7_310_051, 7_310_052
DUE = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 in Paris


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(database=tmp_path / "tg.db", moderators={"telegram": frozenset({str(MODERATOR)})})


async def test_a_planned_announcement_reaches_each_chat_in_its_language(
    config: Config, tg: FakeTelegram
) -> None:
    clock = Clock()
    clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    async with open_app(config, clock=clock) as app, telegram_bot(app, tg):
        for user, language in ((FRENCH, "fr"), (ENGLISH, "en")):
            tg.user_sends("/abonner", user_id=user, language_code=language)
            await tg.wait_for(1, chat_id=user)
        tg.user_sends(
            "/annonce programmer 2026-12-01 18:00 Rassemblement samedi [en] Rally on Saturday",
            user_id=MODERATOR,
            language_code="fr",
        )
        [planned] = await tg.wait_for(1, chat_id=MODERATOR)
        assert (planned.plain_text or "").startswith("Annonce programmée pour le 1 décembre 2026")
        assert [b["callback_data"] for b in planned.buttons] == ["/annonce deprogrammer 1"]
        clock.now = DUE - timedelta(minutes=1)
        assert await publish_due(app.services) == []
    assert [len(tg.sent(user)) for user in (FRENCH, ENGLISH)] == [1, 1]  # the subscriptions

    clock.now = DUE
    async with open_app(config, clock=clock) as app, telegram_bot(app, tg):  # restarted
        assert await publish_due(app.services) == [1]
        await eventually(lambda: all(len(tg.sent(user)) == 2 for user in (FRENCH, ENGLISH)))
        clock.now += timedelta(minutes=1)
        assert await publish_due(app.services) == []
    french, english = tg.sent(FRENCH)[-1].plain_text or "", tg.sent(ENGLISH)[-1].plain_text or ""
    assert "Rassemblement samedi" in french and "Rally" not in french
    assert "Rally on Saturday" in english and "Rassemblement" not in english
    assert [len(tg.sent(user)) for user in (FRENCH, ENGLISH)] == [2, 2]
