"""Reading and writing fact base files in tests, so broken copies are easy to make."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

from bot.config import DEFAULT_FACTS
from bot.facts.loader import ARTICLES

SHIPPED_ARTICLES = DEFAULT_FACTS.parent / ARTICLES


def read_toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def write_toml(path: Path, document: dict[str, Any]) -> Path:
    """Write arrays of tables of texts and lists of texts (all a fact base holds)."""
    lines = []
    for section, entries in document.items():
        for entry in entries:
            lines.append(f"[[{section}]]")
            # A JSON string or list of strings is also a valid TOML one.
            lines += [
                f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()
            ]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_base(path: Path, document: dict[str, Any]) -> Path:
    """Write a fact base file with a copy of the shipped source articles next to it."""
    shutil.copytree(SHIPPED_ARTICLES, path.parent / ARTICLES, dirs_exist_ok=True)
    return write_toml(path, document)
