"""Details a question may get wrong that are neither names nor figures: a role, a rate, a time.

« Dana Fisher, l'économiste » is about the fact on the sociologist, « 900 millions par
mois » about the fact that says « par semaine »; given as plain answers, these facts
would seem to confirm a false detail. The fact file's [[contrast]] section lists groups
of classes that exclude each other ("sociologue, sociologist" / « économiste,
economist »): a question that uses a class of a group that the fact does not use,
where the fact uses another class of that group, states what the sources contradict;
a phrase of the fact's class inside a longer phrase of another (« président » inside
« vice-président ») does not say it right.
Phrases are compared as stemmed folded words ("économistes" is "économiste"). A phrase
the question negates (« ils conseillent pas Grok », "not recommended") claims the opposite
class, so it contradicts nothing.

The [[unheld]] section lists what members ask of the people the facts cover that no fact
may hold (a salary, an age, a birthplace): « Quel est le salaire de Sam Altman ? » is
nearest to the fact on who Sam Altman is, which does not answer it. Such a question is
answered only by a fact that uses one of the entry's phrases (or of its `held_as`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.facts.model import Fact
from bot.facts.words import stem, word_spans, words

Phrase = tuple[str, ...]
# Words that negate a phrase just before or after them (« ne … pas », "don't", "not").
_NEGATIONS = frozenset({"pas", "jamais", "ne", "n", "not", "never", "t", "no"})
# How many words before a phrase may negate it (« ne le conseillent », "don't really").
_NEGATED_BEFORE = 2
# The most words a phrase may have: a fact is looked up by its runs of words up to this long.
LONGEST = 6
Group = tuple[tuple[str, ...], ...]


def read_contrasts(entries: Sequence[Sequence[str]], problems: list[str]) -> tuple[Group, ...]:
    """The contrast groups of the file: each entry's `classes` are texts of phrases separated
    by commas ("sociologue, sociologist"). A group needs two classes, and a phrase that says
    something belongs to one class of the file only."""
    groups = tuple(
        tuple(tuple(p.strip() for p in text.split(",") if p.strip()) for text in classes)
        for classes in entries
    )
    owner: dict[Phrase, str] = {}
    for group in groups:
        name = f"contrast '{group[0][0] if group and group[0] else ''}'"
        if len(group) < 2 or not all(group):
            problems.append(f"{name}: classes needs at least two texts, each with a phrase")
        for phrase in (phrase for phrases in group for phrase in phrases):
            stems = tuple(_stems(phrase))
            if not stems or len(stems) > LONGEST:
                problems.append(f"{name}: '{phrase}' needs 1 to {LONGEST} words to compare")
            elif stems in owner:
                problems.append(f"{name}: '{phrase}' reads as '{owner[stems]}' already listed")
            else:
                owner[stems] = phrase
    return groups


def read_unheld(
    entries: Sequence[tuple[Sequence[str], Sequence[str]]], problems: list[str]
) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The [[unheld]] entries as (asks, held_as); each asks something, in words."""
    unheld = tuple((tuple(asks), tuple(held_as)) for asks, held_as in entries)
    for number, (asks, held_as) in enumerate(unheld, start=1):
        name = f"unheld #{number}"
        if not asks:
            problems.append(f"{name}: asks is missing or empty")
        problems.extend(
            f"{name}: '{phrase}' needs 1 to {LONGEST} words to compare"
            for phrase in (*asks, *held_as)
            if not 0 < len(_stems(phrase)) <= LONGEST
        )
    return unheld


def _stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def _holds(text: Sequence[str], phrase: Phrase) -> int:
    """Where `text` first writes `phrase` (stemmed words), or -1."""
    places = _places(text, phrase)
    return places[0] if places else -1


def _negated(folded: Sequence[str], at: int, size: int) -> bool:
    """Whether the phrase of `size` words at `at` stands next to a negation."""
    near = (*folded[max(0, at - _NEGATED_BEFORE) : at], *folded[at + size : at + size + 1])
    return not _NEGATIONS.isdisjoint(near)


