"""No input ends in a traceback or library noise: nesting limits, damaged files, user patterns.

Every refusal here is exit code 1 with exactly one ``Error: …`` line on stderr (which, for a
limit, names it), and the project is left as it was. Search-query nesting is pinned in
``tests/test_search.py``.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qualcode.cli import app
from qualcode.codebook_files import MAX_CODE_DEPTH, CodebookFormatError, CodebookSpec, CodeSpec, to_yaml
from qualcode.ingest.archive import MAX_XML_DEPTH
from qualcode.ingest.docx import read_docx
from qualcode.ingest.odt import read_odt
from tests.conftest import SAMPLE, project_snapshot

_LIMIT = f"qualcode allows at most {MAX_CODE_DEPTH}"


@pytest.fixture
def study(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "study.db"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    return path


@contextmanager
def _no_library_output(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail if a warning or a library log record escapes (pytest would hide both from stderr)."""
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if not r.name.startswith("qualcode")] == []


def _refused(result: Result, *needles: str) -> str:
    """The one stderr line of a command that failed cleanly (exit 1), checked for ``needles``."""
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.stderr
    return str(result.stderr)


# --- codebooks nested too deeply ------------------------------------------------------------


def _names(depth: int) -> list[str]:
    return [f"c{i}" for i in range(depth)]


def _yaml(depth: int) -> str:
    lines = ["codebook: Deep", "codes:"]
    for level, name in enumerate(_names(depth)):
        lines.append("    " * level + f"  - name: {name}")
        if level < depth - 1:
            lines.append("    " * level + "    children:")
    return "\n".join(lines) + "\n"


def _qdc_codes(depth: int) -> str:
    opening = "".join(
        f'<Code guid="{uuid.uuid5(uuid.NAMESPACE_URL, name)}" name="{name}" isCodable="true">'
        for name in _names(depth)
    )
    return f"<Codes>{opening}{'</Code>' * depth}</Codes>"


def _qde(depth: int) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="deep">'
        f"<CodeBook>{_qdc_codes(depth)}</CodeBook></Project>"
    )


def _qdpx(depth: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", _qde(depth))
    return buffer.getvalue()


_CODEBOOK_FILES: dict[str, Callable[[int], str | bytes]] = {
    "yaml": _yaml,
    "csv": lambda depth: "code\n" + " > ".join(_names(depth)) + "\n",
    "txt": lambda depth: ">>".join(_names(depth)) + "\tmemo\n",
    "qdc": lambda depth: (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">{_qdc_codes(depth)}</CodeBook>'
    ),
    "qde": _qde,
    "qdpx": _qdpx,
}


def _codebook_file(tmp_path: Path, suffix: str, depth: int) -> Path:
    path = tmp_path / f"deep{depth}.{suffix}"
    content = _CODEBOOK_FILES[suffix](depth)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("suffix", sorted(_CODEBOOK_FILES))
@pytest.mark.parametrize("depth", [1000, MAX_CODE_DEPTH + 1])
def test_too_deep_codebook_file_is_one_error_line(
    study: Path, runner: CliRunner, tmp_path: Path, suffix: str, depth: int
) -> None:
    path = _codebook_file(tmp_path, suffix, depth)
    before = project_snapshot(study)
    result = runner.invoke(app, ["codebook", "load", str(path), "-p", str(study)])
    line = _refused(result, f"the codebook nests {depth} levels deep; {_LIMIT}")
    assert line.startswith(f"Error: {path.name}")
    assert project_snapshot(study) == before


@pytest.mark.parametrize("suffix", sorted(_CODEBOOK_FILES))
def test_codebook_at_the_depth_limit_loads_and_exports(
    study: Path, runner: CliRunner, tmp_path: Path, suffix: str
) -> None:
    path = _codebook_file(tmp_path, suffix, MAX_CODE_DEPTH)
    result = runner.invoke(app, ["codebook", "load", str(path), "-p", str(study)])
    assert result.exit_code == 0, result.output
    assert f"{MAX_CODE_DEPTH} added" in result.stdout
    for command in (["codebook", "show"], ["codebook", "show", "--json"]):
        assert runner.invoke(app, [*command, "-p", str(study)]).exit_code == 0
    for out in ("back.yaml", "back.csv", "back.qdc"):
        exported = runner.invoke(app, ["codebook", "export", str(tmp_path / out), "-p", str(study)])
        assert exported.exit_code == 0, exported.output


def test_too_deep_refi_project_import_is_one_error_line(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    path = _codebook_file(tmp_path, "qdpx", 1000)
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(path), "-p", str(study)])
    _refused(result, f"Error: {path}: ", f"the codebook nests 1000 levels deep; {_LIMIT}")
    assert project_snapshot(study) == before


