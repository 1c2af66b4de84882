"""The package as a user installs it: the wheel built from this checkout, installed with its
dependencies into a new virtual environment, runs the console from any directory.

This proves that the wheel carries everything read at run time (locales, fact base, articles,
vectors, migrations) and declares every dependency: the new environment holds only what pip
installed from the wheel and the package registry, not this checkout nor the development
environment. It needs the package registry, as `pip install .` does, and takes about 35 s
on two cores (build 8 s, install 20 s, console 2 s).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "build", "*.egg-info", ".*_cache", "*.db*", "tests", "bench"
)
WHERE = """import bot, json, sys, sysconfig
purelib = sysconfig.get_paths()["purelib"]
print(json.dumps({"bot": bot.__file__, "purelib": purelib, "path": sys.path}))
"""


def run(*command: str | Path, cwd: Path, stdin: str = "") -> str:
    """Run a command with none of this environment's bot settings; its output, or fail."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QUITGPT_", "TELEGRAM_", "DISCORD_", "PYTHON", "VIRTUAL_ENV"))
    }
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.timeout(300)
def test_the_installed_wheel_runs_the_console_from_any_directory(tmp_path: Path) -> None:
    # Built from a copy of the source, so that the build leaves nothing in the checkout.
    source, wheels, venv, elsewhere = (tmp_path / name for name in ("src", "w", "venv", "cwd"))
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, source, cwd=tmp_path)
    (wheel,) = wheels.glob("quitgpt_bot-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"bot/locales/fr.json", "bot/data/facts.toml", "bot/data/facts.vectors.npz"} <= names

    # A new environment: its base Python has no project, and its pip is ours pointed at it.
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", wheel, cwd=tmp_path)
    elsewhere.mkdir()
    found = json.loads(run(python, "-c", WHERE, cwd=elsewhere))
    installed = Path(found["purelib"])
    assert Path(found["bot"]) == installed / "bot" / "__init__.py"
    assert not [entry for entry in found["path"] if entry.startswith(str(ROOT))]
    shipped = sorted((installed / "bot" / "data").rglob("*"))

    output = run(
        venv / "bin" / "quitgpt-bot", "console", cwd=elsewhere, stdin="/aide\n/faits Brockman\n"
    )

    assert "/engagement" in output and "/compteur" in output  # the French help
    assert "12,5 millions de dollars" in output  # the fact, with its source
    assert "Source : MIT Technology Review" in output
    assert (elsewhere / "quitgpt.db").exists()  # the database is in the working directory
    # The shipped vectors cover the shipped facts: nothing was embedded or written beside them.
    assert sorted((installed / "bot" / "data").rglob("*")) == shipped
