"""Finding speaker labels at the start of lines, as a reader of the transcript would.

Transcribers label turns in many ways (DOMAIN.md): ``I:`` / ``R:``, ``Istraživač:``,
``Интервјуер:``, ``Đorđe:``, ``Socijalna radnica (CSR Niš):``, ``[Socijalna radnica]``,
``Q:`` / ``A:``, ``admin-1:``, an utterance ID and a TAB (ParlaMint). The rules here are
Unicode-aware (``\\w`` and ``str.isupper`` know Č, Ć, Đ, Š, Ž and Cyrillic capitals).

Which candidates count (the README's "Units" section says the same for users):

1. A well-known interviewer/respondent label (``I``, ``R``, ``Sagovornik``, ``Интервјуер``…)
   always does.
2. A label used at least twice counts when it usually begins a paragraph — unless its lines
   repeat word for word (a title above each row of an export, not a voice). Outside a
   turn-structured document it needs a second voice: one repeated ``ORCiD ID:`` is a field.
3. When the document is *turn-structured* (at least half of its paragraphs begin with a label of
   rule 1 or 2), a repeated label inside a paragraph counts too, and so does a label used
   **once** if it has the *same shape* as the established ones (bracket or colon, and the same
   pattern of capitals, digits and lower-case words: ``Šćepan:`` beside ``Čedomir (istraživač):``,
   ``Speaker 3:`` beside ``Speaker 12:``), stands where they stand (at a paragraph start when they
   do), is followed by a capital when their words are, and is not an ordinary word of the text
   (``Dakle:``, or a word also written in lower case elsewhere) unless it carries a role in brackets
   or a number. A once-only label that misspells a frequent one (``Particpant:`` beside
   ``Participant:``, ``Djurdja:`` beside ``Ђурђа:``) is that speaker.

Titles and sentences that merely contain a colon (``Kötelező oltás: …`` above every comment of a
YouTube export, ``Znate šta: nije lako.``) fail these rules. A role in brackets after a name is
split off: ``Čedomir (istraživač):`` is the speaker ``Čedomir`` with the role ``istraživač``.
A user pattern (``--speaker-pattern``) replaces the built-in rules and is trusted as given.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from qualcode.errors import QualcodeError
from qualcode.text.fold import fold
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
#: ``Name (role)``: the name, then a role in brackets at the end.
_ROLE = re.compile(r"^(?P<name>.*?\S)[ \t]*\((?P<role>[^()\n]*\S[^()\n]*)\)$")


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
#: Words that open a sentence with a colon ("Dakle: …", "So: …"), never a once-only speaker. Folded
#: (Latin, no diacritics), so the Cyrillic spellings are covered too.
SENTENCE_OPENERS = _folded(
    """
    dakle znaci naime medjutim recimo evo eto pa ali jer zato ukratko zakljucak odnosno uglavnom inace
    takodje zapravo prvo drugo trece konacno rezultat razlog pitanje odgovor problem cilj poenta vazno
    so well then now also but and however therefore first second third finally conclusion summary result
    reason question answer point important update warning tip
    """
)
#: Share of paragraphs that begin with an established label above which a document is turn-structured.
STRUCTURED_SHARE = 0.5
_TIMESTAMP = re.compile(r"^\d{1,2}(:\d{2}){1,2}([.,]\d+)?$")
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class LabelHit:
    """A speaker label on the line starting at ``line_start``; the words start at ``content_start``.

    ``speaker`` is the name; ``role`` the text of a bracket after it as written (``Đurđa
    (tužiteljka):`` gives ``Đurđa`` and ``tužiteljka``), or None.
    """

    line_start: int
    content_start: int
    speaker: str
    role: str | None = None


@dataclass(frozen=True)
class _Candidate:
    hit: LabelHit
    form: str  # "colon" or "bracket": part of a label's shape

    @property
    def key(self) -> str:
        return self.hit.speaker.casefold()


def split_role(label: str) -> tuple[str, str | None]:
    """``"Čedomir (istraživač)"`` → ``("Čedomir", "istraživač")``; without a bracket the role is None."""
    m = _ROLE.match(label)
    if m is None:
        return label, None
    return _clean(m["name"]), _clean(m["role"])


def compile_speaker_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a user's ``--speaker-pattern``; it must have a group (``(?P<speaker>…)`` or the first)."""
    compiled = compile_user_regex(pattern, "--speaker-pattern", re.MULTILINE)
    if compiled.groups < 1:
        raise QualcodeError(
            "--speaker-pattern needs a group that captures the name, e.g. '^(?P<speaker>[A-Z]\\w*):\\s*'"
        )
    return compiled


