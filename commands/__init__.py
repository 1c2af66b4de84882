"""Platform-neutral command handlers: one module per command, listed in menu order."""

from commands import aide, start
from commands.base import CommandSpec

COMMANDS: tuple[CommandSpec, ...] = (
    start.SPEC,
    aide.SPEC,
)
