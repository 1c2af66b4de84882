"""Names a question gives that no entry of the fact file lists: capitalised words inside a
sentence that the fact base never uses ("Bezos"), or uses but never writes together as a name
(« Le Monde », "Turning Point"), one typo aside (« l'App Stor » is the App Store)."""

from __future__ import annotations

import re
from collections import defaultdict

from bot.facts.model import FactBase
from bot.facts.words import STOP_WORDS, calendar_words, deletions, stem, within_one_edit, word_spans

# A capitalised word this long may be a typo of a word the facts use, not a name.
MIN_TYPO = 4
_SENTENCE_END = re.compile(r"[.!?…]\s*$")


class StrangerNames:
    """Reads the names a question writes that the fact base does not know."""

    def __init__(self, base: FactBase, vocabulary: frozenset[str]) -> None:
        # Words that say something of the facts: a capitalised one is not a stranger's name.
        self._vocabulary = vocabulary | calendar_words()
        # Names the fact base writes, of several capitalised words (« Sensor Tower »).
        self._names_written = _names_written(
            [
                *(name for entity in base.entities for name in entity.names),
                *(text for fact in base.facts for text in fact.texts()),
                *(a.publisher for a in base.articles),
                *(text for a in base.articles for text in (a.title.fr, a.title.en)),
            ]
        )
        self._near: dict[str, set[str]] = defaultdict(set)
        for word in self._vocabulary:
            if len(word) >= MIN_TYPO - 1:
                for variant in deletions(word):
                    self._near[variant].add(word)

    def unlisted(self, question: str, listed: set[str]) -> list[str]:
        """Runs of capitalised words inside a sentence that the fact base does not know: a
        word it never uses ("Bezos"), or words it uses but never as a name together (« Le
        Monde », "Turning Point")."""
        if question.isupper():
            return []
        names: list[str] = []
        for run in _capitalised_runs(question, listed):
            strangers: list[str] = []
            for word, written in run:
                if self._stranger(word, written, listed):
                    strangers.append(written)
                    continue
                names += [" ".join(strangers)] if strangers else []
                strangers = []
            names += [" ".join(strangers)] if strangers else []
            folded = tuple(word for word, _ in run)
            if len(run) > 1 and not strangers and not self._name_written(folded):
                names.append(" ".join(written for _, written in run))
        return list(dict.fromkeys(names))

    def _name_written(self, folded: tuple[str, ...]) -> bool:
        """Whether the fact base writes this name, one typo aside (« l'App Stor »)."""
        return folded in self._names_written or any(
            len(name) == len(folded)
            and sum(a != b for a, b in zip(name, folded, strict=True)) == 1
            and all(a == b or _one_typo(a, b) for a, b in zip(name, folded, strict=True))
            for name in self._names_written
        )

    def _stranger(self, word: str, written: str, listed: set[str]) -> bool:
        # Written in capitals, a stop word is an acronym: "the EU", not « eu ».
        stop = frozenset() if written.isupper() and len(written) > 1 else STOP_WORDS
        return not (word in stop or word in listed or self._known(word) or self._known(stem(word)))

    def _known(self, word: str) -> bool:
        """A word of the fact base, or one typo away from one ("Aple", "Redit")."""
        if word in self._vocabulary:
            return True
        if len(word) < MIN_TYPO or any(ch.isdigit() for ch in word):
            return False  # "GPT-3" is not a typo for "GPT-4"
        return any(
            within_one_edit(word, known)
            for variant in deletions(word)
            for known in self._near.get(variant, ())
        )


def _one_typo(known: str, written: str) -> bool:
    return len(known) >= MIN_TYPO and within_one_edit(written, known)


def _capitalised_runs(
    text: str, listed: frozenset[str] | set[str] = frozenset()
) -> list[list[tuple[str, str]]]:
    """The runs of capitalised words inside a sentence, as (folded, written); a listed name's
    word, a day or month, or a one-letter word ("plan B", "I") ends a run."""
    runs: list[list[tuple[str, str]]] = [[]]
    for word, start, end in word_spans(text):
        written = text[start:end]
        starts_sentence = not text[:start].strip() or bool(_SENTENCE_END.search(text[:start]))
        if (
            written[0].isupper()
            and len(word) > 1
            and not starts_sentence
            and word not in listed
            and word not in calendar_words()
        ):
            runs[-1].append((word, written))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _names_written(texts: list[str]) -> frozenset[tuple[str, ...]]:
    """Every run of two capitalised words or more that `texts` write, and its parts."""
    found: set[tuple[str, ...]] = set()
    for text in texts:
        for run in _capitalised_runs(f". {text}"):
            folded = [word for word, _ in run]
            found.update(
                tuple(folded[a:b])
                for a in range(len(folded))
                for b in range(a + 2, len(folded) + 1)
            )
    return frozenset(found)
