"""A pledge is a political opinion: what is kept, who can read it, how it is erased."""

from __future__ import annotations

import re
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.app import App, open_app
from bot.config import Config, ConfigError, Secret
from bot.privacy import load_secret, secret_path
from bot.seam import ChatKind, ChatRef, Sender
from tests.support import run_bot, table_rows


async def test_my_data_shows_everything_kept(console: ConsoleAdapter) -> None:
    [nothing] = await console.say("/mesdonnees")
    assert nothing.startswith("Le bot ne garde rien sur vous")
    await console.say("/pledge cancel+switch ok2")
    [data] = await console.say("/mydata")
    assert re.fullmatch(
        r"Vos données\n"
        r"Voici tout ce que le bot garde sur vous :\n"
        r"• identifiant : [0-9a-f]{32} \(une empreinte chiffrée de votre compte Console, "
        r"ni votre nom ni votre pseudo\)\n"
        r"• engagement : résilier l'abonnement ChatGPT, passer à un autre assistant\n"
        r"• date : \d{1,2} \w+ \d{4} à \d{1,2} h\n"
        r"• notice acceptée : version 2\n"
        r"• engagement tenu : non\n\n"
        r"Vos questions à /faits sont gardées sans ce qui pourrait identifier quelqu'un "
        r"\(adresses, numéros, liens et pseudos sont retirés\) : [^\n]+\n\n"
        r"Pour tout effacer : /oubli.\n"
        r"\[/oubli\] 🗑️ Tout effacer",
        data,
    )
    await console.say("/accompli")
    [data] = await console.say("/mesdonnees")
    assert re.search(r"• engagement tenu : oui, depuis le \d{1,2} \w+ \d{4} à \d{1,2} h", data)


async def test_forget_asks_then_erases_everything(app: App, console: ConsoleAdapter) -> None:
    [nothing] = await console.say("/oubli")
    assert nothing == "Il n'y a rien à effacer : le bot ne garde rien sur vous."
    await console.say("/pledge cancel ok2")
    await console.say("/accompli")
    [question] = await console.say("/forget")
    assert question.startswith("Effacer votre engagement et tout ce que le bot garde sur vous ?")
    assert question.endswith("[/oubli confirmer] 🗑️ Oui, tout effacer")
    assert len(table_rows(app.config.database)["pledges"]) == 1
    [erased] = await console.say("/oubli confirmer")
    assert erased.startswith("C'est fait : tout ce que le bot gardait sur vous est effacé")
    rows = table_rows(app.config.database)
    assert rows["pledges"] == []
    assert {name: value for name, value in rows["tally_counters"] if value} == {}
    assert [
        (hour, pledged, done) for hour, pledged, done in rows["tally_hours"] if pledged or done
    ] == []
    [again] = await console.say("/oubli confirmer")
    assert again.startswith("Il n'y a rien à effacer")


async def test_forget_speaks_of_a_pledge_only_to_a_member_who_has_one(
    console: ConsoleAdapter,
) -> None:
    await console.say("/faits combien a donné brockman")  # a question kept a day, no pledge
    [question] = await console.say("/oubli")
    assert question.startswith("Effacer tout ce que le bot garde sur vous ? C'est définitif.")
    [erased] = await console.say("/oubli confirmer")
    assert erased == "C'est fait : tout ce que le bot gardait sur vous est effacé."


async def test_replies_about_a_members_pledge_are_private(app: App) -> None:
    dispatcher = app.dispatcher
    chat, sender = ChatRef("discord", "42", ChatKind.GROUP), Sender("7", "fr")
    for line in ("/pledge", "/pledge cancel ok2", "/pledge", "/mesdonnees", "/oubli", "/accompli"):
        msg = dispatcher.message(chat, sender, line)
        assert msg is not None
        assert all(reply.private for reply in await dispatcher.handle(msg)), line
    msg = dispatcher.message(chat, sender, "/compteur")
    assert msg is not None
    assert not any(reply.private for reply in await dispatcher.handle(msg))


async def test_a_member_is_recognised_after_a_restart(config: Config, tmp_path: Path) -> None:
    async with open_app(config) as app:
        await ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path).say("/pledge app ok2")
    async with open_app(config) as app:
        [current] = await ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path).say(
            "/engagement"
        )
    assert current.startswith("Votre engagement est déjà enregistré")


