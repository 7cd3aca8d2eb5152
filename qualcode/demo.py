"""Building a project from the sample study, for `qualcode demo` and `make demo`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from qualcode.agreement.audit import AgreementReport, agreement
from qualcode.cases import CaseImportReport, import_cases
from qualcode.codebook import LoadReport, load_codebook, set_meta
from qualcode.codebook_files import read_codebook_file
from qualcode.coding_sheet import import_coding_sheet
from qualcode.documents import DocumentSummary, list_documents
from qualcode.errors import Conflict, QualcodeError, WriteFailed
from qualcode.exports import export_codebook_file, export_codings
from qualcode.ingest.importer import ImportOptions, ImportResult, collect_paths, import_paths
from qualcode.report import ReportOptions, ReportSummary, write_report
from qualcode.store.changes import ChangeRecorder
from qualcode.store.project import Project, init_project
from qualcode.store.sqlite import APPLICATION_ID
from qualcode.suggest.workflow import SuggestReport, suggest_codes

PROJECT_NAME = "qualcode.db"
#: What the demo writes beside its project. With the project (and SQLite's -wal, -shm and -journal
#: files beside it) these are the only files it ever replaces, and only when it wrote them itself.
OUTPUT_NAMES = ("report.docx", "codebook.docx", "codings.xlsx")
#: The ``project_meta`` key that marks a project as the demo's own. Its value is JSON whose
#: ``outputs`` maps each output's file name to the SHA-256 of what the demo wrote, so a re-run can
#: tell its own earlier outputs from a user's files of the same name (or its own, edited since).
DEMO_META_KEY = "demo.outputs"
_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
#: The sample study's codebook: shipped with qualcode, or beside ``--sample DIR`` in ``DIR/../codebooks/``.
CODEBOOK_NAME = "forced_begging.yaml"
#: The two fictional researchers who code the sample study.
DEMO_CODERS = ("milica", "amra")
#: Each coder's work is a coding sheet, ``codings/<coder>.csv`` beside the transcripts: the two
#: coded the eight interviews independently, by reading them against the codebook (see
#: :mod:`qualcode.coding_sheet` for the columns).
CODINGS_FOLDER = "codings"
#: The interview the demo leaves uncoded, as if just transcribed: suggestions are made for it.
AWAITING_CODING = "sr04_pedagoskinja_subotica"
#: Deductive suggestions with one keyword (score 0.63) were right about a third of the time on
#: the sample study (`qualcode suggest evaluate`); the demo queues those with two or more.
DEMO_MIN_SCORE = 0.75
REPORT_TITLE = "Forced begging as human trafficking: what professionals see"


@dataclass
class DemoReport:
    """What the demo made."""

    project: Path
    imports: list[ImportResult]
    cases: CaseImportReport
    codebook: LoadReport
    codings: dict[str, int]
    documents: list[DocumentSummary]
    agreement: AgreementReport
    suggestions: SuggestReport
    report: ReportSummary
    #: The report, the Word codebook and the codings table, beside the project.
    files: list[Path]


def sample_study_dir() -> Path:
    """The sample study shipped with qualcode: the interviews, ``participants.csv`` and ``codings/``."""
    return _package_folder("qualcode._sample.transcripts", "participants.csv")


def sample_codebook() -> Path:
    """The sample study's codebook, shipped with qualcode."""
    return _package_folder("qualcode._sample.codebooks", CODEBOOK_NAME) / CODEBOOK_NAME


def _package_folder(package: str, member: str) -> Path:
    """The folder of the data package ``package`` (see :mod:`qualcode._sample`), found by a file in it."""
    from importlib import resources

    # Through a member file rather than files(package) itself: the sample folders have no __init__.py
    # (they are the study, not code), and Python 3.11 gives such a package as a MultiplexedPath, not a Path.
    try:
        member_path = resources.files(package).joinpath(member)
    except ModuleNotFoundError:
        member_path = None
    if not isinstance(member_path, Path) or not member_path.is_file():
        raise QualcodeError(
            f"the sample study is missing from this qualcode installation (no {member} in {package}); "
            "reinstall qualcode from its repository folder (pipx install --force .) or pass --sample DIR"
        )
    return member_path.parent


