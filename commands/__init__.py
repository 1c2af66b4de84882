"""Platform-neutral command handlers: one module per command, listed in menu order."""

from commands import (
    abonner,
    accompli,
    aide,
    annonce,
    annonces,
    compteur,
    desabonner,
    mesdonnees,
    moderateurs,
    oubli,
    pledge,
    resilier,
    retirer,
    start,
)
from commands.base import CommandSpec

COMMANDS: tuple[CommandSpec, ...] = (
    start.SPEC,
    aide.SPEC,
    pledge.SPEC,
    compteur.SPEC,
    resilier.SPEC,
    accompli.SPEC,
    retirer.SPEC,
    mesdonnees.SPEC,
    oubli.SPEC,
    abonner.SPEC,
    desabonner.SPEC,
    annonce.SPEC,
    annonces.SPEC,
    moderateurs.SPEC,
)
