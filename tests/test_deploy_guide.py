"""The deployment guide works as written on a new machine, from the checkout to
`quitgpt-bot config check`: its checked blocks run one after the other (the install
block through the `installed` fixture), with only the changes the guide announces."""

from __future__ import annotations

import re

import pytest

from tests.guide import PLACEHOLDERS, Install, checked_blocks, run_block

# One worker builds and installs the package for this file and tests/test_wheel.py.
pytestmark = pytest.mark.xdist_group("installed")


def test_the_checked_blocks_go_from_the_checkout_to_the_configuration_check() -> None:
    blocks = checked_blocks()
    assert len(blocks) == 3
    assert "pip wheel" in blocks[0] and "/opt/quitgpt-bot/bin/pip install" in blocks[0]
    assert blocks[-1].rstrip().endswith("quitgpt-bot config check'")
    # Nothing else is changed: the placeholders are all the guide's own.
    text = "".join(blocks)
    assert set(re.findall(r"<[a-z ]+>", text)) == set(PLACEHOLDERS)


@pytest.mark.timeout(300)
def test_the_guide_s_steps_up_to_the_configuration_check_work(installed: Install) -> None:
    *_, configure, check = checked_blocks()
    done = run_block(configure, installed)
    assert done.returncode == 0, done.stderr
    for secret in ("telegram_token", "discord_token", "env"):
        path = installed.root / "etc" / "quitgpt-bot" / secret
        assert path.stat().st_mode & 0o077 == 0, secret  # root's alone

    done = run_block(check, installed)

    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert "*** (set)" in rows["TELEGRAM_TOKEN"] and "TELEGRAM_TOKEN_FILE" in rows["TELEGRAM_TOKEN"]
    assert "*** (set)" in rows["DISCORD_TOKEN"]
    assert "Collectif QuitGPT Lyon" in rows["QUITGPT_ORGANISER"]
    for value in PLACEHOLDERS.values():
        assert value not in done.stdout


def test_a_bad_setting_stops_the_check_as_the_guide_says(installed: Install) -> None:
    """ "a bad value gives one line naming it and exit code 2"."""
    *_, configure, check = checked_blocks()
    broken = configure.replace("QUITGPT_MODERATORS=", "QUITGPT_MODERATORS=telegram:moi")
    assert broken != configure
    assert run_block(broken, installed).returncode == 0
    done = run_block(check, installed)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith('quitgpt-bot: QUITGPT_MODERATORS="telegram:moi" is not valid')
    assert run_block(configure, installed).returncode == 0  # as the guide has it again
