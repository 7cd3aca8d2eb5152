"""Lemmas (dictionary forms) for search, from simplemma.

simplemma's ``hbs`` dictionary covers Serbian, Croatian and Bosnian; it knows Latin-script,
lower-case words *with* their diacritics (``žrtvama`` → ``žrtva``, but ``zrtvama`` is
unknown), so words are transliterated to Latin and lower-cased, never folded, before they
are looked up. Loading a dictionary takes ~0.3 s (hbs) and ~0.1 s (en), so simplemma is
imported only when a word actually needs a lemma.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from qualcode.text.fold import fold
from qualcode.text.script import to_latin

__all__ = ["lemma_language", "lemmatize", "surface_form"]

#: Language subtags that share simplemma's Serbo-Croatian (``hbs``) dictionary.
_HBS = frozenset({"sr", "hr", "bs", "sh", "cnr", "hbs"})
#: Answered without importing simplemma (the languages qualcode detects).
_KNOWN = frozenset({"hbs", "en"})


def lemma_language(tag: str) -> str | None:
    """simplemma's language code for a document language tag (``sr-Cyrl`` → ``hbs``), or None."""
    primary = tag.split("-", 1)[0].strip().lower()
    code = "hbs" if primary in _HBS else primary
    if code in _KNOWN:
        return code
    return code if code and code in _supported() else None


@cache
def _supported() -> frozenset[str]:
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return frozenset(SUPPORTED_LANGUAGES)


def surface_form(word: str) -> str:
    """The form simplemma looks up: Latin script, lower case, diacritics kept (``ЖРТВЕ`` → ``žrtve``)."""
    return to_latin(word).lower()


def lemmatize(words: Iterable[str], language: str) -> dict[str, str]:
    """Folded lemma of each surface-form word (see :func:`surface_form`), in simplemma's ``language``.

    Unknown words are their own lemma (folded).
    """
    import simplemma

    return {word: fold(simplemma.lemmatize(word, lang=language)) for word in words}
