"""The router and the one error boundary between adapters and commands."""

from __future__ import annotations

import logging
import time

from bot.parsing import MAX_INPUT_CHARS, clean, fold, parse_line
from bot.seam import Capability, Card, ChatKind, ChatRef, Message, Reply, Sender
from bot.services import Services
from commands.base import CommandSpec, Context, ModeratorOnly, UserError, command_list
from commands.share_cards import share_cards

log = logging.getLogger(__name__)


# Free text in a private chat is a question for the fact base: members just ask.
FREE_TEXT_COMMAND = "faits"


class Dispatcher:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._by_name: dict[str, CommandSpec] = {}
        for spec in services.commands:
            for name in spec.all_names:
                if fold(name) in self._by_name:
                    raise ValueError(f"command name {name!r} is used twice")
                self._by_name[fold(name)] = spec

    def command(self, name: str) -> CommandSpec | None:
        return self._by_name.get(fold(name))

    def message(
        self,
        chat: ChatRef,
        sender: Sender,
        text: str,
        *,
        bot_username: str | None = None,
        from_button: bool = False,
        bot_lacks: frozenset[Capability] = frozenset(),
    ) -> Message | None:
        """Build the neutral message for a line of text, or None when it is not for us."""
        text = clean(text)
        parsed = parse_line(text, bot_username)
        if parsed.addressed_to_other_bot:
            return None
        # Campaign authority comes from the configuration only, whatever the platform says.
        moderator = self.services.is_moderator(chat.platform, sender)
        return Message(
            chat, sender, text, parsed.command, parsed.args, from_button, moderator, bot_lacks
        )

    def needs_chat_admin(self, msg: Message) -> bool:
        """Whether answering `msg` depends on the sender managing a shared chat, so that an
        adapter asks the platform (freshly) only then."""
        spec = self.command(msg.command) if msg.command else None
        return (
            spec is not None
            and spec.chat_manager_only
            and msg.chat.kind is not ChatKind.PRIVATE
            and not msg.is_moderator
        )

    def language_of(self, sender: Sender) -> str:
        default = self.services.config.default_language
        return self.services.catalogues.resolve(sender.language, default)

    async def handle(self, msg: Message) -> list[Reply]:
        """Run the member's command and return what to answer; never raises."""
        ctx = Context(msg, self.services, self.language_of(msg.sender))
        started = time.perf_counter()
        name, outcome = "-", "ok"
        try:
            spec = self._route(ctx)
            if spec is None:
                outcome = "ignored"  # chatter in a group, not for the bot
                return []
            name = spec.name
            return await spec.handle(ctx)
        except ModeratorOnly as refused:
            name, outcome = refused.spec.name, "refused"
            await self._refuse(ctx, refused)
            command = " ".join(filter(None, (ctx.command_name(refused.spec), refused.part)))
            key = "error.moderators_only_part" if refused.part else "error.moderators_only"
            return [Reply(ctx.t(key, command=command), private=True)]
        except UserError as exc:
            outcome = "user_error"
            log.debug("user error", extra={"command": name, "key": exc.key})
            return [Reply(ctx.t(exc.key, **exc.params), private=True)]
        except Exception:
            outcome = "error"
            log.exception("command failed", extra={"command": name, "platform": msg.platform})
            return [Reply(ctx.t("error.internal"), private=True)]
        finally:
            seconds = time.perf_counter() - started
            # A spec's name or "-": never what the member typed.
            self.services.metrics.command(name, msg.platform, outcome, seconds)
            log.info(
                "handled",
                extra={
                    "command": name,
                    "platform": msg.platform,
                    "chat_kind": msg.chat.kind.value,
                    "ms": round(seconds * 1000, 2),
                },
            )

    async def cards(self, platform: str, sender: Sender, query: str) -> list[Card]:
        """The cards a member may post anywhere for what they typed after the bot's name
        (Telegram inline mode); never raises: trouble is logged and offers no card."""
        chat = ChatRef(platform, sender.id, ChatKind.PRIVATE)  # asked from no chat of ours
        msg = Message(chat, sender, clean(query)[:MAX_INPUT_CHARS])
        started, outcome = time.perf_counter(), "ok"
        try:
            return await share_cards(Context(msg, self.services, self.language_of(sender)))
        except Exception:
            outcome = "error"
            log.exception("inline query failed", extra={"platform": platform})
            return []
        finally:
            seconds = time.perf_counter() - started
            self.services.metrics.command("inline", platform, outcome, seconds)

    async def _refuse(self, ctx: Context, refused: ModeratorOnly) -> None:
        msg, services = ctx.msg, self.services
        asked = " ".join(filter(None, (refused.spec.name, refused.part)))
        log.warning("moderator command refused", extra={"command": asked, "platform": msg.platform})
        # A refused member is logged under their pseudonymous key, never their platform id.
        actor = services.member_key(msg.platform, msg.sender.id)
        await services.storage.audit.record_audit(
            msg.platform, actor, "refused", asked, services.clock()
        )

    def _route(self, ctx: Context) -> CommandSpec | None:
        msg = ctx.msg
        if len(msg.text) > MAX_INPUT_CHARS:
            raise UserError("error.too_long", max=MAX_INPUT_CHARS, length=len(msg.text))
        if msg.command is None:
            if msg.chat.kind is not ChatKind.PRIVATE:
                return None
            if not msg.text:
                raise UserError("error.empty", commands=command_list(ctx))
            free_text = self.command(FREE_TEXT_COMMAND)
            if free_text is None:
                raise UserError("error.not_a_command", commands=command_list(ctx))
            return free_text
        spec = self.command(msg.command) if msg.command else None
        if spec is None:
            raise UserError("error.unknown_command", commands=command_list(ctx))
        if spec.moderator_only and not msg.is_moderator:
            raise ModeratorOnly(spec)
        # In a group or channel only its admins, or a moderator, manage what it receives.
        if self.needs_chat_admin(msg) and not msg.sender.is_chat_admin:
            raise UserError("subscribe.admins_only")
        return spec
