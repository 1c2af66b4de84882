"""What every command is made of: its spec, the context it runs in, its errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar, cast

from bot.parsing import fold
from bot.seam import Button, Image, Message, Reply

if TYPE_CHECKING:
    from bot.services import Services

T = TypeVar("T")


class UserError(Exception):
    """An expected failure, shown to the member as the locale string `key`."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ModeratorOnly(Exception):
    """What only moderators may do, asked by someone else: refused, logged and audited by
    the dispatcher. `part` names the moderators' part of a command open to all
    (« sources » of /compteur)."""

    def __init__(self, spec: CommandSpec, part: str = "") -> None:
        super().__init__(spec.name)
        self.spec, self.part = spec, part


@dataclass(frozen=True, slots=True)
class Context:
    msg: Message
    services: Services
    language: str

    def t(self, key: str, /, **params: object) -> str:
        return self.services.catalogues.get(self.language, key, **params)

    def reply(
        self,
        key: str,
        /,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        image: Image | None = None,
        private: bool = False,
        edit: bool = False,
        link_previews: bool = True,
        **params: object,
    ) -> Reply:
        return Reply(self.t(key, **params), buttons, image, private, edit, link_previews)

    def command_name(self, spec: CommandSpec) -> str:
        return spec.display_name(self.language)

    def action(self, command: str, *args: object) -> str:
        """The line a button sends, as the member could type it: the command `command`
        (its canonical name) under its name in the member's language, then `args`, whose
        words come from the catalogue (`word`)."""
        spec = next(spec for spec in self.services.commands if spec.name == command)
        return " ".join([f"/{self.command_name(spec)}", *map(str, args)])

    def per_language(self, build: Callable[[Context], T]) -> T:
        """What `build` makes of the catalogues and commands alone (never of the message or
        the member), built once per language: the same buttons under every thanks."""
        key, built = (build, self.language), self.services.per_language
        if key not in built:
            built[key] = build(self)
        return cast(T, built[key])

    def word(self, name: str) -> str:
        """A word a button's line carries (`action.<name>`), in the member's language."""
        return self.t(f"action.{name}")

    def means(self, typed: str, *names: str) -> bool:
        """Whether `typed` is the word `action.<name>` of one of `names` in any language: a
        button keeps working for a member whose language changed since it was sent."""
        folded, catalogues = fold(typed), self.services.catalogues
        return any(folded in catalogues.action_words(name) for name in names)


Handler = Callable[[Context], Awaitable[list[Reply]]]
# (services, what the member typed so far, language) -> [(label, value)]
Suggester = Callable[["Services", str, str], Awaitable[list[tuple[str, str]]]]


@dataclass(frozen=True, slots=True)
class Argument:
    """The text a command takes after its name, described for platforms with typed options.

    `choices` are (value, label locale key) pairs when only those values make
    sense; `suggest` offers completions while the member types.
    """

    name: str
    description_key: str
    localized: Mapping[str, str] = field(default_factory=dict)
    choices: tuple[tuple[str, str], ...] = ()
    suggest: Suggester | None = None

    def display_name(self, language: str) -> str:
        return self.localized.get(language, self.name)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: its canonical name, other names members may type, its help line.

    `localized` gives the name shown in a language's help and menus when it is
    not the canonical one; `listed=False` hides button-only actions from help.
    `moderator_only` commands are for the configured campaign moderators;
    `chat_manager_only` ones, in a group or channel, for its admins or a moderator.
    `answers_privately` says its replies are for the member alone, so that a platform that
    must acknowledge before the reply is ready (Discord) keeps the acknowledgement private.
    `anywhere` commands may also be used in conversations the bot is not part of (Discord's
    user-installed commands): they only read, never subscribe a chat or keep one.
    """

    name: str
    handle: Handler
    help_key: str
    aliases: tuple[str, ...] = ()
    localized: Mapping[str, str] = field(default_factory=dict)
    moderator_only: bool = False
    chat_manager_only: bool = False
    listed: bool = True
    argument: Argument | None = None
    answers_privately: bool = False
    anywhere: bool = False

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def display_name(self, language: str) -> str:
        return self.localized.get(language, self.name)


def visible_commands(ctx: Context) -> list[CommandSpec]:
    """The commands this member may use, in menu order."""
    moderator = ctx.msg.is_moderator
    return [s for s in ctx.services.commands if s.listed and (moderator or not s.moderator_only)]


def command_list(ctx: Context) -> str:
    return ", ".join(f"/{ctx.command_name(s)}" for s in visible_commands(ctx))