def test_too_deep_codebook_is_not_written() -> None:
    code = CodeSpec("c0")
    deepest = code
    for name in _names(MAX_CODE_DEPTH + 1)[1:]:
        deepest.children.append(CodeSpec(name))
        deepest = deepest.children[0]
    with pytest.raises(CodebookFormatError, match=f"nests {MAX_CODE_DEPTH + 1} levels deep; {_LIMIT}"):
        to_yaml(CodebookSpec(codes=[code]))


def test_codebook_edits_cannot_nest_deeper_than_the_limit(
    study: Path, runner: CliRunner, tmp_path: Path
) -> None:
    p = ["-p", str(study)]
    chain = _codebook_file(tmp_path, "csv", MAX_CODE_DEPTH)  # c0 > c1 > … > c49
    assert runner.invoke(app, ["codebook", "load", str(chain), *p]).exit_code == 0
    deepest, above = f"c{MAX_CODE_DEPTH - 1}", f"c{MAX_CODE_DEPTH - 2}"
    for args in (["top"], ["sub", "--parent", "top"], ["target", "--parent", above]):
        added = runner.invoke(app, ["codebook", "add", *args, *p])
        assert added.exit_code == 0, added.output
    before = project_snapshot(study)
    too_deep = f"levels deep; {_LIMIT}; choose a parent higher up"
    over = MAX_CODE_DEPTH + 1
    refusals = [
        (
            ["add", "x", "--parent", deepest],
            f"putting 'x' there would make the codebook nest {over} {too_deep}",
        ),
        # top has a sub-code, so under c48 (level 49) it would reach level 51.
        (
            ["move", "top", "--parent", above],
            f"putting 'top' there would make the codebook nest {over} {too_deep}",
        ),
        # Merging moves top's sub-code under the target (level 50).
        (["merge", "top", "target"], f"putting 'sub' there would make the codebook nest {over} {too_deep}"),
    ]
    for args, message in refusals:
        _refused(runner.invoke(app, ["codebook", *args, *p]), f"Error: {message}")
    assert project_snapshot(study) == before
    moved = runner.invoke(app, ["codebook", "move", "top", "--parent", f"c{MAX_CODE_DEPTH - 3}", *p])
    assert moved.exit_code == 0, moved.output


# --- damaged PDFs: pypdf's warnings become the one-line error or a note ----------------------


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content``, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_TEXT = b"BT /F1 12 Tf 72 720 Td (R: The police came in the morning.) Tj ET"


def _bad_startxref() -> bytes:
    data = _pdf(_TEXT)
    cut = data.rfind(b"startxref")
    return data[:cut] + b"startxref\n%d\n%%%%EOF\n" % (data.rfind(b"xref\n0 ") + 3)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_pdf(_TEXT)[:-40], "EOF marker not found; Stream has ended unexpectedly"),
        (_pdf(_TEXT + b" " + b"[" * 5000 + b"]" * 5000 + b" Tj"), "objects nested too deeply"),
    ],
    ids=["truncated", "deeply-nested"],
)
def test_damaged_pdf_is_one_error_line_without_library_noise(
    study: Path,
    runner: CliRunner,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
    problem: str,
) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    before = project_snapshot(study)
    with _no_library_output(caplog):
        result = runner.invoke(app, ["import", str(path), "-p", str(study)])
    _refused(result, f"Error: {path}: the PDF is damaged or incomplete ({problem}); export it again")
    assert project_snapshot(study) == before


