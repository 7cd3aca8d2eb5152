"""Finding speaker labels at the start of lines.

Transcribers label turns in many ways (DOMAIN.md): ``I:`` / ``R:``, ``Istraživač:``,
``Интервјуер:``, ``Đorđe:``, ``Socijalna radnica (CSR Niš):``, ``[Socijalna radnica]``,
``Q:`` / ``A:``, ``admin-1:``, an utterance ID and a TAB (ParlaMint). The rules here are
Unicode-aware (``\\w`` and ``str.isupper`` know Č, Ć, Đ, Š, Ž and Cyrillic capitals).

A candidate label counts only when it looks like a label *and* is used at least twice in
the document, or is one of the well-known interviewer/respondent labels: a sentence that
happens to start with "Napomena:" once is not a speaker. A user pattern
(``--speaker-pattern``) replaces the built-in rules and is trusted as given.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qualcode.errors import QualcodeError
from qualcode.text.regex import compile_user_regex

_WORD = r"[^\W_][\w'’.\-]*"
#: ``Name:``, ``Name Surname:``, ``Name (role):`` — up to four words before the colon.
COLON_LABEL = re.compile(
    rf"^[ \t]*(?P<label>{_WORD}(?:[ \t]{_WORD}){{0,3}}(?:[ \t]*\([^()\n]{{1,60}}\))?)[ \t]*:(?:[ \t]+|$)",
    re.MULTILINE,
)
#: ``[Name]`` at the start of a line, followed by the words or by the end of the line.
BRACKET_LABEL = re.compile(r"^[ \t]*\[(?P<label>[^\[\]\n]{1,40})\](?:[ \t]+|$)", re.MULTILINE)
#: ``ID<TAB>text``, one utterance per line (ParlaMint and similar corpus exports).
TAB_LABEL = re.compile(r"^(?P<label>[^\s:]{2,80})\t(?=\S)", re.MULTILINE)


def _folded(words: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in words.split())


#: Labels accepted even when used once: the usual interviewer/respondent abbreviations and roles.
KNOWN_LABELS = _folded(
    """
    I R Q A P O E G S M B Int Resp Interviewer Interviewee Respondent Moderator Participant Researcher
    Facilitator Istraživač Istraživačica Sagovornik Sagovornica Ispitanik Ispitanica Intervjuer Intervjuerka
    Ispitivač Voditelj Voditeljica Moderatorka Učesnik Učesnica И Р П О Истраживач Истраживачица Саговорник
    Саговорница Испитаник Испитаница Интервјуер Интервјуерка Водитељ Водитељка Учесник Учесница
    """
)
#: Bracketed transcription marks that are not speakers ([inaudible], [smeh], [пауза]…).
TRANSCRIPTION_MARKS = _folded(
    """
    inaudible unintelligible indistinct crosstalk laughs laughter laughing pause silence music noise cough
    coughs sighs sigh applause unclear redacted nerazumljivo nerazgovetno nejasno smeh smijeh pauza tišina šum
    kašalj uzdah muzika prekid nečujno неразумљиво неразговетно нејасно смех смијех пауза тишина шум кашаљ
    уздах музика прекид нечујно
    """
)
#: Words that end with a colon at a line start but introduce a field, not a speaker.
NOT_SPEAKERS = _folded(
    """
    note napomena напомена comment komentar коментар source izvor извор date datum датум time vreme vrijeme
    време вријеме place mesto mjesto место мјесто location lokacija локација duration trajanje трајање
    interview intervju интервју subject tema тема http https www e.g npr tj нпр тј example primer primjer
    пример примјер
    """
)
_TIMESTAMP = re.compile(r"^\d{1,2}(:\d{2}){1,2}([.,]\d+)?$")


@dataclass(frozen=True)
class LabelHit:
    """A speaker label on the line starting at ``line_start``; the words start at ``content_start``."""

    line_start: int
    content_start: int
    speaker: str


def compile_speaker_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a user's ``--speaker-pattern``; it must have a group (``(?P<speaker>…)`` or the first)."""
    compiled = compile_user_regex(pattern, "--speaker-pattern", re.MULTILINE)
    if compiled.groups < 1:
        raise QualcodeError(
            "--speaker-pattern needs a group that captures the name, e.g. '^(?P<speaker>[A-Z]\\w*):\\s*'"
        )
    return compiled


def find_labels(text: str, pattern: re.Pattern[str] | None = None) -> list[LabelHit]:
    """Speaker labels at line starts in ``text``, in order."""
    if pattern is not None:
        return _user_labels(text, pattern)
    lines = max(1, text.count("\n") + 1 - text.count("\n\n"))
    tabbed = list(TAB_LABEL.finditer(text))
    if len(tabbed) * 2 >= lines:
        return [LabelHit(m.start(), m.end(), m["label"]) for m in tabbed]
    candidates = [
        (m.start(), m.end(), _clean(m["label"]))
        for regex in (COLON_LABEL, BRACKET_LABEL)
        for m in regex.finditer(text)
    ]
    counts = Counter(label.casefold() for _, _, label in candidates)
    hits = [
        LabelHit(start, _skip_space(text, end), label)
        for start, end, label in candidates
        if _plausible(label) and (counts[label.casefold()] >= 2 or label.casefold() in KNOWN_LABELS)
    ]
    hits.sort(key=lambda hit: hit.line_start)
    return _one_per_line(hits)


def _user_labels(text: str, pattern: re.Pattern[str]) -> list[LabelHit]:
    hits = []
    for m in pattern.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        name = m["speaker"] if "speaker" in pattern.groupindex else m.group(1)
        if name and text[line_start : m.start()].strip() == "":
            hits.append(LabelHit(line_start, _skip_space(text, m.end()), _clean(name)))
    return _one_per_line(hits)


def _plausible(label: str) -> bool:
    folded = label.casefold()
    if not any(ch.isalpha() for ch in label) or _TIMESTAMP.match(label):
        return False
    if folded in TRANSCRIPTION_MARKS or folded.split(" ")[0] in NOT_SPEAKERS:
        return False
    # A lower-case start is a sentence ("and then he said:"), unless it is an ID such as admin-1.
    return label[0].isupper() or any(ch.isdigit() for ch in label) or folded in KNOWN_LABELS


def _clean(label: str) -> str:
    return " ".join(label.split())


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n":
        pos += 1
    return pos


def _one_per_line(hits: list[LabelHit]) -> list[LabelHit]:
    seen: set[int] = set()
    unique = []
    for hit in hits:
        if hit.line_start not in seen:
            seen.add(hit.line_start)
            unique.append(hit)
    return unique
