"""The systemd unit shipped in deploy/ is one systemd accepts, and stops the bot cleanly."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot.delivery.worker import DeliveryWorker

UNIT = Path(__file__).resolve().parent.parent / "deploy" / "quitgpt-bot.service"


def test_the_stop_timeout_outlasts_the_delivery_grace() -> None:
    grace = inspect.signature(DeliveryWorker.active).parameters["grace"].default
    [timeout] = re.findall(r"^TimeoutStopSec=(\d+)s$", UNIT.read_text(), re.MULTILINE)
    assert int(timeout) > grace * 2


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd here")
def test_systemd_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    """With ExecStart pointed at the installed command (systemd checks it exists)."""
    command = Path(sys.executable).with_name("quitgpt-bot")
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/quitgpt-bot/bin/quitgpt-bot", str(command)))
    done = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == ""


def test_the_guide_s_discord_permissions_integer_is_the_permissions_it_names() -> None:
    needed = discord.Permissions(
        view_channel=True,
        send_messages=True,
        manage_messages=True,
        attach_files=True,
        read_message_history=True,
    )
    guide = (UNIT.parent.parent / "docs" / "deploy.md").read_text()
    assert f"permissions={needed.value}" in guide and f"`{needed.value}`" in guide