class Contrasts:
    """The contrast groups of one fact base, and what each fact says of them."""

    def __init__(
        self,
        groups: Sequence[Sequence[Sequence[str]]],
        unheld: Sequence[tuple[Sequence[str], Sequence[str]]],
        facts: Sequence[Fact],
    ) -> None:
        self._groups = [
            [tuple(tuple(_stems(phrase)) for phrase in classes) for classes in group]
            for group in groups
        ]
        stems = {fact.id: _grams(_stems(_fact_text(fact))) for fact in facts}
        self._used = {fact.id: self._classes(stems[fact.id]) for fact in facts}
        self._unheld = [tuple(tuple(_stems(phrase)) for phrase in asks) for asks, _ in unheld]
        held_as = [
            (*asks, *(tuple(_stems(phrase)) for phrase in more))
            for asks, (_, more) in zip(self._unheld, unheld, strict=True)
        ]
        self._held = {
            fact.id: frozenset(
                n for n, phrases in enumerate(held_as) if not stems[fact.id].isdisjoint(phrases)
            )
            for fact in facts
        }

    def unheld(self, question: str, fact: Fact) -> bool:
        """Whether `question` asks something of [[unheld]] that `fact` does not hold."""
        stems = _stems(question)
        held = self._held.get(fact.id, frozenset())
        return any(
            n not in held and any(_holds(stems, phrase) >= 0 for phrase in asks)
            for n, asks in enumerate(self._unheld)
        )

    def _classes(self, grams: set[Phrase]) -> frozenset[tuple[int, int]]:
        """The (group, class) pairs a text (the runs of its stemmed words) uses."""
        return frozenset(
            (g, c)
            for g, group in enumerate(self._groups)
            for c, phrases in enumerate(group)
            if not grams.isdisjoint(phrases)
        )

    def agreed(self, question: str, fact: Fact) -> frozenset[int]:
        """The groups of which `question` writes a phrase of a class that `fact` uses too."""
        grams = _grams(_stems(question))
        return frozenset(
            g for g, c in self._used.get(fact.id, ()) if not grams.isdisjoint(self._groups[g][c])
        )

    def contradicted_groups(self, question: str, fact: Fact) -> frozenset[int]:
        """The groups in which `fact` replaces what `question` writes by another class."""
        return frozenset(g for g, _ in self._contradictions(question, fact))

    def contradicted(self, question: str, fact: Fact) -> tuple[str, ...]:
        """The phrases of `question`, as written, whose class `fact` replaces by another."""
        return tuple(written for _, written in self._contradictions(question, fact))

    def _contradictions(self, question: str, fact: Fact) -> list[tuple[int, str]]:
        """Each group in which `fact` replaces a phrase of `question` by another class,
        with that phrase as written."""
        used = self._used.get(fact.id, frozenset())
        groups = {g for g, _ in used}
        spans = word_spans(question)
        folded = [word for word, _, _ in spans]
        stems = [stem(word) for word in folded]
        wrong = []
        for g, group in enumerate(self._groups):
            if g not in groups or _said_right(stems, group, {c for h, c in used if h == g}):
                continue  # the fact does not use the group, or the question says it right too
            for c, phrases in enumerate(group):
                if (g, c) in used:
                    continue
                for phrase in phrases:
                    at = _holds(stems, phrase)
                    if at >= 0 and not _negated(folded, at, len(phrase)):
                        wrong.append((g, question[spans[at][1] : spans[at + len(phrase) - 1][2]]))
                        break
        return wrong


def _said_right(stems: Sequence[str], group: Sequence[Sequence[Phrase]], right: set[int]) -> bool:
    """Whether the question writes a phrase of a class in `right`, other than as part of a
    longer phrase of another class (« président » inside « vice-président »)."""
    others = [
        (at, len(phrase))
        for c, phrases in enumerate(group)
        if c not in right
        for phrase in phrases
        for at in _places(stems, phrase)
    ]
    return any(
        not any(start <= at and at + len(phrase) <= start + size for start, size in others)
        for c in right
        for phrase in group[c]
        for at in _places(stems, phrase)
    )


def _places(text: Sequence[str], phrase: Phrase) -> list[int]:
    """Every place where `text` writes `phrase` (stemmed words)."""
    size = len(phrase)
    return [at for at in range(len(text) - size + 1) if tuple(text[at : at + size]) == phrase]


def _grams(stems: Sequence[str]) -> set[Phrase]:
    """Every run of up to LONGEST words of a text, to look phrases up at once."""
    return {
        tuple(stems[at : at + size])
        for size in range(1, LONGEST + 1)
        for at in range(len(stems) - size + 1)
    }


def _fact_text(fact: Fact) -> str:
    return " ".join((fact.title.fr, fact.title.en, fact.statement.fr, fact.statement.en))
