"""Platform-neutral command handlers: one module per command, listed in menu order."""

from commands import abonner, aide, annonce, annonces, desabonner, moderateurs, start
from commands.base import CommandSpec

COMMANDS: tuple[CommandSpec, ...] = (
    start.SPEC,
    aide.SPEC,
    abonner.SPEC,
    desabonner.SPEC,
    annonce.SPEC,
    annonces.SPEC,
    moderateurs.SPEC,
)
