"""The package as a user installs it: the wheel built from this checkout, installed with its
dependencies into a new virtual environment, runs the console from any directory.

This proves that the wheel carries everything read at run time (locales, fact base, articles,
vectors, migrations) and declares every dependency: the new environment holds only what pip
installed from the wheel and the package registry, not this checkout nor the development
environment. The wheel is built and installed by the deployment guide's install block
(`tests/guide.py`), shared with the guide's test. It needs the package registry, as
`pip install` does, and takes about 35 s on two cores (build 8 s, install 20 s, console 2 s).
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.guide import ROOT, Install, environment

# One worker builds and installs the package for this file and tests/test_deploy_guide.py.
pytestmark = pytest.mark.xdist_group("installed")

WHERE = """import bot, json, sys, sysconfig
purelib = sysconfig.get_paths()["purelib"]
print(json.dumps({"bot": bot.__file__, "purelib": purelib, "path": sys.path}))
"""


def run(*command: str | Path, cwd: Path, stdin: str = "") -> str:
    """Run a command with none of this environment's bot settings; its output, or fail."""
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.timeout(300)
def test_the_installed_wheel_runs_the_console_from_any_directory(
    installed: Install, tmp_path: Path
) -> None:
    with zipfile.ZipFile(installed.wheel) as archive:
        names = set(archive.namelist())
    assert {"bot/locales/fr.json", "bot/data/facts.toml", "bot/data/facts.vectors.npz"} <= names
    python, elsewhere = installed.prefix / "bin" / "python", tmp_path / "cwd"
    elsewhere.mkdir()
    found = json.loads(run(python, "-c", WHERE, cwd=elsewhere))
    installed_at = Path(found["purelib"])
    assert Path(found["bot"]) == installed_at / "bot" / "__init__.py"
    assert not [entry for entry in found["path"] if entry.startswith(str(ROOT))]
    assert not [entry for entry in found["path"] if entry.startswith(str(installed.checkout))]
    shipped = sorted((installed_at / "bot" / "data").rglob("*"))

    output = run(
        installed.prefix / "bin" / "quitgpt-bot",
        "console",
        cwd=elsewhere,
        stdin="/aide\n/faits Brockman\n",
    )

    assert "/engagement" in output and "/compteur" in output  # the French help
    assert "12,5 millions de dollars" in output  # the fact, with its source
    assert "Source : MIT Technology Review" in output
    assert (elsewhere / "quitgpt.db").exists()  # the database is in the working directory
    # The shipped vectors cover the shipped facts: nothing was embedded or written beside them.
    assert sorted((installed_at / "bot" / "data").rglob("*")) == shipped