def test_repaired_pdf_is_imported_with_a_note(
    study: Path, runner: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "repaired.pdf"
    path.write_bytes(_bad_startxref())
    with _no_library_output(caplog):
        result = runner.invoke(app, ["import", str(path), "-p", str(study)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        "Note: repaired: the PDF is damaged but could be read (2 problem(s), first: incorrect startxref "
        "pointer(1)); check the text against the original"
    ) in result.stdout


def test_damaged_pdf_prints_nothing_else_on_a_real_stderr(study: Path, tmp_path: Path) -> None:
    # Outside pytest, pypdf's log records would reach stderr through logging's last-resort handler.
    broken, repaired = tmp_path / "broken.pdf", tmp_path / "repaired.pdf"
    broken.write_bytes(_pdf(_TEXT)[:-40])
    repaired.write_bytes(_bad_startxref())
    command = ["import", str(broken), str(repaired), "-p", str(study)]
    result = subprocess.run(
        [sys.executable, "-c", "from qualcode.cli import main; main()", *command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: {broken}: the PDF is damaged or incomplete (EOF marker not found; Stream has ended "
        "unexpectedly); export it again from its source"
    ]


# --- Word and OpenDocument files -------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(body: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def _odt(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"<office:body><office:text>{text}</office:text></office:body></office:document-content>",
        )
    return buffer.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


@pytest.mark.parametrize(
    ("name", "data", "part"),
    [
        (
            "runs.docx",
            _docx("<w:p>" + "<w:r>" * 5000 + "<w:t>R: hi</w:t>" + "</w:r>" * 5000 + "</w:p>"),
            "word/document.xml",
        ),
        ("controls.docx", _docx("<w:sdt>" * 5000 + _p("R: hi") + "</w:sdt>" * 5000), "word/document.xml"),
        (
            "sections.odt",
            _odt("<text:section>" * 5000 + "<text:p>R: hi</text:p>" + "</text:section>" * 5000),
            "content.xml",
        ),
    ],
)
def test_deeply_nested_document_is_one_error_line(
    study: Path, runner: CliRunner, tmp_path: Path, name: str, data: bytes, part: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = project_snapshot(study)
    result = runner.invoke(app, ["import", str(path), "-p", str(study)])
    _refused(
        result, f"Error: {path}: the part {part} nests its XML", f"qualcode reads at most {MAX_XML_DEPTH}"
    )
    assert project_snapshot(study) == before


def test_corrupt_compressed_part_is_one_error_line(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    data = bytearray(_docx(_p("R: " + "words " * 200)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    assert info.compress_type == zipfile.ZIP_STORED  # rebuild it deflated, then damage the stream
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", zipfile.ZipFile(io.BytesIO(bytes(data))).read(info))
    damaged = bytearray(buffer.getvalue())
    damaged[30 + len("word/document.xml") + 5] ^= 0xFF
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(damaged))
    _refused(runner.invoke(app, ["import", str(path), "-p", str(study)]), "the file is damaged")


def test_nested_table_is_read_once_and_quickly() -> None:
    inner = f"<w:tbl><w:tr><w:tc>{_p('in1')}</w:tc><w:tc>{_p('in2')}</w:tc></w:tr></w:tbl>"
    wrapped_row = f"<w:sdt><w:sdtContent><w:tr><w:tc>{_p('C')}</w:tc></w:tr></w:sdtContent></w:sdt>"
    outer = f"<w:tbl><w:tr><w:tc>{_p('A')}{inner}</w:tc><w:tc>{_p('B')}</w:tc></w:tr>{wrapped_row}</w:tbl>"
    assert read_docx(_docx(outer)).text == "A in1 | in2 | B\n\nC"
    # Tables in tables 60 deep: every row used to be read once per enclosing table (2^60 times).
    deep = "<w:tbl><w:tr><w:tc>" * 60 + _p("R: cell") + "</w:tc></w:tr></w:tbl>" * 60
    assert read_docx(_docx(deep)).text == "R: cell"


@pytest.mark.parametrize(("count", "spaces"), [("abc", 1), ("3", 3), ("99999999999", 1000), ("-4", 1)])
def test_odt_space_count_is_read_leniently(count: str, spaces: int) -> None:
    parsed = read_odt(_odt(f'<text:p>R: a<text:s text:c="{count}"/>b</text:p>'))
    assert parsed.text == "R: a" + " " * spaces + "b"


# --- participant sheets --------------------------------------------------------------------


def _xlsx(change: Callable[[str, bytes], bytes | None]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["participant", "role"])
    sheet.append(["P1", "social worker"])
    original = io.BytesIO()
    book.save(original)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.getvalue())) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = change(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
    return buffer.getvalue()


_SHEET = "xl/worksheets/sheet1.xml"
_EXTENSION = (
    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'
)


def test_xlsx_warnings_stay_off_stderr(
    study: Path, runner: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "people.xlsx"  # openpyxl warns "Data Validation extension is not supported"
    path.write_bytes(_xlsx(lambda n, c: c.replace(b"</worksheet>", _EXTENSION) if n == _SHEET else c))
    with _no_library_output(caplog):
        result = runner.invoke(app, ["cases", "import", str(path), "-p", str(study)])
    assert (result.exit_code, result.stderr) == (0, ""), result.output


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda n, c: c[: len(c) // 2] if n == _SHEET else c, "(unclosed token: line 1, column"),
        (lambda n, c: None if n == "xl/workbook.xml" else c, "xl/workbook.xml"),
    ],
    ids=["damaged-sheet", "no-workbook"],
)
def test_damaged_xlsx_is_one_error_line(
    study: Path,
    runner: CliRunner,
    tmp_path: Path,
    change: Callable[[str, bytes], bytes | None],
    problem: str,
) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(_xlsx(change))
    before = project_snapshot(study)
    result = runner.invoke(app, ["cases", "import", str(path), "-p", str(study)])
    _refused(result, "Error: people.xlsx is not a readable .xlsx workbook", problem, "save it again")
    assert project_snapshot(study) == before


def test_long_digit_strings_are_text_not_an_overflow(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        f"participant,years,score,phone\nP1,{'1' * 400},1{'0' * 400}.5,{'2' * 19}\nP2,3,2.5,{'3' * 18}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["cases", "import", str(path), "-p", str(study), "--json"])
    assert result.exit_code == 0, result.output
    assert '"years": "text"' in result.stdout and '"score": "text"' in result.stdout
    assert '"phone": "text"' in result.stdout


# --- patterns and conditions typed by users ----------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(" * 1000 + "x" + ")" * 1000, "its groups are nested too deeply for Python to compile"),
        ("^(a{99999999999})", "a repeat count such as {n} is larger than Python allows"),
        ("^([a-z]+", "missing ), unterminated subpattern at position 1"),
    ],
    ids=["deep-groups", "huge-repeat", "unbalanced"],
)
def test_bad_speaker_pattern_is_one_error_line(
    study: Path, runner: CliRunner, pattern: str, problem: str
) -> None:
    before = project_snapshot(study)
    source = SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"
    result = runner.invoke(app, ["import", str(source), "--speaker-pattern", pattern, "-p", str(study)])
    _refused(result, f"Error: --speaker-pattern is not a valid regular expression: {problem}")
    assert project_snapshot(study) == before


def test_speaker_pattern_warning_is_not_printed(
    study: Path, runner: CliRunner, caplog: pytest.LogCaptureFixture
) -> None:
    source = SAMPLE / "en03_misdemeanour_judge_banja_luka.txt"
    with _no_library_output(caplog):  # re warns "Possible nested set" for [[
        result = runner.invoke(
            app, ["import", str(source), "--speaker-pattern", "^([[A-Z]+):", "-p", str(study)]
        )
    assert result.exit_code == 0 and result.stderr == "", result.output


@pytest.mark.parametrize(
    "where", [" " * 20000, "a " * 20000, "x" * 100000 + "!"], ids=["spaces", "words", "long"]
)
def test_giant_where_is_refused_at_once(study: Path, runner: CliRunner, where: str) -> None:
    # The old pattern backtracked cubically on spaces: 20,000 of them never returned.
    result = runner.invoke(app, ["retrieve", "anything", "--where", where, "-p", str(study)])
    line = _refused(result, "is not ATTRIBUTE=VALUE (also != >= <= > <), e.g. country=Serbia")
    assert len(line) < 200


def test_non_text_codec_is_one_error_line(study: Path, runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "int01.txt"
    path.write_text("I: Hello: there.\n\nR: Yes: sure.\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path), "--encoding", "punycode", "-p", str(study)])
    _refused(result, "cannot be decoded as punycode, which is not a text file encoding")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (["--match", "(" * 700 + "a" + ")" * 700], "nested too deeply"),
        (["--match", "a{99999999999}"], "larger than Python allows"),
        (["--units", "9" * 5000], "is not a number or a range"),
        (["--span", "1:" + "9" * 5000], "is not START:END"),
    ],
)
def test_code_apply_with_a_monstrous_selector_is_one_error_line(
    tmp_path: Path, runner: CliRunner, selector: list[str], message: str
) -> None:
    path = tmp_path / "p.db"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    text = tmp_path / "int.txt"
    text.write_text("I: Pitanje?\n\nR: Odgovor.\n", encoding="utf-8")
    assert runner.invoke(app, ["import", str(text), "-p", str(path)]).exit_code == 0
    assert runner.invoke(app, ["codebook", "add", "Kod", "-p", str(path)]).exit_code == 0
    result = runner.invoke(app, ["code", "apply", "Kod", "--doc", "int", *selector, "-p", str(path), "--yes"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error:")
    assert message in result.stderr
