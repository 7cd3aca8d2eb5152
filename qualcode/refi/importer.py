"""`qualcode import FILE.qdpx|.qde`: a whole REFI-QDA project, in one transaction.

Everything is read, checked and prepared before the project is touched: the archive is
opened safely (:mod:`qualcode.refi.archive`), the XML parsed and checked
(:mod:`qualcode.refi.qde`), every text source decoded and normalised exactly as
`qualcode import` does for a ``.txt`` file (``normalize_text``, paragraph splitting, the same
unit builder and language detection), and every selection mapped onto the normalised text
(:mod:`qualcode.refi.positions`). Then :func:`qualcode.refi.store.write_project` writes it all
in one write transaction: a failure anywhere leaves the project as it was.

The import is logged as one event (``project.import``) rather than as an undoable change:
like importing a transcript, it is undone by starting again from the backup or a new project,
and an undo record of every row would double the size of the project file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from qualcode.errors import ImportFailed
from qualcode.ingest.encoding import decode_bytes
from qualcode.ingest.importer import ImportOptions, ImportResult
from qualcode.ingest.model import ParsedTranscript, UnitSpan
from qualcode.ingest.normalize import count_words
from qualcode.ingest.plaintext import split_paragraphs
from qualcode.ingest.speakers import compile_speaker_pattern
from qualcode.ingest.units import build_units
from qualcode.refi.archive import RefiArchive, open_project_file
from qualcode.refi.positions import PositionMap, choose_units
from qualcode.refi.qde import local, parse_project_xml
from qualcode.refi.reader import RefiProject, RefiSource, read_project, read_project_notes
from qualcode.store.project import Project

_NAME_SUFFIXES = (".txt", ".docx", ".doc", ".odt", ".rtf", ".pdf", ".md")


@dataclass
class PreparedCoding:
    """A coding ready to store: code path, coder, normalised span, memo."""

    code: tuple[str, ...]
    coder: str
    start: int
    end: int
    memo: str
    created: datetime | None
    guid: str
    selection: str


@dataclass
class PreparedDocument:
    """A source turned into a qualcode document."""

    guid: str
    name: str
    sha256: str
    parsed: ParsedTranscript
    units: list[UnitSpan]
    language: str
    script: str
    mixed_script: bool
    codings: list[PreparedCoding] = field(default_factory=list)
    position_units: str = "codepoints"


@dataclass
class RefiImportReport:
    """What the import did and what it left out, with counts."""

    origin: str = ""
    documents: list[str] = field(default_factory=list)
    codes_added: int = 0
    codes_present: int = 0
    codings: int = 0
    coders: list[str] = field(default_factory=list)
    cases: int = 0
    attributes: int = 0
    memos: int = 0
    words: int = 0
    units: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    position_units: str = ""
    skipped: Counter[str] = field(default_factory=Counter)
    #: What was imported differently from the file, one sentence each.
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary and every kind of item left out, one line each."""
        origin = self.origin or "an unnamed program"
        lines = [
            f"REFI-QDA project from {origin}: {len(self.documents)} document(s), {self.codes_added} new "
            f"code(s) ({self.codes_present} already present), {self.codings} coding(s), "
            f"{len(self.coders)} coder(s), {self.cases} case(s), {self.attributes} attribute(s), "
            f"{self.memos} memo(s)"
        ]
        if self.position_units == "utf16":
            lines.append("selection positions were read as UTF-16 units, as this program writes them")
        lines.extend(f"not imported: {n} {label}" for label, n in sorted(self.skipped.items()) if n)
        lines.extend(self.notes)
        return lines


def import_refi_file(project: Project, path: Path, options: ImportOptions) -> ImportResult:
    """Import a ``.qdpx``/``.qde`` file for `qualcode import`; raise :class:`QualcodeError` on failure."""
    try:
        size = path.stat().st_size
        if size > options.max_mb * 1024 * 1024:
            raise ImportFailed(
                f"the file is {size / 1024 / 1024:.0f} MB, more than the import limit of "
                f"{options.max_mb:g} MB; raise the limit with --max-size MB"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}") from None
    report = import_refi(project, path, data, options)
    return ImportResult(
        path=str(path),
        status="imported",
        document=path.stem,
        source_format=path.suffix.lower().lstrip("."),
        encoding="utf-8",
        language=", ".join(language for language, _ in report.languages.most_common()),
        words=report.words,
        units=dict(report.units),
        case=options.case,
        notes=report.lines(),
    )


def import_refi(project: Project, path: Path, data: bytes, options: ImportOptions) -> RefiImportReport:
    """Import a REFI-QDA project's documents, codebook, codings, coders, cases and memos."""
    from qualcode.refi.store import write_project

    archive = open_project_file(path, data)
    root = parse_project_xml(archive.qde)
    model = read_project(root, archive.qde, path.name)
    read_project_notes(model, lambda p: _source_text(archive, p, options, Counter()))
    report = RefiImportReport(origin=model.origin)
    report.skipped.update(model.unsupported)
    documents = _prepare_documents(model, archive, options, report)
    with project.write() as conn:
        write_project(conn, model, documents, options, report, source=path.name)
    return report


