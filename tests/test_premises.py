"""What a question takes for granted is checked against the fact before it answers."""

from __future__ import annotations

from bench.score_questions import knowledge
from bot.facts.knowledge import Answer, Correction, Unsourced
from bot.facts.spelled import spelled_numbers

KNOWN = knowledge()


def _correction(question: str) -> tuple[str, ...]:
    found = KNOWN.understand(question)
    assert isinstance(found, Correction), found
    return found.figures


def test_figures_in_digits_or_words_that_the_fact_does_not_state_are_corrected() -> None:
    assert _correction("Brockman a donné 50 millions à MAGA Inc ?") == ("50 millions",)
    assert _correction("Brockman gave $1 million to MAGA Inc, right?") == ("1 million",)
    assert _correction("uninstalls of chatgpt went up ten times?") == ("ten times",)
    assert _correction("Musk a quitté OpenAI en 2020 ?") == ("2020",)
    # A lone digit is no claim, but one before « fois » is.
    assert _correction("il y a eu 4 fois plus de désinstallations que d'habitude ?") == ("4 fois",)


def test_a_day_or_month_is_compared_with_the_facts_that_give_one() -> None:
    assert _correction("Altman posted his memo on X in January 2026?") == ("January",)
    assert _correction("les installations de Claude ont pris 37 % dimanche ?") == ("dimanche",)
    # A day asks about the fact that gives one, not the nearly as close fact that gives none.
    assert _correction("OpenAI a balancé l'annonce de l'accord militaire un lundi, non ?") == (
        "lundi",
    )
    found = KNOWN.understand("Claude installs rose 51% on Saturday?")
    assert isinstance(found, Answer)  # "Saturday" is a day, not someone's name


def test_a_year_alone_is_compared_with_the_facts_that_give_one() -> None:
    # The launch fact gives no year; the nearly as close fact on Musk's 2015 pledge does.
    found = KNOWN.understand("musk a financé le lancement d'openai en 2017 ?")
    assert isinstance(found, Correction) and found.figures == ("2017",)
    assert found.fact.id == "musk-100-millions-2015"
    # With another figure, the year only places it: the question is read on its figure.
    found = KNOWN.understand("OpenAI a levé 2 milliards au lancement en 2015 ?")
    assert isinstance(found, Correction) and found.fact.id == "openai-milliard-lancement"


def test_right_figures_and_lone_digits_are_not_claims() -> None:
    found = KNOWN.understand("Brockman et sa femme ont donné 12,5 millions chacun à MAGA Inc. ?")
    assert isinstance(found, Answer)
    found = KNOWN.understand("claude numéro 1 sur l'app store ?")
    assert isinstance(found, Answer)


def test_names_no_fact_covers_are_said_whatever_their_case() -> None:
    for question, name in (
        ("zuckerberg a financé maga inc ?", "zuckerberg"),
        ("Is it true Biden endorsed QuitGPT?", "Biden"),
        ("did the EU fine OpenAI over the military contract?", "EU"),
        # Another model of OpenAI's is not the one a fact names.
        ("l'ICE se sert de GPT-3 pour les CV ?", "GPT-3"),
        # An actor other than the one the articles name, written without capitals.
        ("tom hanks soutient quitgpt ?", "tom hanks"),
    ):
        found = KNOWN.understand(question)
        assert isinstance(found, Unsourced) and name in found.names, (question, found)


def test_the_campaigns_setting_and_places_are_not_premises() -> None:
    found = KNOWN.understand("what should I use instead of ChatGPT?")
    assert isinstance(found, Answer) and found.fact.id == "alternatives-gemini-claude"
    found = KNOWN.understand("les installations de Claude aux États-Unis ont augmenté ?")
    assert isinstance(found, Answer)


def test_numbers_in_words_need_a_unit() -> None:
    assert [n.value for n in spelled_numbers("deux millions de membres")] == [2_000_000]
    assert [n.written for n in spelled_numbers("cinquante pour cent")] == ["cinquante pour cent"]
    assert spelled_numbers("la une du journal, one of them") == []


def test_a_figure_said_to_be_exceeded_is_right_when_the_facts_is_above_it() -> None:
    found = KNOWN.understand("la publication quitgpt a dépassé les 30 millions de vues ?")
    assert isinstance(found, Answer) and found.fact.id == "quitgpt-publication-virale"
    # Far below the fact's figure, or above it, the bound is no true claim.
    assert _correction("le post a fait plus de 5 millions de likes ?") == ("5 millions",)
    assert _correction("over 20,000 people joined quitgpt?") == ("20,000",)


def test_a_figure_said_to_be_approximate_is_right_when_close() -> None:
    found = KNOWN.understand(
        "c'est vrai que chatgpt a presque 1 milliard d'utilisateurs par semaine ?"
    )
    assert isinstance(found, Answer), found
    assert _correction("chatgpt a 2 milliards d'utilisateurs par semaine ?") == ("2 milliards",)


