"""REFI-QDA (QDA-XML 1.0) interoperability: import and export ``.qdpx``/``.qde`` projects.

See :mod:`qualcode.refi.positions` for how selection positions are read, and
:mod:`qualcode.refi.archive` / :mod:`qualcode.refi.qde` for how untrusted files are handled.
"""
