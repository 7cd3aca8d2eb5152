"""Reading and writing codebook files, the format chosen by the file's extension."""

from __future__ import annotations

from pathlib import Path

from qualcode.atomic import write_atomically
from qualcode.codebook_files.csv_format import parse_csv, to_csv
from qualcode.codebook_files.model import CodebookFormatError, CodebookSpec
from qualcode.codebook_files.qdc import parse_qdc, to_qdc
from qualcode.codebook_files.qualcoder import parse_qualcoder_text
from qualcode.codebook_files.yaml_format import parse_yaml, to_yaml
from qualcode.errors import QualcodeError

_READ_SUFFIXES = (".yaml", ".yml", ".csv", ".qdc", ".qde", ".qdpx", ".txt")
_WRITE_SUFFIXES = (".yaml", ".yml", ".csv", ".qdc")


def read_codebook_file(path: Path) -> CodebookSpec:
    """Read a codebook file, choosing the format by extension.

    ``.yaml``/``.yml`` (qualcode), ``.csv``, ``.qdc`` (REFI-QDA codebook), ``.qde``/``.qdpx``
    (the codebook of a REFI-QDA project) and ``.txt`` (QualCoder's code list). Text files may be
    UTF-8 (with or without byte-order mark) or a legacy Windows encoding, which Excel and
    QualCoder on Windows write.
    """
    # Imported here: nothing else in this module needs the ingest package.
    from qualcode.ingest.encoding import BinaryContent, decode_bytes

    suffix = path.suffix.lower()
    if suffix not in _READ_SUFFIXES:
        raise CodebookFormatError(
            path.name,
            f"qualcode reads codebooks from {', '.join(_READ_SUFFIXES)} files; save it as one of those",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodebookFormatError(
            path.name, f"the file cannot be read ({exc.strerror}); check the path"
        ) from None
    if suffix == ".qdpx":
        return parse_qdc(_project_xml(data, path), path.name)
    if suffix in (".qdc", ".qde"):
        return parse_qdc(data, path.name)
    try:
        text = decode_bytes(data).text
    except BinaryContent:
        # decode_bytes's own advice is about transcripts; a codebook needs different words.
        raise CodebookFormatError(
            path.name,
            "the file is not text (it looks binary: a spreadsheet or an archive renamed?); save the "
            "codebook as UTF-8 text (.yaml, .csv or QualCoder .txt) and read that",
        ) from None
    except QualcodeError:
        raise CodebookFormatError(
            path.name,
            "the file starts with a byte-order mark but is not valid text in that encoding; it may be "
            "damaged: save it again as UTF-8",
        ) from None
    if suffix == ".csv":
        return parse_csv(text, path.name)
    if suffix == ".txt":
        return parse_qualcoder_text(text, path.name)
    return parse_yaml(text, path.name)


def _project_xml(data: bytes, path: Path) -> bytes:
    """``project.qde`` of a ``.qdpx`` archive, opened with the REFI importer's safety checks."""
    from qualcode.errors import ImportFailed
    from qualcode.refi.archive import open_project_file  # the refi package imports the codebook: late

    try:
        return open_project_file(path, data).qde
    except ImportFailed as exc:
        raise CodebookFormatError(path.name, str(exc)) from None


def write_codebook_file(codebook: CodebookSpec, path: Path, *, formula_guard: bool = True) -> None:
    """Write a codebook as ``.yaml``/``.yml``, ``.csv`` or ``.qdc``, chosen by extension.

    ``formula_guard`` (``.csv`` only): text cells a spreadsheet would run as a formula get a ``'`` in
    front, which :func:`read_codebook_file` removes again (see :func:`~qualcode.codebook_files.to_csv`).

    The file appears complete or not at all: the content is written to a temporary file in the
    same folder and then moved over the target, so an error or a crash never leaves half a file.
    """
    suffix = path.suffix.lower()
    if suffix not in _WRITE_SUFFIXES:
        raise CodebookFormatError(
            path.name, f"qualcode writes codebooks as {', '.join(_WRITE_SUFFIXES)}; use one of those"
        )
    try:
        if suffix == ".csv":
            # The BOM tells Excel the file is UTF-8.
            data = to_csv(codebook, formula_guard=formula_guard).encode("utf-8-sig")
        elif suffix == ".qdc":
            data = to_qdc(codebook)
        else:
            data = to_yaml(codebook).encode("utf-8")
    except CodebookFormatError as exc:
        # Same problem, but name the file the user asked for.
        raise CodebookFormatError(
            path.name, exc.problem, line=exc.line, column=exc.column, code=exc.code, field=exc.field
        ) from None
    write_atomically(path, data)
