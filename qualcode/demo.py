"""Building a project from the sample study, for `qualcode demo` and `make demo`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.agreement.audit import AgreementReport, agreement
from qualcode.cases import CaseImportReport, import_cases
from qualcode.codebook import LoadReport, load_codebook
from qualcode.codebook_files import read_codebook_file
from qualcode.coding import Selector, apply_code
from qualcode.documents import DocumentSummary, list_documents
from qualcode.errors import QualcodeError
from qualcode.ingest.importer import ImportOptions, ImportResult, collect_paths, import_paths
from qualcode.store.project import Project, _remove_database_files, init_project
from qualcode.suggest.workflow import SuggestReport, suggest_codes

PROJECT_NAME = "qualcode.db"
#: The two fictional researchers who code the sample study.
DEMO_CODERS = ("milica", "amra")
#: How the demo codes the sample: code -> the folded patterns each coder looks for in speaker
#: turns (Latin patterns also find Cyrillic text). The second coder's rules differ a little, as
#: two people's reading does, so that the agreement audit has something to show.
DEMO_RULES: dict[str, tuple[str, str]] = {
    "Adults watching nearby": (
        r"odrasl\w* (ih )?(posmatr|prat|ceka)|adults? (were )?watch|posmatr",
        r"posmatr|nadgled|watching",
    ),
    "Daily quotas": (r"kvot|\bnorm[aeu]\b|quota|mora(ju)? da dones", r"kvot|quota|dnevni iznos"),
    "Handing over money": (
        r"preda(ju|je)? (novac|pare)|hand(s|ing|ed)? (it )?over|gives? (him )?the money",
        r"preda(ju|je)? novac|hand(s|ing|ed)? over",
    ),
    "Transport to locations": (r"kombi|dovoz|doveze|\bvan\b|minibus|dropped off", r"kombi|\bvan\b|dovoz"),
    "Children with infants": (r"\bbeb|odojc|infant|\bbab(y|ies)\b", r"\bbeb|\bbab(y|ies)\b"),
    "Seasonal patterns": (r"sezon|\blet[ao]\b|\bljet[ao]\b|touris|summer", r"sezon|touris"),
    "Begging as a misdemeanour": (
        r"prekrsaj|misdemeano|\bfine[ds]?\b|novcan\w* kazn",
        r"prekrsaj|misdemeano|\bfined\b",
    ),
    "Records and statistics": (r"statisti|evidencij|\brecords?\b", r"statisti|evidencij"),
    "Lack of training and knowledge": (r"\bobuk|edukacij|\btrain(ing|ed)\b", r"\bobuk|\btraining\b"),
    "Internal and cross-border trafficking": (
        r"granic|border",
        r"preko granic|cross-border|across the border",
    ),
}


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


def sample_study_dir() -> Path:
    """The repository's ``transcripts/`` folder (the sample study)."""
    return Path(__file__).resolve().parent.parent / "transcripts"


def build_demo(outdir: Path, sample: Path | None = None, coder: str = "demo") -> DemoReport:
    """Create ``outdir/qualcode.db`` afresh from the sample study.

    Transcripts, participants, the codebook, then two coders code the speaker turns by the
    rules of :data:`DEMO_RULES`.
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
        codings = code_sample(project, [d.name for d in documents])
        audit = agreement(project, coders=list(DEMO_CODERS), unit="units", unit_kind="turn")
        suggestions = suggest_codes(project, coder, method="all")
    return DemoReport(
        project=target,
        imports=imports,
        cases=cases,
        codebook=loaded,
        codings=codings,
        documents=documents,
        agreement=audit,
        suggestions=suggestions,
    )


def code_sample(project: Project, documents: list[str]) -> dict[str, int]:
    """Apply :data:`DEMO_RULES` as each demo coder; returns the number of codings per coder."""
    made = dict.fromkeys(DEMO_CODERS, 0)
    for document in documents:
        for code, patterns in DEMO_RULES.items():
            for coder, pattern in zip(DEMO_CODERS, patterns, strict=True):
                report = apply_code(project, code, document, Selector(match=pattern), coder, origin="demo")
                made[coder] += len(report.created)
    return made