def _prepare_documents(
    model: RefiProject, archive: RefiArchive, options: ImportOptions, report: RefiImportReport
) -> list[PreparedDocument]:
    pattern = compile_speaker_pattern(options.speaker_pattern) if options.speaker_pattern else None
    documents: list[PreparedDocument] = []
    names: set[str] = set()
    for source in model.sources:
        document = _prepare(source, model, archive, options, report, pattern)
        if document is None:
            continue
        document.name = _unique(document.name, names)
        documents.append(document)
        report.words += count_words(document.parsed.text)
        report.units.update(u.kind for u in document.units)
        report.languages[document.language] += 1
        if document.position_units == "utf16":
            report.position_units = "utf16"
    return documents


def _source_text(
    archive: RefiArchive, path: str, options: ImportOptions, skipped: Counter[str]
) -> str | None:
    found = archive.source(path)
    if found.data is None:
        label = {
            "external": "text sources outside the archive (absolute:// paths are not read)",
            "unsafe": "text sources whose relative:// path leaves the project's folder",
        }.get(found.problem, "text sources whose text is missing from the archive")
        skipped[label] += 1
        return None
    if path.lower().endswith(".docx"):
        from qualcode.ingest.docx import read_docx

        return read_docx(found.data).text
    return decode_bytes(found.data, options.encoding).text


def _prepare(
    source: RefiSource,
    model: RefiProject,
    archive: RefiArchive,
    options: ImportOptions,
    report: RefiImportReport,
    pattern: re.Pattern[str] | None,
) -> PreparedDocument | None:
    holder = source.element
    content = next((c for c in holder if local(c.tag) == "PlainTextContent"), None)
    plain = holder.get("plainTextPath")
    rich = holder.get("richTextPath")
    coded = sum(len(s.codings) for s in source.selections) + len(source.codings)
    text: str | None = None
    from_word = False
    missing: Counter[str] = Counter()  # counted only if no text is found at all
    if content is not None:
        text = content.text or ""
    elif plain:
        text = _source_text(archive, plain, options, missing)
    if text is None and rich:
        # Positions refer to the plain text, which is missing: keep the Word text, not the codings.
        text = _source_text(archive, rich, options, Counter() if plain else missing)
        from_word = text is not None
    if text is None or not text.strip():
        report.skipped.update(missing)
        if not missing:
            report.skipped["text sources without any text"] += 1
        report.skipped["codings on sources whose text is missing"] += coded
        return None
    if from_word:
        report.skipped["codings on sources with only a Word text (positions need the plain text)"] += coded
    source_text = text.removeprefix("\ufeff")
    units = choose_units(model.origin, source_text, [(s.start, s.end) for s in source.selections])
    positions = PositionMap(source_text, units)
    parsed = ParsedTranscript(
        text=positions.text,
        paragraphs=split_paragraphs(positions.text),
        source_format="qdpx",
        encoding="utf-8",
    )
    from qualcode.text.language import detect_language  # loads word lists: only when needed

    guess = detect_language(parsed.text)
    document = PreparedDocument(
        guid=source.guid,
        name=_document_name(source, plain or rich or ""),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        parsed=parsed,
        units=build_units(parsed, pattern),
        language=options.language or guess.code,
        script=guess.script,
        mixed_script=guess.mixed_script,
        position_units=units,
    )
    if not from_word:
        _prepare_codings(source, model, positions, document, options, report)
    return document


def _prepare_codings(
    source: RefiSource,
    model: RefiProject,
    positions: PositionMap,
    document: PreparedDocument,
    options: ImportOptions,
    report: RefiImportReport,
) -> None:
    whole = (0, len(positions.text))
    spans = [(None, whole, source.codings, "")] + [
        (s, positions.span(s.start, s.end), s.codings, s.description) for s in source.selections
    ]
    for selection, span, codings, memo in spans:
        if selection is not None and not codings:
            report.skipped["selections without a code"] += 1
            continue
        if span is None:
            report.skipped["codings outside their source's text"] += len(codings)
            continue
        if span[0] >= span[1]:
            report.skipped["codings of selections that hold only white space"] += len(codings)
            continue
        for coding in codings:
            path = model.code_paths.get(coding.code)
            if path is None:
                report.skipped["codings of codes that are not in the codebook"] += 1
                continue
            user = coding.user or (selection.user if selection is not None else None)
            document.codings.append(
                PreparedCoding(
                    code=path,
                    coder=user_name(model, user, options.coder),
                    start=span[0],
                    end=span[1],
                    memo=memo,
                    created=coding.created,
                    guid=coding.guid,
                    selection=selection.guid if selection is not None else "",
                )
            )


def user_name(model: RefiProject, guid: str | None, fallback: str) -> str:
    """The coder name for a REFI user GUID (the importing coder when there is none)."""
    if not guid:
        return fallback
    return model.users.get(guid) or f"user {guid[:8]}"


def _document_name(source: RefiSource, path: str) -> str:
    name = source.name or path.rsplit("/", 1)[-1] or source.guid
    for suffix in _NAME_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)].strip()
    return name.strip() or source.guid


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    taken.add(candidate)
    return candidate
