"""Building a project from the sample study, for `qualcode demo` and `make demo`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.agreement.audit import AgreementReport, agreement
from qualcode.cases import CaseImportReport, import_cases
from qualcode.codebook import LoadReport, load_codebook
from qualcode.codebook_files import read_codebook_file
from qualcode.coding_sheet import import_coding_sheet
from qualcode.documents import DocumentSummary, list_documents
from qualcode.errors import QualcodeError
from qualcode.exports import export_codebook_file, export_codings
from qualcode.ingest.importer import ImportOptions, ImportResult, collect_paths, import_paths
from qualcode.report import ReportOptions, ReportSummary, write_report
from qualcode.store.project import Project, _remove_database_files, init_project
from qualcode.suggest.workflow import SuggestReport, suggest_codes

PROJECT_NAME = "qualcode.db"
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
    """The repository's ``transcripts/`` folder (the sample study)."""
    return Path(__file__).resolve().parent.parent / "transcripts"


def build_demo(outdir: Path, sample: Path | None = None, coder: str = "demo") -> DemoReport:
    """Create ``outdir/qualcode.db`` afresh from the sample study.

    Transcripts, participants, the codebook, then the two coders' coding sheets (all but
    :data:`AWAITING_CODING`), the agreement between them, suggestions for what neither has
    coded, and the outputs: the Word report, the Word codebook and the codings table.
    """
    sample = sample or sample_study_dir()
    participants = sample / "participants.csv"
    codebook = sample.parent / "codebooks" / "forced_begging.yaml"
    if not participants.is_file() or not codebook.is_file():
        raise QualcodeError(
            f"the sample study is not at {sample}; run the demo from a clone of the qualcode repository "
            "or pass --sample DIR"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    target = outdir / PROJECT_NAME
    _remove_database_files(target)  # the demo always starts from scratch
    files = collect_paths([str(sample)])
    with init_project(target) as project:
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
        report = write_report(project, outdir / "report.docx", ReportOptions(title=REPORT_TITLE))
        export_codebook_file(project, outdir / "codebook.docx")
        export_codings(project, outdir / "codings.xlsx")
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
        files=[report.path, outdir / "codebook.docx", outdir / "codings.xlsx"],
    )


def code_sample(project: Project, folder: Path) -> dict[str, int]:
    """Import each demo coder's coding sheet; returns the number of codings per coder."""
    made = {}
    for coder in DEMO_CODERS:
        sheet = folder / f"{coder}.csv"
        made[coder] = import_coding_sheet(
            project, sheet, coder, origin="demo", skip={AWAITING_CODING}
        ).created
    return made
