"""Application commands and interactions in the fake Discord's REST API, as a mixin of
:class:`FakeDiscord`: command sync with Discord's checks, interaction callbacks, follow-ups
and the interaction webhook's messages.

Time windows (developer docs, "Interactions > Receiving and Responding"): "Interaction
tokens are valid for 15 minutes [...] but you must send an initial response within 3
seconds of receiving the event". Both are counted from the interaction's snowflake, so an
interaction delivered late (replayed after a reconnect) has less time left: a late
callback gets 404 / 10062 Unknown interaction, and past 15 minutes every webhook request
with the token gets 401 / 50027 Invalid Webhook Token (the docs' "JSON Error Codes"
table; the status is what Discord answers then).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .discord_installs import install_problems, with_defaults
from .discord_records import (
    BotMessage,
    FakeInteraction,
    Reply,
    Upload,
)
from .discord_rest import Req
from .discord_state import (
    EPHEMERAL,
    JSON,
    LOADING,
    ApiError,
    FakeChannel,
    FakeGuild,
    form_error,
    invalid_form,
    snowflake,
    unknown_message,
)

# The interaction callback types Discord accepts for each interaction type.
_CALLBACK_TYPES = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
_LOCALES = frozenset(
    {
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    }
)
_NAME_RE = re.compile(r"^[-_'\w]{1,32}$")


class Interactions:
    """Mixin: the REST handlers for application commands and interactions."""

    if TYPE_CHECKING:
        application_id: int
        interaction_deadline: float
        token_lifetime: float
        guilds: dict[int, FakeGuild]
        channels: dict[int, FakeChannel]
        interactions: dict[int, FakeInteraction]
        global_commands: list[JSON]
        guild_command_lists: dict[int, list[JSON]]
        command_syncs: int
        _tokens: dict[str, FakeInteraction]

        def _new_message(
            self, channel: FakeChannel, payload: JSON, files: list[Upload], **fields: object
        ) -> BotMessage: ...
        def _edit(self, message: BotMessage, payload: JSON, files: list[Upload]) -> BotMessage: ...
        def _delete(self, message: BotMessage) -> None: ...

    # --- handlers: application commands ------------------------------------------------------

    def _command_list(self, req: Req) -> tuple[list[JSON], int | None]:
        if int(req.args[0]) != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "/guilds/" not in req.path:
            return self.global_commands, None
        guild_id = int(req.args[1])
        if guild_id not in self.guilds or self.guilds[guild_id].removed:
            raise ApiError(403, 50001, "Missing Access")
        return self.guild_command_lists.setdefault(guild_id, []), guild_id

    async def _list_commands(self, req: Req) -> list[JSON]:
        return self._command_list(req)[0]

    async def _bulk_commands(self, req: Req) -> list[JSON]:
        commands, guild_id = self._command_list(req)
        payload = req.json or []
        validate_commands(payload)
        old = {(c["name"], c["type"]): c for c in commands}
        commands[:] = [
            stored_command(p, self.application_id, guild_id, old.get((p["name"], p.get("type", 1))))
            for p in payload
        ]
        self.command_syncs += 1
        return commands

    async def _create_command(self, req: Req) -> tuple[int, JSON]:
        commands, guild_id = self._command_list(req)
        validate_commands([req.json])
        key = (req.json["name"], req.json.get("type", 1))
        old = next((c for c in commands if (c["name"], c["type"]) == key), None)
        new = stored_command(req.json, self.application_id, guild_id, old)
        commands[:] = [c for c in commands if c is not old] + [new]
        return (200 if old else 201), new

    async def _one_command(self, req: Req) -> JSON | None:
        commands, guild_id = self._command_list(req)
        command = next((c for c in commands if c["id"] == req.args[-1]), None)
        if command is None:
            raise ApiError(404, 10063, "Unknown application command")
        if req.method == "DELETE":
            commands.remove(command)
            return None
        if req.method == "PATCH":
            merged = {**command, **(req.json or {})}
            validate_commands([merged])
            command.update(stored_command(merged, self.application_id, guild_id, command))
        return command

    # --- handlers: interactions ---------------------------------------------------------------

    async def _callback(self, req: Req) -> JSON | None:
        interaction = self.interactions.get(int(req.args[0]))
        if interaction is None or interaction.token != req.args[1]:
            raise ApiError(404, 10062, "Unknown interaction")
        if interaction.callback_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        if interaction.age > self.interaction_deadline:
            raise ApiError(404, 10062, "Unknown interaction")
        body = req.json or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in _CALLBACK_TYPES.get(interaction.type, set()):
            raise invalid_form(
                {
                    "type": form_error(
                        "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
                    )
                }
            )
        if kind == 8 and len(data.get("choices") or []) > 25:
            raise invalid_form(
                {
                    "data": {
                        "choices": form_error(
                            "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                        )
                    }
                }
            )
        channel = self.channels[interaction.channel_id]
        message: BotMessage | None = None
        if kind == 4:
            message = self._new_message(
                channel, data, req.files, **self._interaction_fields(interaction)
            )
        elif kind == 5:
            loading = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = self._new_message(
                channel,
                {"content": None, "flags": loading},
                [],
                **self._interaction_fields(interaction),
            )
        elif kind in (6, 7):
            message = interaction.message
            if kind == 7 and message is not None:
                self._edit(message, data, req.files)
        interaction.callback_type, interaction.original = kind, message
        interaction.replies.append(Reply("callback", kind, data, message, req.files))
        if req.query.get("with_response") not in ("1", "true", "True"):
            return None
        result: JSON = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "activity_instance_id": None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None and kind != 6:
            result["interaction"]["response_message_id"] = str(message.id)
            result["resource"] = {"type": kind, "message": message.json()}
        return result

    def _interaction_fields(self, interaction: FakeInteraction) -> JSON:
        return {
            "interaction_id": interaction.id,
            "webhook_id": self.application_id,
            "message_type": 20 if interaction.type == 2 else 0,
        }

    def _webhook_interaction(self, req: Req) -> FakeInteraction:
        interaction = self._tokens.get(req.args[1])
        if int(req.args[0]) != self.application_id or interaction is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        if interaction.age > self.token_lifetime:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return interaction

    async def _followup(self, req: Req) -> JSON | None:
        interaction = self._webhook_interaction(req)
        if interaction.callback_type is None or interaction.callback_type in (8, 9):
            raise ApiError(404, 10015, "Unknown Webhook")
        payload = req.json or {}
        original = interaction.original
        if (
            interaction.callback_type == 5
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # The first follow-up after a "thinking" defer fills the loading message,
            # keeping the defer's ephemerality ("Create Followup Message": "no new message
            # will be created [...] The ephemeral flag will be ignored"). Once that loading
            # message is deleted there is none to fill: a follow-up is a new message.
            message = self._edit(
                original, {k: v for k, v in payload.items() if k != "flags"}, req.files
            )
        else:
            channel = self.channels[interaction.channel_id]
            message = self._new_message(
                channel, payload, req.files, **self._interaction_fields(interaction)
            )
        interaction.followups[message.id] = message
        interaction.replies.append(Reply("followup", None, payload, message, req.files))
        return message.json() if req.query.get("wait") in ("1", "true", "True") else None

    async def _webhook_message(self, req: Req) -> JSON | None:
        interaction = self._webhook_interaction(req)
        which = req.args[2]
        if which == "@original":
            message = interaction.original
        else:
            message = interaction.followups.get(int(which))
            if message is None and interaction.original and str(interaction.original.id) == which:
                message = interaction.original
        if message is None or message.deleted:
            raise unknown_message()
        suffix = "original" if which == "@original" else "followup"
        if req.method == "GET":
            return message.json()
        if req.method == "DELETE":
            self._delete(message)
            interaction.replies.append(Reply(f"delete_{suffix}", None, {}, message))
            return None
        payload = req.json or {}
        self._edit(message, payload, req.files)
        interaction.replies.append(Reply(f"edit_{suffix}", None, payload, message, req.files))
        return message.json()


def validate_commands(commands: list[JSON]) -> None:
    """Discord's checks on a bulk overwrite; raises 50035 Invalid Form Body like Discord."""
    errors: JSON = {}
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        problems = {**_command_problems(command, top=True), **install_problems(command)}
        key = (command.get("name", ""), int(command.get("type", 1)))
        if key in seen:
            problems["name"] = form_error(
                "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"
            )
        seen.add(key)
        if problems:
            errors[str(index)] = problems
    if errors:
        raise invalid_form(errors)


