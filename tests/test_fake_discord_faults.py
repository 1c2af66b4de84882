"""The fake Discord's lost answers, nonces and standing per-channel faults, driven by the
real discord.py client over loopback."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import discord
import pytest
from discord.http import Route

from tests.discord_support import MESSAGES, make_client, running
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timeout(30)


def channels(dc: FakeDiscord, client: discord.Client) -> tuple[discord.TextChannel, ...]:
    guild = next(iter(dc.guilds.values()))
    found = tuple(client.get_channel(guild.channel(name)) for name in ("général", "annonces"))
    assert all(isinstance(channel, discord.TextChannel) for channel in found)
    return found  # type: ignore[return-value]


# -- applied, answer lost ----------------------------------------------------------------------


async def test_a_lost_answer_leaves_the_message_posted(dc: FakeDiscord) -> None:
    client = make_client()
    async with running(client, dc):
        general, _ = channels(dc, client)
        dc.fail_next("POST", MESSAGES, "lost")
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await general.send("posted, never confirmed", nonce="tally-7")
        again = await general.send("posted, never confirmed", nonce="tally-7")  # a retry
    [posted] = dc.sent(general.id)
    assert again.id == posted.id and posted.nonce == "tally-7"  # enforce_nonce: no double
    first, second = dc.calls_to("POST", MESSAGES)
    assert (first.status, first.lost, second.status, second.lost) == (200, True, 200, False)


async def test_aiohttp_retries_an_idempotent_request_once(dc: FakeDiscord) -> None:
    client = make_client()
    async with running(client, dc):
        general, _ = channels(dc, client)
        message = await general.send("à épingler")
        dc.fail_next("PUT", "/pins/", "lost")
        await message.pin()  # the first PUT's answer is lost; aiohttp sends it again
        dc.fail_next("PUT", "/pins/", "lost", times=2)
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await message.pin()
    assert [c.lost for c in dc.calls_to("PUT", "/pins/")] == [True, False, True, True]
    assert dc.message(message.id).pinned


# -- nonces ---------------------------------------------------------------------------------------


async def test_enforce_nonce_returns_the_earlier_message(dc: FakeDiscord) -> None:
    client = make_client()
    async with running(client, dc):
        general, annonces = channels(dc, client)
        first = await general.send("1 000 !", nonce=123456789)  # sent as a string
        second = await general.send("1 000 !", nonce=123456789)
        elsewhere = await annonces.send("1 000 !", nonce=123456789)
        assert first.id == second.id != elsewhere.id and first.nonce == "123456789"
        dc.nonce_window = 0.05
        await asyncio.sleep(0.06)
        later = await general.send("1 000 !", nonce=123456789)
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=general.id)
        raw = [await client.http.request(route, json={"content": "x", "nonce": 7}) for _ in "ab"]
        with pytest.raises(discord.HTTPException) as invalid:
            await general.send("x", nonce="n" * 26)
    assert later.id != first.id
    assert raw[0]["nonce"] == 7 and raw[0]["id"] != raw[1]["id"]  # no enforce_nonce: two
    assert (invalid.value.status, invalid.value.code) == (400, 50035)
    assert "nonce" in invalid.value.text
    assert len(dc.sent(general.id)) == 4 and len(dc.sent(annonces.id)) == 1


# -- a channel that keeps failing -------------------------------------------------------------


async def test_a_channel_answers_429_until_its_seconds_are_over(dc: FakeDiscord) -> None:
    client = make_client(max_ratelimit_timeout=30)  # the least discord.py accepts
    async with running(client, dc):
        general, annonces = channels(dc, client)
        dc.fail_channel(general.id, "429", seconds=0.5)
        started = time.monotonic()
        waited = asyncio.create_task(general.send("après l'attente"))
        await annonces.send("un autre salon passe")
        assert time.monotonic() - started < 0.3 and not waited.done()
        await waited
        assert time.monotonic() - started >= 0.45  # discord.py slept on retry_after
        dc.fail_channel(general.id, "429", seconds=60)
        with pytest.raises(discord.RateLimited) as limited:
            await general.send("trop long")  # beyond max_ratelimit_timeout
        assert 59 < limited.value.retry_after <= 60
        dc.clear_faults(general.id)
        await general.send("de nouveau")
    statuses = [c.status for c in dc.calls_to("POST", rf"^/channels/{general.id}/messages$")]
    assert statuses[0] == 429 and statuses[-1] == 200 and dc.rate_limited >= 2


async def test_a_channel_answers_500_until_cleared(dc: FakeDiscord) -> None:
    client = make_client()
    async with running(client, dc):
        general, annonces = channels(dc, client)
        dc.fail_channel(general.id, "500")
        sending = asyncio.create_task(general.send("patient"))
        await dc.wait_for(lambda: dc.calls_to("POST", rf"^/channels/{general.id}/"))
        async with aiohttp.ClientSession() as raw:  # any request to the channel, any time
            for _ in range(3):
                async with raw.get(f"{dc.base_url}/channels/{general.id}") as answer:
                    assert answer.status == 500
        await annonces.send("ailleurs, tout va bien")
        dc.clear_faults(general.id)
        await sending  # discord.py retries a 500 after a second
    assert [m.content for m in dc.sent(general.id)] == ["patient"]
    with pytest.raises(ValueError, match="seconds"):
        dc.fail_channel(general.id, "429")
    with pytest.raises(ValueError, match="keep failing"):
        dc.fail_channel(general.id, "lost")
