"""Where an application command may be used: its installation and interaction contexts.

Discord developer docs, "Application Commands > Application Command Object":
``integration_types`` are the "Installation contexts where the command is available, only for
globally-scoped commands" (Application Integration Types: 0 GUILD_INSTALL, 1 USER_INSTALL);
``contexts`` the "Interaction context(s) where the command can be used, only for
globally-scoped commands" (Interaction Context Types: 0 GUILD, 1 BOT_DM, 2 PRIVATE_CHANNEL,
"Group DMs and DMs other than the app's bot user"). A null ``integration_types`` defaults to
guild install and null ``contexts`` leave out PRIVATE_CHANNEL, as Discord was seen to store
them (discord/discord-api-docs issue #7108).

"Interactions > Receiving and Responding", Interaction Object: ``context`` is where the
interaction was triggered; ``authorizing_integration_owners`` maps each installation the
interaction is for to its owner: "0" to the guild id (or "0" in the app's DM), "1" to the id
of the user who installed the app. A user-installed command can be used where the bot user is
not (a server that did not install the app, a group DM), and the app then answers only
through the interaction; Discord sends it no other event from there.
"""

from __future__ import annotations

from .discord_state import JSON, form_error

GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
_ALLOWED = {"integration_types": (GUILD_INSTALL, USER_INSTALL), "contexts": (GUILD, BOT_DM, 2)}
STORED_WHEN_NULL = {"integration_types": [GUILD_INSTALL], "contexts": [GUILD, BOT_DM]}


def install_problems(command: JSON) -> JSON:
    """Discord's checks of a command's ``integration_types`` and ``contexts``."""
    problems: JSON = {}
    for key, allowed in _ALLOWED.items():
        value = command.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not value:
            problems[key] = form_error("BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
            continue
        for index, item in enumerate(value):
            if item not in allowed:
                choices = ", ".join(map(str, allowed))
                problems[f"{key}.{index}"] = form_error(
                    "ENUM_TYPE_COERCE", f'Value "{item}" is not a valid enum value ({choices}).'
                )
    return problems


def with_defaults(command: JSON) -> JSON:
    """The command as stored: null contexts replaced by what Discord applies."""
    for key, default in STORED_WHEN_NULL.items():
        if command.get(key) is None:
            command[key] = list(default)
    return command


def check_usable(command: JSON, context: int, install: int) -> None:
    """Raise LookupError when Discord would not offer the command there (its client lists
    only the commands whose contexts and installation types allow it)."""
    if context not in command["contexts"] or install not in command["integration_types"]:
        raise LookupError(
            f"/{command['name']} is not offered in context {context} through install "
            f"{install}: contexts {command['contexts']}, "
            f"integration_types {command['integration_types']}"
        )
