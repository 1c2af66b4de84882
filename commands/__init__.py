"""Platform-neutral command handlers: one module per command, listed in menu order."""

from commands import aide, avis, faits, questions, recharger, sources, start
from commands.base import CommandSpec

COMMANDS: tuple[CommandSpec, ...] = (
    start.SPEC,
    aide.SPEC,
    faits.SPEC,
    sources.SPEC,
    avis.SPEC,
    questions.SPEC,
    recharger.SPEC,
)