def test_a_misspelt_word_of_the_facts_is_not_a_strangers_name() -> None:
    found = KNOWN.understand("Claude est premier sur l'App Stor d'Aple ?")
    assert not isinstance(found, Unsourced), found
    found = KNOWN.understand("l'ICE utilise GPT-3 pour trier les candidats ?")
    assert isinstance(found, Unsourced) and found.names == ("GPT-3",)  # a digit is no typo


def test_a_role_a_rate_or_a_rank_the_fact_contradicts_is_corrected() -> None:
    assert _correction("Dana Fisher, l'économiste, elle dit quoi du boycott ?") == ("économiste",)
    assert _correction("ChatGPT a 900 millions d'utilisateurs par mois ?") == ("par mois",)
    assert _correction("Greg Brockman c'est bien le PDG d'OpenAI ?") == ("PDG",)
    assert _correction("altman a dit qu'il démissionnerait plutôt que d'obéir ?") == (
        "démissionnerait",
    )
    # Said right, or right as well as wrong, the detail is no claim against the fact.
    found = KNOWN.understand("la sociologue Dana Fisher dit quoi du boycott ?")
    assert isinstance(found, Answer) and found.fact.id == "dana-fisher-pression-economique"
    found = KNOWN.understand("Dana Fisher c'est une sociologue ou une économiste ?")
    assert isinstance(found, Answer)
    # A negated detail says the opposite: « recommandent pas » agrees with « déconseillé ».
    assert _correction("ils recommandent grok à la place de chatgpt ?") == ("recommandent",)
    found = KNOWN.understand("pourquoi ils recommandent pas grok ?")
    assert isinstance(found, Answer) and found.fact.id == "alternatives-grok-deconseille"


def test_what_no_fact_holds_about_someone_is_refused() -> None:
    assert KNOWN.understand("Quel est le salaire de Sam Altman ?") is None
    assert KNOWN.understand("Dana Fisher elle a quel âge ?") is None
    assert KNOWN.understand("Brockman est marié depuis quand ?") is None
    # A fact that holds it answers: Florian's age is in his.
    found = KNOWN.understand("Florian il a quel âge ?")
    assert isinstance(found, Answer) and "26" in found.fact.statement.fr


def test_a_name_inside_another_entitys_name_is_not_a_premise() -> None:
    found = KNOWN.understand("Apple a retiré ChatGPT de l'App Store c'est vrai ?")
    assert isinstance(found, Unsourced) and found.names == ("Apple",)
    found = KNOWN.understand("Claude est arrivé premier sur l'App Store d'Apple ?")
    assert isinstance(found, Answer) and found.fact.id == "claude-top-app-store"


def test_the_articles_year_and_a_single_letter_are_not_claims() -> None:
    found = KNOWN.understand("Musk reprochait quoi au partenariat avec Microsoft en 2023 ?")
    assert isinstance(found, Answer), found
    found = KNOWN.understand("Grok d'Elon Musk, c'est un bon plan B ?")
    assert not isinstance(found, Unsourced), found
    assert _correction("les désinstallations ont été multipliées par dix ?") == (
        "multipliées par dix",
    )


def test_how_many_prefers_the_nearly_as_close_fact_of_its_topic_that_gives_an_amount() -> None:
    # Nearest is the movement's origin, which gives no figure; the 17,000 supporters do.
    # A fact of another topic that gives one (Claude's installs) is nearly as close too.
    found = KNOWN.understand("ils sont combien à être partis de chatgpt avec ce mouvement ?")
    assert isinstance(found, Answer) and found.fact.id == "quitgpt-17000-soutiens"


def test_who_prefers_a_fact_of_its_topic_that_names_someone_the_question_does_not() -> None:
    # Nearest is Musk's plan for a rival, which names nobody else; the engineer he
    # contacted is named by a fact of the same topic a little further.
    found = KNOWN.understand("who did musk contact to build a chatgpt rival")
    assert isinstance(found, Answer) and found.fact.id == "musk-babuschkin"
    # « qui » as a relative pronoun does not ask who.
    found = KNOWN.understand("musk veut créer un rival qui concurrence chatgpt ?")
    assert isinstance(found, Answer) and found.fact.id == "musk-concurrent-chatgpt"


