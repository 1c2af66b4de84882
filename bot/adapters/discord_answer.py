"""Answering one Discord interaction within its time windows.

Discord takes the first response within 3 seconds of creating the interaction (its
snowflake says when), and follow-ups with its token for 15 minutes. An interaction
delivered late, replayed after a reconnect, has less time left: the work gets what
remains, then the interaction is deferred, privately only when the reply will be private.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import discord

from bot.adapters.discord_render import message_parts
from bot.seam import Reply

log = logging.getLogger(__name__)
FIRST_RESPONSE_WITHIN = 3.0  # seconds after the interaction was created
DEFER_MARGIN = 1.0  # for the defer itself to reach Discord in time
# Unknown interaction (the 3 s passed unanswered), Invalid Webhook Token (15 min passed).
EXPIRED_CODES = frozenset({10062, 50027})
Work = Callable[[], Coroutine[Any, Any, list[Reply]]]


def age(interaction: discord.Interaction, now: datetime) -> float:
    """Seconds since Discord created the interaction, read from its snowflake."""
    return (now - interaction.created_at).total_seconds()


def time_left(interaction: discord.Interaction, now: datetime) -> float:
    """Seconds the work may take before the interaction must be deferred: what the snowflake
    leaves, and never more than a fresh interaction gets (the clocks may disagree)."""
    budget = FIRST_RESPONSE_WITHIN - DEFER_MARGIN
    return min(budget, budget - age(interaction, now))


class Answer:
    """The replies to one interaction: at once when the work is quick, after a defer when
    it is not; the one place that knows what the defer left to fill."""

    def __init__(self, interaction: discord.Interaction, *, private: bool) -> None:
        self.interaction = interaction
        self.private = private
        self.loading = False  # a slash command's defer left a loading message to fill
        self.updating = False  # a button's defer: its message may still be edited

    async def run(self, work: Work, now: datetime) -> None:
        """Do the work and send its replies; an expired interaction is logged, not raised."""
        pending: asyncio.Task[list[Reply]] | None = None
        try:
            if (left := time_left(self.interaction, now)) > 0:
                pending = asyncio.create_task(work())
                await asyncio.wait({pending}, timeout=left)
            if pending is None or not pending.done():
                await self._defer()
            for reply in await (pending or work()):
                await self._respond(reply)
        except discord.HTTPException as error:
            if error.code in EXPIRED_CODES:
                seconds = round(age(self.interaction, now), 2)
                log.warning(
                    "discord interaction expired", extra={"code": error.code, "age_s": seconds}
                )
            else:
                log.exception("discord answer failed", extra={"status": error.status})
            if pending is not None and not pending.done():
                await pending  # the command still completes; there is no one left to tell

    async def _defer(self) -> None:
        interaction = self.interaction
        button = interaction.type is discord.InteractionType.component
        await interaction.response.defer(ephemeral=self.private, thinking=not button)
        self.loading, self.updating = not button, button

    async def _respond(self, reply: Reply) -> None:
        for chunk, extra in message_parts(reply):
            await self._send(chunk, reply, extra)

    async def _send(self, chunk: str, reply: Reply, extra: dict[str, Any]) -> None:
        interaction, response = self.interaction, self.interaction.response
        clicked = (
            interaction.message if interaction.type is discord.InteractionType.component else None
        )
        # A reply replaces the message whose button was pressed only when both are seen by
        # the same people: a private reply never lands in a public message.
        edits = reply.edit and clicked is not None and clicked.flags.ephemeral == reply.private
        if not response.is_done():
            if edits:
                await response.edit_message(content=chunk, view=extra.get("view"))
            else:
                await response.send_message(chunk, ephemeral=reply.private, **extra)
        elif self.loading:
            self.loading = False
            if reply.private == self.private:  # the loading message becomes the reply
                files = [extra.pop("file")] if "file" in extra else []
                await interaction.edit_original_response(content=chunk, attachments=files, **extra)
                return
            # A message's privacy cannot change: the loading message gives way to the reply.
            await interaction.delete_original_response()
            await interaction.followup.send(chunk, ephemeral=reply.private, **extra)
        elif edits and self.updating:
            await interaction.edit_original_response(content=chunk, view=extra.get("view"))
        else:
            await interaction.followup.send(chunk, ephemeral=reply.private, **extra)
