"""Locale catalogues: every user-facing string, by key, French first."""

from __future__ import annotations

import functools
import json
import string
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.plural import PluralRule

from bot.markup import escape
from bot.parsing import fold
from bot.resources import shipped

LOCALES_DIR = shipped("locales")
FALLBACK = "fr"


class LocaleError(Exception):
    """A catalogue is unreadable or disagrees with the French one."""


PLURAL = "plural"
"""In a plural entry, names the parameter whose count picks the form."""

# A catalogue value: a template, or a plural entry such as
# {"plural": "count", "one": "{count} discussion", "other": "{count} discussions"}
# with one template per CLDR plural category of the language.
Entry = str | Mapping[str, str]


def placeholders(template: Entry) -> set[str]:
    """The parameters a template (or any form of a plural entry) uses."""
    if not isinstance(template, str):
        return set().union(*(placeholders(form) for form in plural_forms(template).values()))
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plural_forms(entry: Mapping[str, str]) -> dict[str, str]:
    return {category: form for category, form in entry.items() if category != PLURAL}


def plural_categories(language: str) -> set[str]:
    """The CLDR plural categories a language's plural entries must all spell out."""
    return set(_plural_rule(language).tags) | {"other"}


@functools.cache
def _plural_rule(language: str) -> PluralRule:
    return Locale.parse(language).plural_form


class Catalogues:
    """All languages' strings; a key missing in one language falls back to French."""

    def __init__(self, languages: Mapping[str, Mapping[str, Entry]]) -> None:
        if FALLBACK not in languages:
            raise LocaleError(f"no {FALLBACK}.json catalogue")
        self.languages = {code: dict(strings) for code, strings in languages.items()}
        self._check()
        self._action_words: dict[str, frozenset[str]] = {}

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Catalogues:
        languages = {}
        for path in sorted(directory.glob("*.json")):
            try:
                languages[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise LocaleError(f"{path.name}: {exc}") from exc
        return cls(languages)

    def _check(self) -> None:
        reference = self.languages[FALLBACK]
        for code, strings in self.languages.items():
            for key, template in strings.items():
                if key not in reference:
                    raise LocaleError(f"{code}.json: {key} is not in {FALLBACK}.json")
                if not isinstance(template, str):
                    self._check_plural(code, key, template, reference[key])
                if placeholders(template) != placeholders(reference[key]):
                    raise LocaleError(
                        f"{code}.json: {key} placeholders differ from {FALLBACK}.json"
                    )

    @staticmethod
    def _check_plural(code: str, key: str, entry: object, reference: Entry) -> None:
        if not isinstance(entry, Mapping) or not all(isinstance(v, str) for v in entry.values()):
            raise LocaleError(f"{code}.json: {key} is neither a string nor a plural entry")
        argument = entry.get(PLURAL)
        if isinstance(reference, str) or argument != reference.get(PLURAL):
            raise LocaleError(f"{code}.json: {key} plural argument differs from {FALLBACK}.json")
        forms = plural_forms(entry)
        if set(forms) != plural_categories(code):
            raise LocaleError(
                f"{code}.json: {key} needs exactly the forms {sorted(plural_categories(code))}"
            )
        if any(argument not in placeholders(form) for form in forms.values()):
            raise LocaleError(f"{code}.json: {key} has a form without {{{argument}}}")

    def resolve(self, language: str | None, default: str = FALLBACK) -> str:
        """Pick a catalogue for a platform language tag such as `en-GB`."""
        if language:
            code = language.split("-")[0].split("_")[0].lower()
            if code in self.languages:
                return code
        return default if default in self.languages else FALLBACK

    def action_words(self, name: str) -> frozenset[str]:
        """The word `action.<name>` in every language, folded: what a button's line may
        carry for it. Worked out once per name, since every message may ask."""
        words = self._action_words.get(name)
        if words is None:
            key = f"action.{name}"
            words = frozenset(fold(self.get(code, key)) for code in self.languages)
            self._action_words[name] = words
        return words

    def get(self, language: str, key: str, /, **params: object) -> str:
        """The template for `key`, filled with `params` escaped as literal markup.

        Literal text is what adapters keep from becoming a link, a mention or a command;
        pass the core's own markup (already escaped where it holds outside text) as `Raw`.
        """
        entry = self.languages.get(language, {}).get(key)
        if not entry:
            language, entry = FALLBACK, self.languages[FALLBACK][key]
        template = entry if isinstance(entry, str) else _pick_form(language, entry, params)
        values = {
            name: v.markup if isinstance(v, Raw) else escape(str(v)) for name, v in params.items()
        }
        return template.format(**values)


def _pick_form(language: str, entry: Mapping[str, str], params: Mapping[str, object]) -> str:
    count = params[entry[PLURAL]]
    value = count.value if isinstance(count, Number) else count
    if not isinstance(value, int):
        raise TypeError(f"the plural argument {entry[PLURAL]} must be a count, not {value!r}")
    return entry[_plural_rule(language)(value)]


class Raw:
    """Markup the core built itself (locale strings, its own words and numbers), used as is."""

    __slots__ = ("markup",)

    def __init__(self, markup: str) -> None:
        self.markup = markup


class Number(Raw):
    """A formatted count that still knows its value, so it can pick a plural form."""

    __slots__ = ("value",)

    def __init__(self, markup: str, value: int) -> None:
        super().__init__(markup)
        self.value = value


Translate = Callable[..., str]


def number(t: Translate, value: int) -> Number:
    """A count with the language's thousands separator."""
    return Number(f"{value:,}".replace(",", t("number.thousands")), value)


def moment(t: Translate, language: str, when: datetime, zone: str, *, minutes: bool = False) -> str:
    """A stored time inside a sentence, in the campaign's time zone: "1 mars 2026 à 15 h".

    The catalogue gives the CLDR pattern. Minutes are shown only when asked for or when
    the zone's offset makes them other than zero, never more precision than was stored.
    """
    local = when.astimezone(ZoneInfo(zone))
    key = "date.moment_minutes" if minutes or local.minute else "date.moment"
    return timestamp(language, local, zone, t(key))


def timestamp(language: str, when: datetime, zone: str, pattern: str) -> str:
    """`when` in the campaign's time zone, written after a CLDR `pattern` from the
    catalogue, with the month and day names of `language` (Babel)."""
    return format_datetime(when.astimezone(ZoneInfo(zone)), pattern, locale=language)