def test_a_profession_a_side_a_manner_or_a_judgement_the_fact_contradicts_is_corrected() -> None:
    wrong = {
        "the singer Mark Ruffalo backs QuitGPT?": ("singer", "quitgpt-mark-ruffalo"),
        "ChatGPT censure les idées de gauche selon Musk ?": ("de gauche", "musk-chatgpt-censure"),
        "Musk demande une pause de ChatGPT ?": ("pause", "musk-bing-arret"),
        "Musk found OpenAI ahead of Google?": ("ahead", "musk-depart-2018"),
        "Brockman and his brother gave 12.5 million each to MAGA Inc?": (
            "his brother",
            "brockman-maga-donation",
        ),
        "Altman trouve que l'exclusion d'Anthropic est une bonne décision ?": (
            "bonne décision",
            "altman-exclusion-anthropic",
        ),
        "Claude est premier sur le Play Store ?": ("Play Store", "claude-top-app-store"),
        "la qualité de ChatGPT s'est améliorée selon Reddit ?": (
            "améliorée",
            "chatgpt-qualite-reddit",
        ),
        "Anthropic accepted the deal with the DoW?": ("accepted", "anthropic-retrait-dow"),
        "ICE is the US tax agency?": ("tax agency", "ice-agence-immigration"),
        "Musk est satisfait du partenariat entre Microsoft et OpenAI ?": (
            "satisfait",
            "musk-critique-microsoft",
        ),
        "Brockman est le directeur financier d'OpenAI ?": (
            "directeur financier",
            "brockman-president-openai",
        ),
        # « président » inside « vice-président » does not say the fact's role.
        "Greg Brockman is OpenAI's vice president?": (
            "vice president",
            "brockman-president-openai",
        ),
    }
    for question, (phrase, fact) in wrong.items():
        found = KNOWN.understand(question)
        assert isinstance(found, Correction), (question, found)
        assert (found.figures, found.fact.id) == ((phrase,), fact)
    # The fact's own wording is no claim against it.
    right = {
        "l'acteur Mark Ruffalo soutient QuitGPT ?": "quitgpt-mark-ruffalo",
        "Musk demande l'arrêt complet de ChatGPT ?": "musk-bing-arret",
        "Musk trouvait OpenAI en retard sur Google ?": "musk-depart-2018",
        "Altman a publié sa note interne sur Twitter ?": "altman-note-interne-x",
        "Brockman c'est le président ou le vice-président d'OpenAI ?": "brockman-president-openai",
    }
    for question, fact in right.items():
        found = KNOWN.understand(question)
        assert isinstance(found, Answer) and found.fact.id == fact, (question, found)


def test_a_figure_the_fact_gives_for_something_else_is_corrected() -> None:
    # The post's 36 million are views and its 1.3 million likes: swapped, both are wrong.
    assert _correction("la publication a eu 36 millions de likes ?") == ("36 millions de likes",)
    assert _correction("the post got 1.3 million views?") == ("1.3 million views",)
    assert _correction("Claude a pris 51 % vendredi ?") == ("51 % vendredi",)
    for question in ("la publication a eu 36 millions de vues ?", "Claude +51 % samedi ?"):
        assert isinstance(KNOWN.understand(question), Answer), question
    # « plus d'un million » is a lower bound that 1.3 million bears out.
    found = KNOWN.understand("la publication a fait plus d'un million de likes ?")
    assert isinstance(found, Answer) and found.fact.id == "quitgpt-publication-virale"


def test_a_detail_contradicted_by_a_nearly_as_close_fact_is_read_against_it() -> None:
    # Closest is Anthropic's withdrawal, which says nothing of a rise or a fall; the fact on
    # Claude's installs, a little further, says they rose.
    found = KNOWN.understand("les installations de claude ont reculé après l'accord militaire ?")
    assert isinstance(found, Correction) and found.fact.id == "claude-installations-hausse"
    # Asking which one is advised against is about the fact that says so.
    found = KNOWN.understand("quelle IA les organisateurs déconseillent ?")
    assert isinstance(found, Answer) and found.fact.id == "alternatives-grok-deconseille"


def test_capitalised_words_never_written_together_by_the_facts_are_a_name() -> None:
    found = KNOWN.understand("c'est Le Monde qui a publié l'enquête sur les dons de Brockman ?")
    assert isinstance(found, Unsourced) and found.names == ("Le Monde",)
    assert found.fact is not None and found.fact.id == "brockman-maga-donation"
    found = KNOWN.understand("Brockman gave to Turning Point USA?")
    assert isinstance(found, Unsourced) and found.names == ("Turning Point",)
    # A name the facts write, one typo aside, is not a stranger's.
    for question in ("Claude est en tête de l'App Stor ?", "c'est quoi Sensor Tower ?"):
        assert not isinstance(KNOWN.understand(question), Unsourced), question


def test_asking_whether_someone_said_it_does_not_look_for_a_fact_naming_them() -> None:
    # The words quoted are Florian's; the fact on Altman's rushed deal only names Altman.
    found = KNOWN.understand("c'est Altman qui a dit « ça me débecte » ?")
    assert isinstance(found, Unsourced) and found.names == ("Altman",)
    assert found.fact is not None and found.fact.id == "florian-temoignage"


def test_asking_who_in_sms_spelling_names_someone() -> None:
    found = KNOWN.understand("c ki le chercheur ke musk a contacté")
    assert isinstance(found, Answer) and found.fact.id == "musk-babuschkin"


def test_a_fact_speaks_of_what_its_topic_is_named_after() -> None:
    # Dana Fisher's fact does not write "QuitGPT", but its topic is the QuitGPT campaign.
    found = KNOWN.understand("the sociologist quoted in the QuitGPT article, who is she?")
    assert isinstance(found, Answer) and found.fact.id == "dana-fisher-pression-economique"


def test_a_husband_is_no_question_on_marriage() -> None:
    assert _correction("Brockman et son mari ont donné 12,5 millions à MAGA ?") == ("son mari",)
    assert KNOWN.understand("Brockman est marié ?") is None
