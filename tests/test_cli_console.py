"""The installed command, fed by a pipe, as a script or a newcomer would use it."""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.adapters.telegram import START_ATTEMPTS
from tests.support import ENV, run_bot


def test_piped_lines_are_answered_and_the_process_exits_cleanly(tmp_path: Path) -> None:
    result = run_bot("console", "--db", str(tmp_path / "demo.db"), stdin="/start\n/aide\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Bienvenue dans QuitGPT !")
    assert result.stdout.count("• /aide — afficher cette aide") == 1
    assert "Traceback" not in result.stderr


def test_english_member_and_empty_input(tmp_path: Path) -> None:
    result = run_bot("console", "--db", str(tmp_path / "demo.db"), "--lang", "en", stdin="/help\n")
    assert result.returncode == 0
    assert result.stdout.startswith("Commands\n")
    empty = run_bot("console", "--db", str(tmp_path / "demo.db"), stdin="")
    assert (empty.returncode, empty.stdout) == (0, "")


def test_a_member_name_that_cannot_be_made_a_moderator_is_refused(tmp_path: Path) -> None:
    for name in ("alice,bob", "a;b", " alice", ""):
        result = run_bot("console", "--db", str(tmp_path / "a.db"), "--user", name, stdin="")
        assert result.returncode == 2 and "argument --user" in result.stderr, name
    ok = run_bot("console", "--db", str(tmp_path / "a.db"), "--user", "Alice B", stdin="/monid\n")
    assert ok.returncode == 0 and "console:Alice B" in ok.stdout


def test_a_language_the_bot_does_not_speak_is_refused_by_name(tmp_path: Path) -> None:
    british = run_bot("console", "--db", str(tmp_path / "a.db"), "--lang", "en-GB", stdin="/help\n")
    assert british.stdout.startswith("Commands\n")
    german = run_bot("console", "--db", str(tmp_path / "b.db"), "--lang", "de", stdin="/help\n")
    assert german.returncode == 2 and german.stdout == ""
    assert german.stderr.rstrip().endswith("argument --lang: 'de': the bot speaks en, fr")
    assert not (tmp_path / "b.db").exists()


def test_without_tokens_the_default_is_the_console(tmp_path: Path) -> None:
    result = run_bot(stdin="/aide\n", env={"QUITGPT_DB": str(tmp_path / "env.db")})
    assert result.returncode == 0, result.stderr
    assert "/aide — afficher cette aide" in result.stdout
    assert (tmp_path / "env.db").exists()


def test_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    lines = ["", "x" * 10_000, "\x00\x01\x1b[2J", "<b>&</b> *[a](b)*", "/AIDE   ", "/@", "//"]
    result = run_bot("console", "--db", str(tmp_path / "bad.db"), stdin="\n".join(lines) + "\n")
    assert result.returncode == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "trop long (10000 caractères" in result.stdout


def test_database_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    assert run_bot("console", "--db", str(path)).returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    result = run_bot("console", "--db", str(path), stdin="/aide\n")
    assert result.returncode == 2
    assert "newer than this bot knows" in result.stderr
    assert "Traceback" not in result.stderr


def test_sigterm_shuts_down_cleanly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "--log-level",
            "INFO",
            "console",
            "--db",
            str(tmp_path / "t.db"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    assert process.stdin and process.stderr
    deadline = time.monotonic() + 30
    seen = ""
    while "core ready" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "database closed" in err
    assert "Traceback" not in err


def test_ctrl_c_at_any_moment_of_the_start_never_shows_a_traceback(tmp_path: Path) -> None:
    """While the command loads it ends at once, as any command does; from then on the start
    completes and stops cleanly. (Before, Ctrl-C while it loaded printed a traceback, and a
    little later cancelled the start halfway: a database thread called a closed loop.)

    The interpreter's own start comes first, before any of the bot's code can run: a Ctrl-C
    then is Python's (a KeyboardInterrupt in runpy), as for any Python command, so the first
    signal waits twice the time an empty interpreter takes to start and stop, measured here.
    """
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True, env=ENV)
    interpreter = time.monotonic() - started
    for number, delay in enumerate((max(0.05, 2 * interpreter), 0.15, 0.3, 0.45, 0.6, 0.9, 1.5)):
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / f"{number}.db")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=ENV,
        )  # fmt: skip
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert "Traceback" not in err and "Exception" not in err, (delay, err)
        assert process.returncode in (0, -signal.SIGINT), (delay, process.returncode, err)


def test_a_line_that_is_not_utf8_is_answered_and_the_rest_goes_on(tmp_path: Path) -> None:
    """A terminal or a pipe may send bytes that are not UTF-8; Python's stdin then raises
    UnicodeDecodeError (PYTHONIOENCODING=utf-8:strict, as on most systems)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--db", str(tmp_path / "bytes.db")],
        input=b"/aide\n\xff\xfe caf\xe9\n/aide\n",
        capture_output=True,
        timeout=60,
        env={**ENV, "PYTHONIOENCODING": "utf-8:strict"},
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert out.count("• /aide — afficher cette aide") == 2
    assert "Cette ligne n'est pas du texte UTF-8 : elle est ignorée." in out
    assert b"Traceback" not in done.stderr


def test_an_unreachable_telegram_api_is_retried_then_said_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    result = run_bot(
        "--db",
        str(tmp_path / "tg.db"),
        env={"TELEGRAM_TOKEN": "123:abc", "TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot"},
    )
    assert result.returncode == 1
    # it tried again before giving up: one warning per attempt (START_ATTEMPTS)
    assert result.stderr.count("telegram unreachable") == START_ATTEMPTS
    assert result.stderr.strip().splitlines()[-1].startswith("quitgpt-bot: Telegram is unreachable")
    assert "Traceback" not in result.stderr


def test_a_file_that_is_no_database_stops_the_start_in_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    for db in (text, damaged, Path("/dev/null")):
        result = run_bot("--db", str(db), "console")
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(
            f"quitgpt-bot: the database (--db, QUITGPT_DB or QUITGPT_DATABASE_URL): {db}"
            " cannot be used as a SQLite database:"
        )
    assert text.read_text() == "not a database"  # left as it was
