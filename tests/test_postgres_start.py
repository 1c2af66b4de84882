"""The bot started on PostgreSQL through QUITGPT_DATABASE_URL, as an operator would."""

from __future__ import annotations

import secrets

from tests.postgres_server import free_port
from tests.support import run_bot


def test_an_unreachable_database_stops_the_start_in_one_line() -> None:
    url = f"postgresql://quitgpt:hunter2@127.0.0.1:{free_port()}/quitgpt"
    result = run_bot("console", stdin="/aide\n", env={"QUITGPT_DATABASE_URL": url})
    assert result.returncode == 2
    assert result.stderr.startswith("quitgpt-bot: QUITGPT_DATABASE_URL cannot be used: ")
    assert result.stderr.count("\n") == 1
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_two_processes_share_the_tally_and_a_member_erased_in_one_is_gone_in_the_other(
    postgres_url: str,
) -> None:
    env = {"QUITGPT_DATABASE_URL": postgres_url, "QUITGPT_MEMBER_SECRET": secrets.token_hex(32)}
    first = run_bot("console", "--user", "alice", stdin="/pledge cancel ok2\n", env=env)
    assert first.returncode == 0, first.stderr
    assert "Le compteur est maintenant à 1 engagement." in first.stdout
    second = run_bot("console", "--user", "bob", stdin="/pledge app ok2\n/compteur\n", env=env)
    assert "Engagements : 2" in second.stdout
    erased = run_bot("console", "--user", "alice", stdin="/oubli confirmer\n", env=env)
    assert erased.returncode == 0, erased.stderr
    tally = run_bot("console", "--user", "bob", stdin="/compteur\n", env=env)
    assert "Engagements : 1" in tally.stdout
    # Another secret would make every member a stranger: the start is refused.
    other = {**env, "QUITGPT_MEMBER_SECRET": secrets.token_hex(32)}
    refused = run_bot("console", stdin="/compteur\n", env=other)
    assert refused.returncode == 2
    assert "QUITGPT_MEMBER_SECRET" in refused.stderr
