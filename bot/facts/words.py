"""Turning French or English text into search terms: fold, split, drop stop words, stem.

The same function reads the fact base and the members' questions, so whatever
it does to a word (accents, plural, gender, verb ending) it does on both sides.
The stemmer is deliberately light and language-blind: a question rarely says
which language it is in, and over-stemming only merges words that the score
threshold and the coverage rule then keep honest.
"""

from __future__ import annotations

import re

from bot.parsing import fold

# "GPT-4" and "gpt4" are one term; apostrophes split elisions ("l'armée").
_JOINED = re.compile(r"(?<=[a-z])-(?=\d)")
_WORD = re.compile(r"[a-z0-9]+")

_STOP_FR = """
a ai as au aux avait avec avez avoir c ca ce ceci cela celle celui ces cet cette chez combien
comment d dans de des dit dire donc du elle elles en encore entre est et etaient etait ete etre
eu fait faut il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos
notre nous on ont ou par parle pas peu peut peux plus pour pourquoi qu quand que quel quelle
quelles quels qui quoi s sa sais savoir se ses si son sont sur t ta te tes toi ton tout tous tu
un une vos votre vous vrai vraiment y bonjour salut merci svp stp infos info exactement alors
explique expliquer raconte dis parler quelqu chose sujet question faits
"""
_STOP_EN = """
a about after all also am an and any anything are as at be been being but by can could did do
does for from get got had has have he her him his how i if in into is it its just know me more
most my no not of on or our please really she should so some something tell than that the their
them then there these they this those to true us was we were what when where which who whom why
will with would yes you your much many hello hi thanks thank ok okay exactly explain info fact facts
"""
STOP_WORDS = frozenset((_STOP_FR + _STOP_EN).split())

# Longest first; a stem keeps at least three letters.
_FR_ENDINGS = "issements issement ations ation ateurs ateur atrices atrice ements ement ments ment"
_FR_ENDINGS += " euses euse eurs eur ances ance ences ence ites ite istes iste ismes isme ions ion"
_FR_ENDINGS += " ees ee ent ant er ez es e s x"
_EN_ENDINGS = "ings ing ers ed ating ated ates ate ies ly ives ive ifs if y"
_SUFFIXES = sorted(set((_FR_ENDINGS + " " + _EN_ENDINGS).split()), key=lambda s: (-len(s), s))
_MIN_STEM = 3


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included (used for display keys)."""
    return _WORD.findall(_JOINED.sub("", fold(text)))


def terms(text: str) -> list[str]:
    """The search terms of a text: content words, stemmed, in order, repeated as they occur."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


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