def find_labels(
    text: str,
    pattern: re.Pattern[str] | None = None,
    paragraphs: Sequence[tuple[int, int]] | None = None,
) -> list[LabelHit]:
    """Speaker labels at line starts in ``text``, in order.

    ``paragraphs`` are the (start, end) spans the reader found (Word paragraphs, blank-line
    blocks…); without them, blank-line blocks, or lines when the text has no blank line.
    """
    if pattern is not None:
        return _user_labels(text, pattern)
    lines = max(1, text.count("\n") + 1 - text.count("\n\n"))
    tabbed = list(TAB_LABEL.finditer(text))
    if len(tabbed) * 2 >= lines:
        return [LabelHit(m.start(), m.end(), m["label"]) for m in tabbed]
    candidates = []
    for regex, form in ((COLON_LABEL, "colon"), (BRACKET_LABEL, "bracket")):
        for m in regex.finditer(text):
            name, role = split_role(_clean(m["label"]))
            if _plausible(name):
                hit = LabelHit(m.start(), _skip_space(text, m.end()), name, role)
                candidates.append(_Candidate(hit, form))
    if not candidates:
        return []
    starts = _paragraph_line_starts(text, paragraphs)
    chooser = _LabelChooser(text, candidates, starts)
    chosen = chooser.chosen()
    hits = sorted(
        (
            replace(c.hit, speaker=chooser.renamed.get(c.key, c.hit.speaker))
            for c in candidates
            if c.key in chosen
        ),
        key=lambda hit: hit.line_start,
    )
    return _one_per_line(hits)


class _LabelChooser:
    """Rules 1–3 of the module docstring over one document's candidates."""

    def __init__(self, text: str, candidates: list[_Candidate], paragraph_starts: set[int]) -> None:
        self.text = text
        self.starts = paragraph_starts
        self.groups: dict[str, list[_Candidate]] = {}
        for candidate in candidates:
            self.groups.setdefault(candidate.key, []).append(candidate)
        #: A once-only label that misspells a frequent one ("Particpant") -> that one's name.
        self.renamed: dict[str, str] = {}
        self._lower_words: set[str] | None = None

    def chosen(self) -> set[str]:
        """The keys (case-folded names) of the labels that are speakers."""
        known = {key for key in self.groups if key in KNOWN_LABELS}
        repeated = {key for key, group in self.groups.items() if len(group) >= 2 and key not in known}
        titles = {key for key in repeated if self._title(self.groups[key])}
        repeated -= titles
        established = known | {key for key in repeated if self._begins_paragraphs(self.groups[key])}
        if not self._structured(established):
            # Outside a turn-structured document a conversation still needs two voices: one
            # repeated "ORCiD ID:" in a read-me is a field name, not a speaker.
            return established if len(established) >= 2 else known
        # Among turns, the same line twice is someone saying the same thing twice ("Milan: Tako je.");
        # a title repeats above every row.
        established |= repeated | {key for key in titles if len(self.groups[key]) == 2}
        once = self._once_only(established)
        frequent = [key for key in established if len(self.groups[key]) >= 3]
        for key in once:
            meant = next((other for other in frequent if _misspelt(key, other)), None)
            if meant is not None:
                self.renamed[key] = self.groups[meant][0].hit.speaker
        return established | once

    def _at_start(self, candidate: _Candidate) -> bool:
        return candidate.hit.line_start in self.starts

    def _begins_paragraphs(self, group: list[_Candidate]) -> bool:
        return 2 * sum(map(self._at_start, group)) >= len(group)

    def _title(self, group: list[_Candidate]) -> bool:
        """Lines that repeat word for word: a title or heading, not someone speaking."""
        lines = {self._words(c).casefold() for c in group}
        return 2 * len(lines) <= len(group)

    def _structured(self, established: set[str]) -> bool:
        """At least half of the paragraphs begin with a label (one inside a paragraph starts one)."""
        hits = [c.hit for key in established for c in self.groups[key]]
        labelled = {hit.line_start for hit in hits}
        inside = len(labelled - self.starts)
        # A label alone on its paragraph (Word: "Researcher 1:", then the answer) and the words
        # after it begin one turn: count them as one paragraph.
        alone = sum(1 for hit in hits if hit.content_start in self.starts)
        paragraphs = len(self.starts) + inside - alone
        return bool(labelled) and len(labelled) >= STRUCTURED_SHARE * paragraphs

    def _once_only(self, established: set[str]) -> set[str]:
        """The labels used once that read like the established ones (rule 3)."""
        uses = [c for key in established for c in self.groups[key]]
        shapes = {_shape(c) for c in uses}
        # "Most" is four in five: a transcriber's habit, with room for a few slips.
        at_starts = 5 * sum(map(self._at_start, uses)) >= 4 * len(uses)
        openings = [opening for c in uses if (opening := _opening_letter(self.text, c)) is not None]
        capitals = 5 * sum(openings) >= 4 * len(openings)
        chosen = set()
        for key, group in self.groups.items():
            candidate = group[0]
            if len(group) > 1 or key in established or _shape(candidate) not in shapes:
                continue
            if at_starts and not self._at_start(candidate):
                continue
            if capitals and _opening_letter(self.text, candidate) is False:
                continue
            # A role in brackets or a number ("Committee 1") marks a label even when the word is common.
            if candidate.hit.role is not None or "9" in _shape(candidate) or not self._ordinary(candidate):
                chosen.add(key)
        return chosen

    def _ordinary(self, candidate: _Candidate) -> bool:
        """The name's first word opens sentences ("Dakle") or is written in lower case elsewhere."""
        first = _LETTERS.search(candidate.hit.speaker)
        if first is None:
            return True
        if fold(first[0]) in SENTENCE_OPENERS:
            return True
        if self._lower_words is None:
            self._lower_words = {word for word in _LETTERS.findall(self.text) if word.islower()}
        return first[0].casefold() in self._lower_words

    def _words(self, candidate: _Candidate) -> str:
        """The line of words after the label (the next line when the label stands alone)."""
        start = candidate.hit.content_start
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].strip()


