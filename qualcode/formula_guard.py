"""The formula guard: the one rule that keeps the text of our CSV and XLSX cells from running as a formula.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some versions, a tab or a carriage return) as a formula. A codebook received from a partner or a
transcript line could then run a command on the computer of whoever opens the export ("CSV
injection", OWASP), and an ordinary line such as ``- Da, tako je.`` shows as ``#NAME?``. So every
text cell we write to a spreadsheet file is *guarded* by default:

- **CSV**: a ``'`` is written before the text (the OWASP rule); the spreadsheet shows text.
- **XLSX**: the cell is stored as text with Excel's own quote prefix (what Excel keeps when one types
  ``'=x``): the value stays exactly as written, R and pandas read it unchanged, and Excel shows it
  as text and keeps it text when the cell is edited.

Numbers, dates and booleans that we write as such are not text and never guarded: ``-3`` stays a
number.

**Reversible.** Text that already starts with ``'`` followed (after any further ``'``) by one of
those characters is guarded too, so the guard can always be undone exactly: remove one ``'`` from a
cell that starts with ``'`` and whose rest would be guarded (:func:`unguard_formula`). ``'=x`` reads
back as ``=x`` and ``''=x`` as ``'=x``; ``'quoted'`` or ``'5`` is left alone. A file written without
the guard (``--no-formula-guard``) has no such marker: a text there that starts with ``'=`` reads back
without its ``'``.
"""

from __future__ import annotations

#: Leading characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def needs_formula_guard(text: str) -> bool:
    """Whether ``text`` is guarded: it starts with :data:`FORMULA_START`, after any leading ``'``."""
    # The leading ``'`` count too, so that the guard stays reversible (see the module notes).
    return text.lstrip("'").startswith(FORMULA_START)


def guard_formula(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: with a ``'`` in front where it needs one."""
    return "'" + text if needs_formula_guard(text) else text


def unguard_formula(text: str) -> str:
    """Undo :func:`guard_formula`: ``'=x`` → ``=x``, ``''=x`` → ``'=x``; any other text as it is."""
    return text[1:] if text.startswith("'") and needs_formula_guard(text[1:]) else text
