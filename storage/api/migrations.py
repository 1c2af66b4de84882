"""Numbered migration files, read the same way for every backend."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from storage.api.errors import SchemaError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def read_migrations(directory: Path) -> list[Migration]:
    """The `NNNN_name.sql` files of `directory`, numbered 1..n without gaps."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", path.name)
        if not match:
            raise SchemaError(f"migration file {path.name} is not named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaError(
            f"migrations in {directory} must be numbered 1..n without gaps, found {versions}"
        )
    return found
