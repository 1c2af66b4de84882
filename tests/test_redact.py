"""What could identify someone leaves a question before it is kept; the rest stays readable."""

from __future__ import annotations

import pytest

from bot.redact import redact

REDACTED = [
    # e-mail addresses
    ("écrivez-moi à jean.dupont@exemple.fr", "écrivez-moi à […]"),
    ("mon mail : Jean.Dupont+quitgpt@mail.example.co.uk.", "mon mail : […]."),
    ("contact (camille_92@gmail.com) merci", "contact ([…]) merci"),
    # French phone numbers
    ("appelez le 06 12 34 56 78 svp", "appelez le […] svp"),
    ("tel 06.12.34.56.78, merci", "tel […], merci"),
    ("06-12-34-56-78 ou 0612345678", "[…] ou […]"),
    ("au +33 6 12 34 56 78 le soir", "au […] le soir"),
    ("au +33 (0)6 12 34 56 78 le soir", "au […] le soir"),
    ("+33612345678", "[…]"),
    ("0033 6 12 34 56 78 !", "[…] !"),
    ("numéro +33 1 23 45 67 89.", "numéro […]."),
    # English and international phone numbers
    ("call me on +44 20 7946 0958", "call me on […]"),
    ("call 020 7946 0958 or 07700 900123", "call […] or […]"),
    ("(020) 7946 0958 after six", "[…] after six"),
    ("my number is (555) 123-4567", "my number is […]"),
    ("555-123-4567 or 555.123.4567", "[…] or […]"),
    ("toll free 1-800-555-0199", "toll free […]"),
    ("+1 (555) 123-4567 is mine", "[…] is mine"),
    ("+49 30 123456 in Berlin", "[…] in Berlin"),
    # handles and mentions
    ("demandez à @quitgpt_fr ou @Jean.Dupont.", "demandez à […] ou […]."),
    ("c'est <@123456789012345678> qui l'a dit", "c'est […] qui l'a dit"),
    ("ask @sama about it", "ask […] about it"),
    # links, with or without a scheme
    ("lu sur https://example.com/article?id=3&x=y hier", "lu sur […] hier"),
    ("(voir https://example.com/a).", "(voir […])."),
    ("voir (https://fr.wikipedia.org/wiki/Foo_(bar)).", "voir ([…])."),
    ("http://exemple.fr, c'est vrai ?", "[…], c'est vrai ?"),
    ("sur www.quitgpt.org!", "sur […]!"),
    ("mon profil example.com/jean est-il visible ?", "mon profil […] est-il visible ?"),
    ("rejoins t.me/mongroupe ou discord.gg/AbCd", "rejoins […] ou […]"),
    ("openai.com vend-il mes données ?", "[…] vend-il mes données ?"),
    ("« youtu.be/dQw4w9WgXcQ »", "« […] »"),
    # long digit runs: ids, card and account numbers
    ("mon id est 123456789", "mon id est […]"),
    ("commande n°20240312001 bloquée", "commande n°[…] bloquée"),
    ("carte 4970 1012 3456 7890 débitée", "carte […] débitée"),
    ("carte 4970-1012-3456-7890", "carte […]"),
    ("ticket 987654", "ticket […]"),
]

KEPT = [
    "OpenAI a reçu 12,5 millions ?",
    "une hausse de 295 % depuis 2015",
    "17 000 personnes ont résilié ?",
    "OpenAI a levé 1 000 000 000 dollars",
    "plus de 100 000 000 utilisateurs",
    "+1 000 000 membres sur Reddit ?",
    "le 06/03/2026 ou le 06.03.2026 à 14.30",
    "GPT-4 ou gpt4o, c'est quoi ?",
    "Brockman a donné 25 M$ en 2025",
    "is it true that ICE uses gpt-4?",
    "Est-ce que M.Dupont travaille chez OpenAI ?",
    "merci.De plus, le Pentagone ?",
    "rdv @ 14h avec ChatGPT",
    "l'IA en 2030 : 50 % des emplois ?",
    "code postal 75011",
    "3.5 turbo ou 4.1 ?",
]


@pytest.mark.parametrize(("typed", "kept"), REDACTED)
def test_what_identifies_someone_is_replaced(typed: str, kept: str) -> None:
    assert redact(typed) == kept


@pytest.mark.parametrize("typed", KEPT)
def test_figures_and_ordinary_words_stay(typed: str) -> None:
    assert redact(typed) == typed


def test_a_question_keeps_its_words_around_what_goes() -> None:
    assert redact(
        "Bonjour, je suis Marie (marie@exemple.fr, 06 12 34 56 78, @marie_q) : "
        "OpenAI a-t-il vraiment reçu 12,5 millions ? cf. lemonde.fr/pixels"
    ) == (
        "Bonjour, je suis Marie ([…], […], […]) : "
        "OpenAI a-t-il vraiment reçu 12,5 millions ? cf. […]"
    )


def test_redacting_twice_changes_nothing() -> None:
    once = redact("marie@exemple.fr au 06 12 34 56 78 sur example.com")
    assert redact(once) == once
