"""Sparse TF-IDF arithmetic shared by the suggestion features: counts, idf, sublinear weighting.

Written for large studies: everything works on scipy's CSR/CSC arrays in place and in runs of
about a million entries, so 50,000 units never need whole-matrix temporaries.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
#: scipy.sparse matrices are untyped.
Sparse = Any


def sparse() -> Any:
    """``scipy.sparse``, imported on first use (scipy comes with scikit-learn; it is untyped)."""
    import scipy.sparse  # type: ignore[import-untyped]

    return scipy.sparse


def counts_matrix(rows: IntArray, columns: IntArray, units: int, size: int) -> Sparse:
    """CSR count matrix: how often each (row, column) pair occurs."""
    sp = sparse()

    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, columns)), shape=(units, size))  # duplicates are summed


def empty_matrix(units: int, size: int) -> Sparse:
    """An all-zero CSR matrix."""
    return counts_matrix(np.empty(0, np.int64), np.empty(0, np.int64), units, size)


def document_frequency(counts: Sparse) -> IntArray:
    """In how many rows each column of a count matrix (no duplicate entries) occurs."""
    df = np.zeros(counts.shape[1], dtype=np.int64)
    # In slices: bincount converts its input to int64, and one 300 MB temporary array costs
    # more in page faults than the counting itself.
    step = 1 << 20
    for start in range(0, len(counts.indices), step):
        df += np.bincount(counts.indices[start : start + step], minlength=counts.shape[1])
    return df


def smoothed_idf(df: IntArray, units: int) -> FloatArray:
    """Smoothed idf, as scikit-learn's: ``ln((1 + n) / (1 + df)) + 1``."""
    idf: FloatArray = np.log((1.0 + units) / (1.0 + df)) + 1.0
    return idf


def _spans(indptr: IntArray) -> list[tuple[int, int]]:
    """Runs of consecutive rows (CSR) or columns (CSC) holding about 4 million entries each.

    Weighing works run by run: whole-matrix temporaries would be 150–300 MB each for 50,000
    units, and their page faults cost more than the arithmetic.
    """
    step = 1 << 20
    cuts = np.searchsorted(indptr, np.arange(step, int(indptr[-1]), step))
    bounds = np.unique(np.concatenate([[0], cuts, [len(indptr) - 1]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _scale(squares: FloatArray) -> NDArray[np.float32]:
    """1 / L2 norm of each unit (0 for a unit without features)."""
    scale = np.zeros(len(squares), dtype=np.float32)
    filled = squares > 0
    scale[filled] = 1.0 / np.sqrt(squares[filled])
    return scale


def weigh(counts: Sparse, idf: NDArray[np.float32]) -> Sparse:
    """Sublinear tf × idf, rows L2-normalised, in place on ``counts`` (CSR, float32, no duplicates)."""
    data, indices, indptr = counts.data, counts.indices, counts.indptr
    np.log(data, out=data)
    data += 1.0
    for first, last in _spans(indptr):
        start, end = int(indptr[first]), int(indptr[last])
        run = data[start:end]
        run *= idf[indices[start:end]]
        lengths = np.diff(indptr[first : last + 1])
        filled = lengths > 0
        squares = np.zeros(last - first)
        # Each unit is summed on its own (in float64), so its features never depend on the
        # other units of the batch.
        squares[filled] = np.add.reduceat(
            np.square(run, dtype=np.float64), indptr[first:last][filled] - start
        )
        run *= np.repeat(_scale(squares), lengths)
    return counts


def weigh_columns(counts: Sparse, idf: NDArray[np.float32]) -> Sparse:
    """:func:`weigh` for a CSC matrix: the same values, computed column run by column run."""
    data, rows, indptr = counts.data, counts.indices, counts.indptr
    np.log(data, out=data)
    data += 1.0
    spans = _spans(indptr)
    squares = np.zeros(counts.shape[0])
    for first, last in spans:
        start, end = int(indptr[first]), int(indptr[last])
        run = data[start:end]
        run *= np.repeat(idf[first:last], np.diff(indptr[first : last + 1]))
        squares += np.bincount(
            rows[start:end], weights=np.square(run, dtype=np.float64), minlength=len(squares)
        )
    scale = _scale(squares)
    for first, last in spans:
        start, end = int(indptr[first]), int(indptr[last])
        data[start:end] *= scale[rows[start:end]]
    return counts
