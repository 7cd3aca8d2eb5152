"""Importing transcript files into a project, one file after another.

A file is read and analysed completely before the project's write lock is taken: decoding,
normalisation, speakers and units, sentences, language, the folded index rows and the lemmas
of new words. Then :mod:`qualcode.ingest.writer` inserts the document, its units and index
rows and the event — in short transactions that no reader sees half-done where the project
allows it, in one transaction otherwise — so that another coder's write never waits long. A
file that fails at any point leaves the project exactly as it was.
"""

from __future__ import annotations

import glob
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import ImportFailed, QualcodeError
from qualcode.ingest.model import ParsedTranscript, UnitSpan
from qualcode.ingest.normalize import count_words
from qualcode.ingest.readers import CONVERTIBLE_SUFFIXES, SUPPORTED_SUFFIXES, read_transcript
from qualcode.ingest.speakers import compile_speaker_pattern
from qualcode.ingest.unfinished import discard_unfinished_imports, find_present
from qualcode.ingest.units import build_units
from qualcode.ingest.writer import PreparedDocument, insert_units, write_document
from qualcode.search_index import index_bodies, lemma_pairs, new_tokens, vocabulary_words
from qualcode.store.project import Project
from qualcode.text.fold import fold

__all__ = [
    "DEFAULT_MAX_MB",
    "FOLDER_SKIPS",
    "ImportOptions",
    "ImportResult",
    "collect_paths",
    "import_file",
    "import_paths",
    "insert_units",
]

#: Files larger than this are refused before they are read (see ``--max-size``).
DEFAULT_MAX_MB = 64
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?$")


@dataclass
class ImportOptions:
    """How to import: overrides for what is otherwise detected, and what to do on conflicts."""

    encoding: str | None = None
    language: str | None = None
    speaker_pattern: str | None = None
    case: str | None = None
    replace: bool = False
    max_mb: float = DEFAULT_MAX_MB
    coder: str = "unknown"


@dataclass
class ImportResult:
    """What happened to one file."""

    path: str
    status: str  # imported | replaced | present | failed
    document: str | None = None
    message: str = ""
    source_format: str | None = None
    encoding: str | None = None
    language: str | None = None
    script: str | None = None
    mixed_script: bool = False
    words: int = 0
    units: dict[str, int] = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)
    case: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def collect_paths(inputs: Sequence[str]) -> list[Path]:
    """Files named by ``inputs`` (files, folders searched recursively, glob patterns), in order.

    A folder gives its transcripts and the documents qualcode cannot read but should not pass
    over in silence (a legacy ``.doc``: its import fails with the advice on converting it); it
    passes over hidden files, Office lock files and read-me, licence and changelog files.
    Raises a :class:`QualcodeError` for a missing path, a pattern that matches nothing or a
    folder without transcripts, before anything is imported.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(_folder_files(path))
        elif path.exists():
            found.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not matches:
                raise QualcodeError(f"no files match {item}")
            found.extend(matches)
        else:
            raise QualcodeError(f"no such file or folder: {item}")
    return list(dict.fromkeys(p.resolve() for p in found))


def _folder_files(folder: Path) -> list[Path]:
    wanted = SUPPORTED_SUFFIXES | CONVERTIBLE_SUFFIXES
    files = []
    passed_over = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.suffix.lower() not in wanted:
            continue
        if not _hidden(p, folder):
            files.append(p)
        elif _notes_file(p):
            passed_over.append(p.name)
    if not files:
        names = ", ".join(passed_over[:5]) + (" …" if len(passed_over) > 5 else "")
        skipped = f"; passed over: {names}" if passed_over else ""
        raise QualcodeError(
            f"no transcripts in the folder {folder} "
            f"(looked for {', '.join(sorted(SUPPORTED_SUFFIXES))}{skipped}); "
            "name a file to import it anyway"
        )
    return files


#: Files a folder import passes over (name them explicitly to import them anyway).
FOLDER_SKIPS = frozenset({"readme", "license", "licence", "changelog"})
#: A file name that starts by saying "read me" ("Readme - Interviews", "Readme_intervjui",
#: "PROČITAJ", "procitaj me", "Прочитајте"), matched on the folded name (Latin, lower case,
#: without diacritics): notes about a study, not an interview.
_READ_ME = re.compile(r"^(?:read[\W_]*me|(?:pro)?citaj(?:te)?(?:[\W_]*me)?)(?![^\W\d_])")


def _notes_file(path: Path) -> bool:
    """A read-me, licence or changelog by its name."""
    return path.stem.lower() in FOLDER_SKIPS or _READ_ME.match(fold(path.stem)) is not None


def _hidden(path: Path, root: Path) -> bool:
    """Hidden files and folders, Office lock files (``~$…``) and a folder's read-me/licence files."""
    if _notes_file(path):
        return True
    return any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


