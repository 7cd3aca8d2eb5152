"""The formula guard (qualcode.formula_guard): the one rule for text cells of every CSV and XLSX we write."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.formula_guard import FORMULA_START, guard_formula, needs_formula_guard, unguard_formula


def test_the_characters_are_the_owasp_list() -> None:
    assert FORMULA_START == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+381 11 123", "'+381 11 123"),
        ("- Da, tako je.", "'- Da, tako je."),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("-3", "'-3"),  # text that looks like a number is still text
        # Already starting with ' and then a formula character: one more ', so reading back is exact.
        ("'=x", "''=x"),
        ("''-x", "'''-x"),
        # Everything else as it is.
        ("'quoted'", "'quoted'"),
        ("'5", "'5"),
        ("'", "'"),
        ("", ""),
        ("x = 1", "x = 1"),
        (" =1+2", " =1+2"),
        ("—dash", "—dash"),
    ],
)
def test_guard_and_unguard(text: str, written: str) -> None:
    assert guard_formula(text) == written
    assert needs_formula_guard(text) is (written != text)
    assert unguard_formula(written) == text


@pytest.mark.parametrize("cell", ["'quoted'", "'5", "'", "''", "'x=1", "plain", "=raw"])
def test_unguard_leaves_cells_that_were_not_guarded(cell: str) -> None:
    assert unguard_formula(cell) == cell


@given(st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "a", " ", "5"])))
def test_guard_is_exactly_reversible_and_never_starts_a_formula(text: str) -> None:
    guarded = guard_formula(text)
    assert unguard_formula(guarded) == text
    assert not guarded.startswith(FORMULA_START)