def _command_problems(command: JSON, *, top: bool) -> JSON:
    problems: JSON = {}
    chat_input = int(command.get("type", 1)) == 1 if top else True
    name = command.get("name") or ""
    names = {"name": name, **{f"name_localizations.{k}": v for k, v in _locs(command, "name")}}
    for where, value in names.items():
        if chat_input and (not _NAME_RE.match(value) or value != value.lower()):
            problems[where] = form_error(
                "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
            )
    descriptions = {"description": command.get("description", "")}
    descriptions.update(
        {f"description_localizations.{k}": v for k, v in _locs(command, "description")}
    )
    for where, value in descriptions.items():
        if chat_input and not 1 <= len(value or "") <= 100:
            problems[where] = form_error(
                "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
    for key in ("name_localizations", "description_localizations"):
        for locale in command.get(key) or {}:
            if locale not in _LOCALES:
                problems[f"{key}.{locale}"] = form_error("LOCALE_INVALID", "Invalid locale")
    options = command.get("options") or []
    if len(options) > 25:
        problems["options"] = form_error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, option in enumerate(options):
        if sub := _command_problems(option, top=False):
            problems[f"options.{i}"] = sub
        if len(option.get("choices") or []) > 25:
            problems[f"options.{i}.choices"] = form_error("BASE_TYPE_MAX_LENGTH", "Too many")
    return problems


def _locs(command: JSON, key: str) -> list[tuple[str, str]]:
    return list((command.get(f"{key}_localizations") or {}).items())


def stored_command(payload: JSON, app_id: int, guild_id: int | None, old: JSON | None) -> JSON:
    """A command as Discord stores and returns it (keeping the id of a same-name command)."""
    command = {
        "id": old["id"] if old else str(snowflake()), "application_id": str(app_id),
        "version": str(snowflake()), "type": 1, "default_member_permissions": None, "nsfw": False,
        "name_localizations": None, "description_localizations": None, "options": [],
        "contexts": None, "integration_types": None, **payload,
    }  # fmt: skip
    with_defaults(command)
    command.setdefault("description", "")
    if command["default_member_permissions"] is not None:  # Discord answers a string
        command["default_member_permissions"] = str(command["default_member_permissions"])
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    else:
        command.setdefault("dm_permission", True)
    return command
