"""Turning French or English text into search terms: fold, split, drop stop words, stem.

The same code reads the fact base and the members' questions, so whatever
it does to a word (accents, plural, gender, verb ending) it does on both sides.
The stemmer is deliberately light and language-blind: a question rarely says
which language it is in, and over-stemming only merges words that the score
threshold and the coverage rule then keep honest.

Synonyms go further than any stemmer: "armée", "military" and "DoW", or
"c'est quoi" and "what is", are one term for the search. The groups come from
the fact base (its [[synonyms]] section), so editors extend them with the facts.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from babel import Locale

from bot.parsing import fold

# A word of folded text. "GPT-4" and "gpt4" are one word (its dash is dropped); apostrophes
# split elisions ("l'armée").
_WORD = re.compile(r"[a-z0-9]+(?:(?<=[a-z])-(?=\d)[a-z0-9]+)*")

_STOP_FR = """
a as au aux avait avec avez avoir c ca ce ceci cela celle celui ces cet cette chez combien
comment d dans de des dit dire donc du elle elles en encore entre est et etaient etait ete etre
eu fait faut il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos
notre nous on ont ou par parle pas peu peut peux plus pour pourquoi qu quand que quel quelle
quelles quels qui quoi s sa sais savoir se ses si son sont sur t ta te tes toi ton tout tous tu
un une vos votre vous vrai vraiment y bonjour salut merci svp stp infos info exactement alors
explique expliquer raconte dis parler quelqu chose sujet question faits toute toutes chaque aussi
non oui juste genre truc trucs moment maintenant actuellement aujourd hui monde faire fais font
pense penses pensent penser general generale suis es sommes etes sera serait seront va vas vais
allons allez vont avons aura auront devenu devenue devient deviennent avant apres depuis
ferait ferais feraient fera feront faisait faites etais serais seraient aurait aurais auraient
pk pq pkoi koi ki ke kel jsp ya tt ds bcp mtn qd cmt dc pr bjr slt cb cbien
"""
_STOP_EN = """
a about after all also am an and any anything are as at be been being but by can could did do
does for from get got had has have he her him his how i if in into is it its just know me more
most my no not of on or our please really she should so some something tell than that the their
them then there these they this those to true us was we were what when where which who whom why
will with would yes you your much many hello hi thanks thank ok okay exactly explain info fact facts
whats actually ever every each now currently today stuff thing things u ur pls plz getting gets
think thinks going become becomes became before since
"""
STOP_WORDS = frozenset((_STOP_FR + _STOP_EN).split())

# Longest first; a stem keeps at least three letters.
_FR_ENDINGS = "issements issement ations ation ateurs ateur atrices atrice ements ement ments ment"
_FR_ENDINGS += " euses euse eurs eur ances ance ences ence ites ite istes iste ismes isme ions ion"
_FR_ENDINGS += " ees ee ent ant er ez es e s x"
_EN_ENDINGS = "ings ing ers ed ating ated ates ate ies ly ives ive ifs if y"
_SUFFIXES = sorted(set((_FR_ENDINGS + " " + _EN_ENDINGS).split()), key=lambda s: (-len(s), s))
_MIN_STEM = 3
# A shorter stem is shared by unrelated words ("acteur" and "action" both give "act").
_MIN_GROUP_STEM = 5
_GROUP = "~"  # no word holds it (see _WORD): group terms never meet stems


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included (used for display keys)."""
    return [match.group().replace("-", "") for match in _WORD.finditer(fold(text))]


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """The words of `words(text)`, each with where the text writes it: `text[start:end]`.

    Folding may change a text's length ("ﬁ" becomes "fi"), so each character is folded
    alone to keep track of where every folded letter comes from.
    """
    if text.isascii():
        folded, origin = text.lower(), list(range(len(text)))
    else:
        pieces = [_fold_char(ch) for ch in text]
        folded = "".join(pieces)
        origin = [at for at, piece in enumerate(pieces) for _ in piece]
    return [
        (match.group().replace("-", ""), origin[match.start()], origin[match.end() - 1] + 1)
        for match in _WORD.finditer(folded)
    ]


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)


def is_content(word: str) -> bool:
    """Whether a folded word says something: not a stop word, nor a lone letter."""
    return word not in STOP_WORDS and (len(word) > 1 or word.isdigit())


