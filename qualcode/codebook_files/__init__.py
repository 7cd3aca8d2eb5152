"""Codebook files as plain data: YAML (native), CSV, REFI-QDA ``.qdc`` and QualCoder plain text.

Nothing here touches a project; :mod:`qualcode.codebook` loads a :class:`CodebookSpec` into one
and exports it back. Every reader checks what it reads and raises :class:`CodebookFormatError`
naming the file, the line (and column, for CSV), the code and the field, and saying what to do.

Rules shared by all formats (checked on reading and again before writing, so that whatever is
written reads back):

- A code name is non-empty, on one line, without spaces at either end (readers strip them), and
  contains no ``" > "`` and does not end in ``" >"``: :data:`PATH_SEPARATOR` joins names into
  paths in CSV files and messages, and such names would make a path ambiguous. Sibling codes have
  different names.
- A colour is ``#rgb`` or ``#rrggbb``; it is kept as lower-case ``#rrggbb``.
- Keywords are grouped by language (``sr``, ``en``, ``sr-Latn``…); a keyword is non-empty, on one
  line, without ``;`` (the separator in CSV and ``.qdc``) and without spaces at either end.
- A GUID (from REFI-QDA files) has the REFI pattern and is unique in the codebook.
- Text fields (definition, inclusion, exclusion, example) are kept exactly as written.
- Codes nest at most :data:`MAX_CODE_DEPTH` levels (a top-level code is level 1).

What each format keeps:

- **YAML** keeps everything (``parse_yaml(to_yaml(cb)) == cb``).
- **CSV** has no title, version, description or GUIDs, and cannot tell an empty keyword list from
  a missing language.
- **.qdc** has no title, version or description (the REFI schema has no place for them), turns
  carriage returns into line feeds (XML does), cannot hold most other control characters (writing
  refuses them), and has a GUID for every code: the one read from a
  file, else :func:`code_guid` of the code's path, so that exporting again gives the same bytes.
  Inclusion, exclusion, example and keywords travel inside ``<Description>`` (see
  :func:`format_description`).
- **QualCoder text** (read only) has names, the hierarchy and one memo per code.

Layout of the package (everything public is imported from ``qualcode.codebook_files``):

- :mod:`~qualcode.codebook_files.model`: :class:`CodeSpec`, :class:`CodebookSpec`,
  :class:`CodebookFormatError`, :data:`PATH_SEPARATOR`, :func:`iter_codes`, :func:`code_guid` and
  the rules above.
- :mod:`~qualcode.codebook_files.yaml_format`, :mod:`~qualcode.codebook_files.csv_format`,
  :mod:`~qualcode.codebook_files.qdc` and :mod:`~qualcode.codebook_files.qualcoder`: one format each.
- :mod:`~qualcode.codebook_files.files`: :func:`read_codebook_file` and :func:`write_codebook_file`,
  which choose the format by extension.
"""

from __future__ import annotations

from qualcode.codebook_files.csv_format import parse_csv, to_csv
from qualcode.codebook_files.files import read_codebook_file, write_codebook_file
from qualcode.codebook_files.model import (
    MAX_CODE_DEPTH,
    PATH_SEPARATOR,
    CodebookFormatError,
    CodebookSpec,
    CodeSpec,
    code_guid,
    iter_codes,
)
from qualcode.codebook_files.qdc import format_description, parse_description, parse_qdc, to_qdc
from qualcode.codebook_files.qualcoder import parse_qualcoder_text
from qualcode.codebook_files.yaml_format import parse_yaml, to_yaml

__all__ = [
    "MAX_CODE_DEPTH",
    "PATH_SEPARATOR",
    "CodeSpec",
    "CodebookFormatError",
    "CodebookSpec",
    "code_guid",
    "format_description",
    "iter_codes",
    "parse_csv",
    "parse_description",
    "parse_qdc",
    "parse_qualcoder_text",
    "parse_yaml",
    "read_codebook_file",
    "to_csv",
    "to_qdc",
    "to_yaml",
    "write_codebook_file",
]
