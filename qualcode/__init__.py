"""qualcode: qualitative interview analysis, local and private.

The package is the public Python API. Names are re-exported lazily (PEP 562), so that
``import qualcode`` and ``qualcode --help`` do not load the ORM or the readers.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "QualcodeError": "qualcode.errors",
    "Project": "qualcode.store.project",
    "init_project": "qualcode.store.project",
    "open_project": "qualcode.store.project",
    "ImportOptions": "qualcode.ingest.importer",
    "ImportResult": "qualcode.ingest.importer",
    "collect_paths": "qualcode.ingest.importer",
    "import_paths": "qualcode.ingest.importer",
    "import_file": "qualcode.ingest.importer",
    "read_transcript": "qualcode.ingest.readers",
    "build_units": "qualcode.ingest.units",
    "import_cases": "qualcode.cases",
    "list_cases": "qualcode.cases",
    "list_documents": "qualcode.documents",
    "show_document": "qualcode.documents",
    "remove_document": "qualcode.documents",
    "build_demo": "qualcode.demo",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qualcode' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
