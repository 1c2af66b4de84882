"""The data of a slash command's interaction as Discord builds it from the registered
command: subcommand paths, options checked against their definitions and choices, and the
users, members, channels and roles an option names, in `resolved` ("Interaction Object",
"Application Command Interaction Data Option Structure", "Resolved Data Structure")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .discord_installs import (
    BOT_DM,
    GUILD,
    GUILD_INSTALL,
    PRIVATE_CHANNEL,
    USER_INSTALL,
    check_usable,
)
from .discord_state import JSON, FakeChannel, FakeGuild, FakeUser

if TYPE_CHECKING:
    from .discord_users import Where


class CommandData:
    """Mixin: a slash command's interaction data, from the commands the bot registered."""

    if TYPE_CHECKING:
        users: dict[int, FakeUser]
        channels: dict[int, FakeChannel]

        def command(self, name: str, guild_id: int | None = None) -> JSON: ...
        def bot_permissions(self, channel_id: int) -> int: ...
        def _guild(self, guild_id: int | None) -> FakeGuild: ...

    def _command_data(
        self,
        name: str,
        options: JSON | list[JSON] | None,
        focused: str | None,
        value: Any,
        where: Where,
    ) -> JSON:
        guild_id, dm = where.get("guild_id"), where.get("dm", False)
        private, foreign = where.get("private_channel", False), where.get("user_install", False)
        top, *path = name.split()
        guild = None if dm or private or foreign else self._guild(guild_id)
        command = self.command(top, guild.id if guild else None)
        if private or foreign:
            check_usable(command, PRIVATE_CHANNEL if private else GUILD, USER_INSTALL)
        else:
            check_usable(command, BOT_DM if dm else GUILD, GUILD_INSTALL)
        data: JSON = {"id": command["id"], "name": command["name"], "type": 1}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        node, wrappers = command, []
        for part in path:
            subcommands = {o["name"]: o for o in node.get("options") or [] if o["type"] in (1, 2)}
            if part not in subcommands:
                raise LookupError(f"/{top} has no subcommand {part!r}")
            node = subcommands[part]
            wrappers.append(node)
        defs = {o["name"]: o for o in node.get("options") or []}
        resolved: dict[str, JSON] = {}
        if isinstance(options, list):
            leaf = options
        else:
            leaf = []
            for option, raw in (options or {}).items():
                if option not in defs:
                    raise LookupError(f"/{name} has no option {option!r}: {sorted(defs)}")
                leaf.append(self._option(defs[option], raw, resolved, guild))
            if focused is not None:
                if focused not in defs:
                    raise LookupError(f"/{name} has no option {focused!r}: {sorted(defs)}")
                leaf.append(
                    {
                        "type": defs[focused]["type"],
                        "name": focused,
                        "value": value,
                        "focused": True,
                    }
                )
            else:
                given = options or {}
                missing = [o for o, d in defs.items() if d.get("required") and o not in given]
                if missing:
                    raise ValueError(f"/{name} requires {missing}")
        for wrapper in reversed(wrappers):
            leaf = [{"type": wrapper["type"], "name": wrapper["name"], "options": leaf}]
        data["options"] = leaf
        if resolved:
            data["resolved"] = resolved
        return data

    def _option(
        self, definition: JSON, raw: Any, resolved: dict[str, JSON], guild: FakeGuild | None
    ) -> JSON:
        kind = definition["type"]
        value: Any = raw
        if kind in (3, 4, 5, 10):
            value = {3: str, 4: int, 5: bool, 10: float}[kind](raw)
            choices = [c["value"] for c in definition.get("choices") or []]
            if choices and value not in choices:
                raise ValueError(f"{value!r} is not a choice of {definition['name']!r}: {choices}")
        elif kind in (6, 7, 8, 9):
            target = int(getattr(raw, "id", raw))
            value = str(target)
            if kind in (6, 9) and target in self.users:
                resolved.setdefault("users", {})[value] = self.users[target].json()
                if guild is not None and target in guild.members:
                    member = guild.members[target].json(with_user=False, permissions=0)
                    resolved.setdefault("members", {})[value] = member
            elif kind == 7:
                channel = self.channels[target]
                resolved.setdefault("channels", {})[value] = {
                    "id": value,
                    "name": channel.name,
                    "type": channel.type,
                    "permissions": str(self.bot_permissions(channel.id)),
                }
            elif guild is not None and target in guild.roles:
                resolved.setdefault("roles", {})[value] = guild.roles[target].json()
        return {"type": kind, "name": definition["name"], "value": value}
