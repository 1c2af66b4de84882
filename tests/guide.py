"""The deployment guide's checked steps, run as written in a copy of the checkout.

`docs/deploy.md` marks with `sh checked` the blocks from the checkout to `quitgpt-bot
config check`, and says which changes a run here makes: `sudo` dropped, `/opt`, `/etc`
and `/var/lib` under a temporary directory, the `<…>` placeholders given values.
The install block builds the wheel and installs it in a new virtual environment, which
the wheel test uses too, so that the package is installed once per test session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "deploy.md"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "build", "dist", "*.egg-info", ".*_cache", "*.db*"
)
PLACES = ("/opt/quitgpt-bot", "/etc/quitgpt-bot", "/var/lib/quitgpt-bot")
PLACEHOLDERS = {
    "<telegram token>": "123456789:AAH-made-up_token",
    "<discord token>": "MTA.made-up.token",
}
_CHECKED = re.compile(r"^```sh checked\n(.*?)^```$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Install:
    root: Path  # stands for / in the guide's paths
    checkout: Path
    prefix: Path  # the guide's /opt/quitgpt-bot

    @property
    def wheel(self) -> Path:
        (found,) = (self.checkout / "dist").glob("quitgpt_bot-*.whl")
        return found


def checked_blocks() -> list[str]:
    return _CHECKED.findall(GUIDE.read_text(encoding="utf-8"))


def as_run_here(block: str, root: Path) -> str:
    """The block with the guide's three announced changes, and none other."""
    text = re.sub(r"(?m)^sudo ", "", block)
    for place in PLACES:
        text = text.replace(place, f"{root}{place}")
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


def environment() -> dict[str, str]:
    """This environment without the bot's settings nor the test's virtual environment."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUITGPT_", "TELEGRAM_", "DISCORD_", "PYTHON", "VIRTUAL_ENV"))
    }


def run_block(block: str, install: Install) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", "-eu", "-c", as_run_here(block, install.root)],
        cwd=install.checkout,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def install_as_the_guide_says(base: Path) -> Install:
    """A copy of the checkout (as a fresh clone has it), then the guide's install block."""
    install = Install(base / "root", base / "checkout", base / "root" / "opt" / "quitgpt-bot")
    shutil.copytree(ROOT, install.checkout, ignore=NOT_SOURCE)
    for place in PLACES:
        (install.root / place.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    block = checked_blocks()[0]
    done = run_block(block, install)
    assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
    return install
