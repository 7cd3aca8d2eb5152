"""The sample study that `qualcode demo` builds, as package data (found with :mod:`importlib.resources`).

``qualcode._sample.transcripts`` (the interviews, ``participants.csv``, ``codings/``) and
``qualcode._sample.codebooks`` are data-only packages. In git and in a source checkout they are the
repository's top-level ``transcripts/`` and ``codebooks/`` folders, the one copy of the files;
pyproject.toml maps them into this package when a wheel is built, so an installed qualcode has them here.

An editable install (``pip install -e .``, what ``make`` does) and a plain checkout on ``sys.path`` leave
them at the repository root, and setuptools' editable finder cannot resolve a mapped folder that has no
``__init__.py``. So when the data is not beside this file, the repository root joins this package's
search path and the same import names resolve there.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_REPOSITORY = _HERE.parent.parent

# Only a checkout qualifies (its pyproject.toml and transcripts/ beside the package), never an install
# whose site-packages happens to hold some other `transcripts` folder.
if not (_HERE / "transcripts").is_dir() and (_REPOSITORY / "pyproject.toml").is_file():
    __path__.append(str(_REPOSITORY))
