"""Files shipped inside the `bot` package: the locale catalogues and the fact base.

They are package data, found through importlib.resources, so a checkout, an editable
install and a wheel installed by pip or pipx all read the same files from where the
package is. They are read as paths because the fact base keeps its articles and its
vectors beside it; wheels install as files, never zipped.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def shipped(*parts: str) -> Path:
    """The path of a file or folder shipped in the `bot` package."""
    root = files("bot")
    if not isinstance(root, Path):
        raise RuntimeError(f"the bot package is not installed as files: {root}")
    return root.joinpath(*parts)