def build_demo(outdir: Path, sample: Path | None = None, coder: str = "demo") -> DemoReport:
    """Create ``outdir/qualcode.db`` afresh from the sample study.

    Transcripts, participants, the codebook, then the two coders' coding sheets (all but
    :data:`AWAITING_CODING`), the agreement between them, suggestions for what neither has
    coded, and the outputs: the Word report, the Word codebook and the codings table.

    A file already in ``outdir`` under one of those names is replaced only when an earlier run of
    the demo wrote it (see :data:`DEMO_META_KEY`); anything else, such as a real project that
    happens to be called ``qualcode.db``, makes it refuse with :class:`~qualcode.errors.Conflict`
    before anything is changed.
    """
    if sample is None:
        sample, codebook = sample_study_dir(), sample_codebook()
    else:
        codebook = sample.parent / "codebooks" / CODEBOOK_NAME
    participants = sample / "participants.csv"
    if not participants.is_file() or not codebook.is_file():
        raise QualcodeError(
            f"{sample} is not a sample study: it needs participants.csv and codings/ in it and "
            f"{CODEBOOK_NAME} in ../codebooks/ beside it; "
            "leave out --sample to use the one shipped with qualcode"
        )
    files = collect_paths([str(sample)])  # a bad --sample fails here, before the folder is touched
    target = outdir / PROJECT_NAME
    _clear_earlier_run(outdir)
    with init_project(target) as project:
        # Marked first, so that a run that fails half-way leaves a project the next run may replace.
        _mark_as_demo(project, coder, {})
        imports = import_paths(project, files, ImportOptions(coder=coder))
        failed = [r for r in imports if r.status == "failed"]
        if failed:
            raise QualcodeError(
                "the sample study did not import: " + "; ".join(f"{r.path}: {r.message}" for r in failed)
            )
        cases = import_cases(project, participants, coder)
        loaded = load_codebook(project, read_codebook_file(codebook), coder, source=codebook.name)
        documents = list_documents(project)
        codings = code_sample(project, sample / CODINGS_FOLDER)
        audit = agreement(project, coders=list(DEMO_CODERS), unit="units", unit_kind="turn")
        suggestions = suggest_codes(project, coder, method="all", min_score=DEMO_MIN_SCORE)
        report_path, codebook_path, codings_path = (outdir / name for name in OUTPUT_NAMES)
        report = write_report(project, report_path, ReportOptions(title=REPORT_TITLE))
        export_codebook_file(project, codebook_path)
        export_codings(project, codings_path)
        outputs = [report.path, codebook_path, codings_path]
        _mark_as_demo(project, coder, {path.name: _digest(path) for path in outputs})
    return DemoReport(
        project=target,
        imports=imports,
        cases=cases,
        codebook=loaded,
        codings=codings,
        documents=documents,
        agreement=audit,
        suggestions=suggestions,
        report=report,
        files=outputs,
    )


def _clear_earlier_run(outdir: Path) -> None:
    """Remove what an earlier run of the demo left in ``outdir``; refuse if anything there is not its own."""
    if outdir.exists() and not outdir.is_dir():
        raise Conflict(f"{outdir} is a file; give the demo a folder (qualcode demo FOLDER)")
    target = outdir / PROJECT_NAME
    made = demo_outputs(target)
    own: list[Path] = []
    foreign: list[Path] = []
    for name in OUTPUT_NAMES:
        path = outdir / name
        if _occupied(path):
            mine = made is not None and _plain_file(path) and made.get(name) == _digest(path)
            (own if mine else foreign).append(path)
    for path in [Path(f"{target}{suffix}") for suffix in _SQLITE_SIDE_FILES] + [target]:
        if _occupied(path):
            # SQLite's side files belong to the project file beside them.
            (own if made is not None and _plain_file(path) else foreign).append(path)
    if foreign:
        names = [path.name for path in sorted(foreign)]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        raise Conflict(
            f"{outdir} already holds {listed}, which `qualcode demo` did not write (or which changed since) "
            "and will not replace: run the demo into another folder (qualcode demo OTHER_FOLDER), "
            "or move or remove " + ("that file" if len(names) == 1 else "those files") + " yourself"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    # Outputs first and the project last: if a file is open elsewhere (Word on Windows locks it), the
    # demo stops with its project still marked, so the next run may replace what is left.
    for path in own:
        try:
            path.unlink()
        except OSError as exc:
            raise WriteFailed(
                f"cannot replace {path}: {exc.strerror}; close it in other programs (Word, Excel, "
                "qualcode tui) and run the demo again"
            ) from None


def demo_outputs(project_file: Path) -> dict[str, str] | None:
    """The outputs recorded in the demo's project at ``project_file``; None when it is not the demo's.

    The file is read through SQLite's ``immutable`` mode (no lock, no journal, no -wal or -shm
    file, no upgrade), so a project that is not the demo's stays byte for byte as it was. A
    project whose latest changes still sit in its -wal file reads as not the demo's: refusing is
    the safe side. (SQLite-only, like the file name itself: the demo's project is always a file.)
    """
    if not _plain_file(project_file):
        return None
    uri = f"{project_file.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            # Whatever the file holds, reading it runs nothing it defines.
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            row = conn.execute("SELECT value FROM project_meta WHERE key = ?", (DEMO_META_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # not a database, or not a qualcode project: not the demo's
        return None
    if app_id != APPLICATION_ID or row is None:
        return None
    try:
        outputs = json.loads(row[0])["outputs"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(outputs, dict):
        return None
    return {str(name): str(digest) for name, digest in outputs.items()}


def _mark_as_demo(project: Project, coder: str, outputs: dict[str, str]) -> None:
    """Record that the demo made this project, and the SHA-256 of each output it wrote."""
    value = {"made_by": "qualcode demo", "outputs": outputs}
    with project.write() as conn:
        rec = ChangeRecorder(conn)
        set_meta(rec, DEMO_META_KEY, json.dumps(value, sort_keys=True))
        rec.log(coder, "demo.mark", "project", {"outputs": len(outputs)})


def _occupied(path: Path) -> bool:
    # A dangling symlink does not "exist", but writing there would still follow it.
    return path.exists() or path.is_symlink()


def _plain_file(path: Path) -> bool:
    # Never a symlink: the demo makes none, and unlinking one could hide where the user's file went.
    return path.is_file() and not path.is_symlink()


def _digest(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def code_sample(project: Project, folder: Path) -> dict[str, int]:
    """Import each demo coder's coding sheet; returns the number of codings per coder."""
    made = {}
    for coder in DEMO_CODERS:
        sheet = folder / f"{coder}.csv"
        made[coder] = import_coding_sheet(
            project, sheet, coder, origin="demo", skip={AWAITING_CODING}
        ).created
    return made