class Synonyms:
    """Groups of words and phrases that each stand for one search term.

    A group is named after its first entry. A word listed in a group always
    stands for it; an unlisted word stands for it through its stem ("militaires"
    through "militaire") when that stem is long enough to be telling and no word
    of another group shares it ("armée" and "armes" both stem to "arm"); otherwise
    only the listed forms count. A phrase ("department of war") is matched on the
    words as typed, stop words included, because its meaning may lie in them.

    A group made only of stop words ("c'est quoi", "who is"; "combien", "how
    many") is a question form: it says what kind of answer is wanted, not what
    the question is about, so it helps rank the facts but does not count towards
    covering the question.
    """

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._words: dict[str, str] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        stems: dict[str, set[str]] = defaultdict(set)
        forms: set[str] = set()
        for group in groups:
            entries = [entry for entry in (tuple(words(text)) for text in group) if entry]
            if not entries:
                continue
            name = _group_term(entries[0])
            if all(is_question_form(entry) for entry in entries):
                forms.add(name)
            for entry in entries:
                if len(entry) > 1 or is_question_form(entry):
                    self._phrases[entry[0]].append((entry, name))
                else:
                    self._words[entry[0]] = name
                    stems[stem(entry[0])].add(name)
        for options in self._phrases.values():
            options.sort(key=lambda option: -len(option[0]))
        self._stems = {
            root: names.pop()
            for root, names in stems.items()
            if len(names) == 1 and len(root) >= _MIN_GROUP_STEM
        }
        self.question_forms = frozenset(forms)

    def terms(self, text: str) -> list[str]:
        """The search terms of a text: content words, stemmed, in order, repeated as they occur."""
        return [term for term, _ in self.terms_written(text)]

    def terms_written(self, text: str) -> list[tuple[str, str]]:
        """The search terms of a text, each with the folded word or phrase it was read from
        (a typo may be matched on the word when its stem is cut wrong: « prsion » → « prs »)."""
        found: list[tuple[str, str]] = []
        folded = words(text)
        at = 0
        while at < len(folded):
            phrase, name = self._phrase_at(folded, at)
            if phrase:
                found.append((name, " ".join(folded[at : at + phrase])))
                at += phrase
                continue
            if is_content(folded[at]) and not _verb_after_elision(folded, at):
                found.append((self._term(folded[at]), folded[at]))
            at += 1
        return found

    def _term(self, word: str) -> str:
        """The search term for one content word."""
        if word in self._words:
            return self._words[word]
        root = stem(word)
        return self._stems.get(root, root)

    def aliases(self) -> dict[str, str]:
        """Every listed word and stem with the term it stands for, to match prefixes and typos."""
        return {**self._stems, **self._words}

    def _phrase_at(self, folded: list[str], at: int) -> tuple[int, str]:
        for phrase, name in self._phrases.get(folded[at], ()):
            if tuple(folded[at : at + len(phrase)]) == phrase:
                return len(phrase), name
        return 0, ""


def is_group(term: str) -> bool:
    """Whether a search term stands for a synonym group rather than for a stem."""
    return term.startswith(_GROUP)


def is_question_form(entry: Sequence[str]) -> bool:
    """Whether a synonym entry's folded words are all stop words ("c est quoi", "combien")."""
    return not any(is_content(word) for word in entry)


def _verb_after_elision(folded: list[str], at: int) -> bool:
    """Whether this "ai" is the French verb ("j'ai", "n'ai") rather than English for IA."""
    return folded[at] == "ai" and at > 0 and folded[at - 1] in ("j", "n")


def _group_term(entry: Sequence[str]) -> str:
    """The term a synonym group stands for, named after its first entry's words.

    The "~" keeps it apart from every stem, so a group never absorbs an unrelated
    word that happens to share its first entry's stem.
    """
    return _GROUP + "_".join(entry)


_PLAIN = Synonyms()


def terms(text: str) -> list[str]:
    """The search terms of a text read without synonyms: enough to tell whether it has any."""
    return _PLAIN.terms(text)


def stem(word: str) -> str:
    """Strip common French and English endings, twice at most ("présidentes" → "presid")."""
    if any(ch.isdigit() for ch in word):
        return word
    for _ in range(2):
        shorter = _strip_suffix(word)
        if shorter == word:
            break
        word = shorter
    # "donn(e)" and "don(s)" meet: a doubled final consonant counts once.
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiouy":
        word = word[:-1]
    return word


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def within_one_edit(a: str, b: str) -> bool:
    """True when `a` becomes `b` by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])


def deletions(word: str) -> set[str]:
    """The word and every form of it with one letter removed (for typo lookup)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


@functools.cache
def calendar_words() -> frozenset[str]:
    """Day and month names, which English capitalises: "Saturday" is nobody."""
    found: set[str] = set()
    for language in ("fr", "en"):
        locale = Locale.parse(language)
        for names in (locale.days["format"]["wide"], locale.months["format"]["wide"]):
            found.update(w for name in names.values() for w in words(name))
    return frozenset(found)