def import_paths(
    project: Project,
    paths: Sequence[Path],
    options: ImportOptions,
    on_result: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import each file on its own (all of it or nothing); failures are reported, not raised.

    First removes what imports killed half-way left behind (documents nobody ever saw).
    """
    pattern = compile_speaker_pattern(options.speaker_pattern) if options.speaker_pattern else None
    if options.language and not _LANGUAGE_TAG.match(options.language):
        raise QualcodeError(
            f"--language {options.language!r} is not a language tag such as sr-Latn, sr-Cyrl, bs, hr, en"
        )
    discard_unfinished_imports(project)
    results = []
    for path in paths:
        try:
            result = import_file(project, path, options, pattern)
        except QualcodeError as exc:
            result = ImportResult(path=str(path), status="failed", message=str(exc))
        except Exception as exc:  # a reader bug on one odd file must not stop the batch
            result = ImportResult(
                path=str(path),
                status="failed",
                message=f"unexpected error ({type(exc).__name__}: {exc}); "
                "please report it with the file's format",
            )
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def import_file(
    project: Project, path: Path, options: ImportOptions, pattern: re.Pattern[str] | None = None
) -> ImportResult:
    """Import one file; on failure raise a :class:`QualcodeError` and write nothing.

    All the work is done before the project's write lock is taken; the writing itself is only
    inserts (see :mod:`qualcode.ingest.writer`), for a large file in short transactions where
    the project allows.
    """
    if path.suffix.lower() in (".qdpx", ".qde"):
        from qualcode.refi.importer import import_refi_file  # a whole project, one transaction

        return import_refi_file(project, path, options)
    data = _read_bytes(path, options.max_mb)
    digest = hashlib.sha256(data).hexdigest()
    with project.read() as conn:
        present = find_present(conn, digest)
    if present is not None:
        return _present(path, present)
    parsed = read_transcript(path, data, options.encoding)
    if not parsed.text.strip():
        raise ImportFailed("no text found in the file")
    units = build_units(parsed, pattern)
    result = _describe(path, path.stem, parsed, units, options)
    doc = _prepare(project, digest, parsed, units, result, options)
    stored = write_document(project, doc, options.coder, replace=options.replace)
    if stored.status == "present":  # the same bytes arrived meanwhile, from another import
        return _present(path, stored.document)
    result.status = stored.status
    result.case = stored.case
    return result


def _present(path: Path, name: str) -> ImportResult:
    return ImportResult(
        path=str(path), status="present", document=name, message=f"already in the project as {name}"
    )


def _prepare(
    project: Project,
    digest: str,
    parsed: ParsedTranscript,
    units: list[UnitSpan],
    result: ImportResult,
    options: ImportOptions,
) -> PreparedDocument:
    """Everything the writer inserts, computed now: index rows, lemmas, the event."""
    paragraphs = sorted((u for u in units if u.kind == "paragraph"), key=lambda u: u.ordinal)
    texts = [parsed.text[u.start : u.end] for u in paragraphs]
    language = result.language or ""
    words = vocabulary_words(language, texts)
    pairs: list[tuple[str, str]] = []
    if words is not None:
        with project.read() as conn:  # which words the vocabulary lacks: a read, no lock
            new = new_tokens(conn, words)
        pairs = lemma_pairs(words, new)
    name = result.document or ""
    return PreparedDocument(
        row={
            "name": name,
            "sha256": digest,
            "text": parsed.text,
            "language": language,
            "script": result.script or "",
            "mixed_script": result.mixed_script,
            "source_format": parsed.source_format,
            "source_name": Path(result.path).name,
            "encoding": parsed.encoding,
            "word_count": result.words,
        },
        case=options.case or name,
        create_case=options.case is not None,
        units=units,
        bodies=index_bodies(texts),
        vocabulary_language=words.language if words is not None else None,
        vocabulary=pairs,
        event={
            "name": name,
            "sha256": digest,
            "source": result.path,
            "format": parsed.source_format,
            "encoding": parsed.encoding,
            "units": result.units,
            "language": result.language,
        },
    )


def _read_bytes(path: Path, max_mb: float) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_mb * 1024 * 1024:
            raise ImportFailed(
                f"the file is {size / 1024 / 1024:.0f} MB, more than the import limit of {max_mb:g} MB; "
                "if it really is one transcript, raise the limit with --max-size MB "
                "(importing needs about ten times the file size in memory)"
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise ImportFailed("this is a folder, not a file") from None
    except OSError as exc:
        raise ImportFailed(f"cannot read the file: {exc.strerror}") from None
    if not data.strip():
        raise ImportFailed("the file is empty")
    return data


def _describe(
    path: Path, name: str, parsed: ParsedTranscript, units: list[UnitSpan], options: ImportOptions
) -> ImportResult:
    from qualcode.text.language import detect_language

    guess = detect_language(parsed.text)
    speakers = list(dict.fromkeys(u.speaker for u in units if u.kind == "turn" and u.speaker))
    return ImportResult(
        path=str(path),
        status="pending",
        document=name,
        source_format=parsed.source_format,
        encoding=parsed.encoding,
        language=options.language or guess.code,
        script=guess.script,
        mixed_script=guess.mixed_script,
        words=count_words(parsed.text),
        units=dict(Counter(u.kind for u in units)),
        speakers=speakers,
        case=options.case,
        notes=list(parsed.notes),
    )
