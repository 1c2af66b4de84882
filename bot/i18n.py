"""Locale catalogues: every user-facing string, by key, French first."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.markup import escape
from bot.resources import shipped

LOCALES_DIR = shipped("locales")
FALLBACK = "fr"


class LocaleError(Exception):
    """A catalogue is unreadable or disagrees with the French one."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalogues:
    """All languages' strings; a key missing in one language falls back to French."""

    def __init__(self, languages: Mapping[str, Mapping[str, str]]) -> None:
        if FALLBACK not in languages:
            raise LocaleError(f"no {FALLBACK}.json catalogue")
        self.languages = {code: dict(strings) for code, strings in languages.items()}
        self._check()

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
                if not isinstance(template, str):
                    raise LocaleError(f"{code}.json: {key} is not a string")
                if key not in reference:
                    raise LocaleError(f"{code}.json: {key} is not in {FALLBACK}.json")
                if placeholders(template) != placeholders(reference[key]):
                    raise LocaleError(
                        f"{code}.json: {key} placeholders differ from {FALLBACK}.json"
                    )

    def resolve(self, language: str | None, default: str = FALLBACK) -> str:
        """Pick a catalogue for a platform language tag such as `en-GB`."""
        if language:
            code = language.split("-")[0].split("_")[0].lower()
            if code in self.languages:
                return code
        return default if default in self.languages else FALLBACK

    def get(self, language: str, key: str, /, **params: object) -> str:
        """The template for `key`, filled with `params` escaped as literal markup.

        Literal text is what adapters keep from becoming a link, a mention or a command;
        pass the core's own markup (already escaped where it holds outside text) as `Raw`.
        """
        template = self.languages.get(language, {}).get(key) or self.languages[FALLBACK][key]
        values = {
            name: v.markup if isinstance(v, Raw) else escape(str(v)) for name, v in params.items()
        }
        return template.format(**values)


class Raw:
    """Markup the core built itself (locale strings, its own words and numbers), used as is."""

    __slots__ = ("markup",)

    def __init__(self, markup: str) -> None:
        self.markup = markup


Translate = Callable[..., str]


def number(t: Translate, value: int) -> Raw:
    """A count with the language's thousands separator."""
    return Raw(f"{value:,}".replace(",", t("number.thousands")))
