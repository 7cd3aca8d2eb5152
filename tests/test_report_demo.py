"""The report of the sample study, as a new user gets it: structure, exact quotes, LibreOffice.

Counts are not pinned here (the demo's codings will change); the exact figures are pinned on a
small project in test_report.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from qualcode.codebook import read_codebook
from qualcode.coding import list_codings
from qualcode.demo import build_demo
from qualcode.report import ReportOptions, write_report
from qualcode.store.project import open_project

W_DRAWING = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}drawing"
ATTRIBUTION = re.compile(r"^— .+ \(interview \S+, turn \d+(, \d\d:\d\d:\d\d)?\)$")


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str], list[str]]:
    folder = tmp_path_factory.mktemp("demo")
    demo = build_demo(folder)
    out = folder / "report.docx"
    with open_project(demo.project) as project:
        write_report(project, out, ReportOptions(title="Forced begging"))
        coded = {c.text for c in list_codings(project)}
        with project.read() as conn:
            themes = [r.name for r in read_codebook(conn).children(None)]
    return out, coded, themes


def test_demo_report_structure(demo_report: tuple[Path, set[str], list[str]]) -> None:
    out, coded, themes = demo_report
    doc = Document(str(out))
    paragraphs = doc.paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == ("Title", "Forced begging")
    h1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert h1 == [
        "Methods",
        *themes,
        "Appendix A. Codebook",
        "Appendix B. Agreement per code",
        "Appendix C. Codes by participant group",
    ]
    # Every theme whose chapter reports passages has at least one chart.
    chapter, pictures, with_data = None, dict.fromkeys(themes, 0), set()
    for p in paragraphs:
        if p.style.name == "Heading 1":
            chapter = p.text
        elif chapter in pictures:
            pictures[chapter] += len(p._p.findall(f".//{W_DRAWING}"))
            if p.text.startswith("Prevalence."):
                with_data.add(chapter)
    assert with_data and all(pictures[t] >= 1 for t in with_data)
    assert all(pictures[t] == 0 for t in set(themes) - with_data)
    quotes = [(p.text, paragraphs[i + 1].text) for i, p in enumerate(paragraphs) if p.style.name == "Quote"]
    assert quotes
    assert all(text in coded for text, _ in quotes)
    assert all(ATTRIBUTION.match(attribution) for _, attribution in quotes), quotes[0][1]
    assert len(doc.tables) >= 3 + len(with_data)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_demo_report_opens_in_libreoffice(
    demo_report: tuple[Path, set[str], list[str]], tmp_path: Path
) -> None:
    out, _, _ = demo_report
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