async def test_the_database_alone_does_not_say_who_pledged(config: Config, tmp_path: Path) -> None:
    async with open_app(config) as app:
        for user in ("alice", "bob-the-member"):
            member = ConsoleAdapter(app, user, language="fr", image_dir=tmp_path)
            await member.say("/pledge cancel ok2")
        msg = app.dispatcher.message(
            ChatRef("telegram", "987654321", ChatKind.PRIVATE),
            Sender("987654321"),
            "/pledge app ok2",
        )
        assert msg is not None
        await app.dispatcher.handle(msg)
    secret = secret_path(config.database)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_bytes()) == 32
    dump = repr(table_rows(config.database))
    for identity in ("alice", "bob-the-member", "987654321"):
        assert identity not in dump
    copy = tmp_path / "leak" / "copy.db"
    copy.parent.mkdir()
    shutil.copy(config.database, copy)
    with pytest.raises(ConfigError, match=r"copy.db.secret is missing .* restore the file"):
        async with open_app(replace(config, database=copy)):
            pass  # a copy without its secret cannot be used: nobody could find their pledge
    assert not secret_path(copy).exists()


async def test_a_lost_secret_stops_the_start_until_it_is_restored(
    config: Config, tmp_path: Path
) -> None:
    async with open_app(config) as app:
        await ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path).say("/pledge app ok2")
    secret = secret_path(config.database)
    kept = secret.read_bytes()
    secret.unlink()
    result = run_bot("--db", str(config.database), "console", stdin="/compteur\n")
    assert result.returncode == 2 and "is missing" in result.stderr and not result.stdout
    secret.write_bytes(b"\x01" * 32)
    result = run_bot("--db", str(config.database), "console", stdin="/compteur\n")
    assert result.returncode == 2 and "is not the one the database" in result.stderr
    secret.write_bytes(kept)
    result = run_bot(
        "--db", str(config.database), "console", "--user", "alice", stdin="/mesdonnees\n"
    )
    assert result.returncode == 0 and "supprimer l'appli" in result.stdout


async def test_the_secret_may_come_from_the_environment(config: Config, tmp_path: Path) -> None:
    given = replace(config, member_secret=Secret("ab" * 32))
    async with open_app(given) as app:
        await ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path).say("/pledge app ok2")
    assert not secret_path(config.database).exists()
    with pytest.raises(ConfigError, match="QUITGPT_MEMBER_SECRET is not the one"):
        async with open_app(replace(config, member_secret=Secret("cd" * 32))):
            pass
    with pytest.raises(ConfigError, match="QUITGPT_MEMBER_SECRET must be 32 bytes"):
        async with open_app(replace(config, member_secret=Secret("not hex"))):
            pass
    async with open_app(given) as again:
        alice = ConsoleAdapter(again, "alice", language="fr", image_dir=tmp_path)
        [data] = await alice.say("/mesdonnees")
    assert "supprimer l'appli" in data


def test_a_secret_readable_by_others_is_tightened_and_a_damaged_one_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db.secret"
    secret = load_secret(path, "the secret")
    path.chmod(0o644)
    assert load_secret(path, "the secret") == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_bytes(b"short")
    with pytest.raises(ConfigError, match="the secret holds 5 bytes instead of 32"):
        load_secret(path, "the secret")


def test_a_wrong_secret_file_stops_the_start_naming_its_setting_before_any_database(
    tmp_path: Path,
) -> None:
    """Too short, too long, or a device that never ends: one line naming the setting, and
    no database created for a secret that cannot be its own."""
    for number, content in enumerate(("abc", "x" * 33, None)):
        db = tmp_path / f"db{number}.db"
        secret = Path("/dev/zero") if content is None else tmp_path / f"s{number}"
        if content is not None:
            secret.write_text(content)
        result = run_bot(
            "console", "--db", str(db), stdin="/aide\n",
            env={"QUITGPT_MEMBER_SECRET_FILE": str(secret)},
        )  # fmt: skip
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"quitgpt-bot: QUITGPT_MEMBER_SECRET_FILE={secret} holds")
        assert result.stderr.count("\n") == 1
        assert not db.exists()


async def test_an_erased_pledge_leaves_no_trace_in_the_file(config: Config, tmp_path: Path) -> None:
    async with open_app(config) as app:
        key = app.services.member_key("console", "alice")
        alice = ConsoleAdapter(app, "alice", language="fr", image_dir=tmp_path)
        await alice.say("/pledge cancel ok2")
        await alice.say("/oubli confirmer")
    files = [config.database, *config.database.parent.glob(f"{config.database.name}-*")]
    assert all(key.encode() not in path.read_bytes() for path in files)


async def test_the_notice_and_my_data_say_how_questions_are_kept(
    console: ConsoleAdapter, console_en: ConsoleAdapter
) -> None:
    said = {
        console: (
            "(adresses, numéros, liens et pseudos sont retirés)",
            "un jour si elles ont une réponse, pour que vous seul puissiez dire si elle vous a",
            "jusqu'à 90 jours, sans qui les a posées, pour les modérateurs.",
        ),
        console_en: (
            "(addresses, numbers, links and usernames are removed)",
            "one day if answered, so that only you can say whether the answer helped",
            "up to 90 days, without who asked, for the moderators.",
        ),
    }
    for member, facts in said.items():
        for command in ("/pledge", "/mydata"):
            [text] = await member.say(command)
            assert all(fact in text for fact in facts), text