def _misspelt(name: str, other: str) -> bool:
    """``name`` is ``other`` with a letter or two wrong or without diacritics (not another name).

    Names that differ in a digit, or where one is the other plus an ending (Dragan, Dragana),
    are different people; so are short names, where one letter is a large share.
    """
    a, b = fold(name), fold(other)
    if min(len(a), len(b)) < 6 or a[0] != b[0] or any(ch.isdigit() for ch in a + b):
        return False
    if a.startswith(b) or b.startswith(a):
        return a == b
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def _shape(candidate: _Candidate) -> tuple[str, ...]:
    """Bracket or colon, and each word of the name as capital / CAPITALS / lower / with digits."""
    return (candidate.form, *(_word_class(word) for word in candidate.hit.speaker.split()))


def _word_class(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return "9"
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return "."
    if not letters[0].isupper():
        return "a"
    if len(letters) == 1:
        return "A"
    return "AA" if all(ch.isupper() for ch in letters) else "Aa"


def _opening_letter(text: str, candidate: _Candidate) -> bool | None:
    """Whether the words after the label start with a capital (None: no letter before the line ends)."""
    for ch in text[candidate.hit.content_start : candidate.hit.content_start + 40]:
        if ch == "\n":
            break
        if ch.isalpha():
            return ch.isupper()
        if ch.isdigit():
            return None
    return None


def _paragraph_line_starts(text: str, paragraphs: Sequence[tuple[int, int]] | None) -> set[int]:
    if paragraphs is None:
        if "\n\n" in text:
            return {0} | {m.end() for m in re.finditer(r"\n[ \t]*\n(?:[ \t]*\n)*", text)}
        return {0} | {m.end() for m in re.finditer(r"\n", text)}
    return {text.rfind("\n", 0, start) + 1 for start, _ in paragraphs}


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
    # A lower-case start is a sentence ("and then he said:"), unless it is an ID such as admin-1;
    # a digit first is a date or a number ("2025.02.11. Botka István:"), not a person.
    return (
        label[0].isupper()
        or (label[0].isalpha() and any(ch.isdigit() for ch in label))
        or (folded in KNOWN_LABELS)
    )


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
