"""Building a project from the sample study, for `qualcode demo` and `make demo`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.cases import CaseImportReport, import_cases
from qualcode.documents import DocumentSummary, list_documents
from qualcode.errors import QualcodeError
from qualcode.ingest.importer import ImportOptions, ImportResult, collect_paths, import_paths
from qualcode.store.project import _remove_database_files, init_project

PROJECT_NAME = "qualcode.db"


@dataclass
class DemoReport:
    """What the demo made."""

    project: Path
    imports: list[ImportResult]
    cases: CaseImportReport
    documents: list[DocumentSummary]


def sample_study_dir() -> Path:
    """The repository's ``transcripts/`` folder (the sample study)."""
    return Path(__file__).resolve().parent.parent / "transcripts"


def build_demo(outdir: Path, sample: Path | None = None, coder: str = "demo") -> DemoReport:
    """Create ``outdir/qualcode.db`` afresh from the sample study: transcripts, then participants."""
    sample = sample or sample_study_dir()
    participants = sample / "participants.csv"
    if not participants.is_file():
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
        documents = list_documents(project)
    return DemoReport(project=target, imports=imports, cases=cases, documents=documents)
