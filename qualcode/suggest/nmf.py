"""The NMF topic model behind inductive themes, and how ``k="auto"`` chooses the number of themes.

See :mod:`qualcode.suggest.themes` for the criterion in words; the constants here are its knobs.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]

#: The smallest k that ``k="auto"`` tries: two themes are rarely a useful split of interviews.
MIN_AUTO_K = 3
#: ``k="auto"`` tries no k above (units with terms) / this.
UNITS_PER_THEME = 5
#: ``k="auto"`` searches on at most this many units, sampled with the seed.
SEARCH_SAMPLE = 2000
#: Refits per candidate k in the stability search, and the share of units each refit sees.
STABILITY_RUNS = 2
STABILITY_FRACTION = 0.8
#: NMF iterations for the themes shown: the coordinate-descent solver converges well within this.
MAX_ITER = 500
#: NMF iterations for each fit of the k search: which topic is strongest in a unit settles long
#: before the loss does, and the search makes (1 + STABILITY_RUNS) fits per candidate k.
SEARCH_MAX_ITER = 200


def one_thread() -> Any:
    """A context in which BLAS and OpenMP use one thread.

    Two reasons. Results must not depend on the machine: a threaded BLAS may sum in a different
    order with another number of cores, and NMF amplifies last-bit differences. And the matrices
    are small: on a busy two-core laptop, OpenBLAS threads waiting for each other made the k
    search five times slower than one thread.
    """
    # threadpoolctl is a dependency of scikit-learn; it ships no type information.
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped, unused-ignore]

    return threadpool_limits(limits=1)


def fit_nmf(matrix: Any, k: int, seed: int, max_iter: int = MAX_ITER) -> tuple[Matrix, Matrix, bool]:
    """NMF weights (units × k) and unit-length topic vectors (k × terms); whether it converged."""
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max_iter)
    with warnings.catch_warnings():
        # Reported in the result's note instead: a warning on stderr means nothing to a researcher.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights: Matrix = model.fit_transform(matrix)
    topics: Matrix = model.components_
    norms = np.linalg.norm(topics, axis=1)
    norms[norms == 0] = 1.0
    return weights * norms, topics / norms[:, None], model.n_iter_ < max_iter


def resolve_k(k: int | str, matrix: Any, seed: int, max_k: int) -> tuple[int, str, list[str]]:
    """The k to fit, how it was chosen, and notes for the reader."""
    n_units, n_terms = matrix.shape
    limit = min(n_units, n_terms)  # nndsvda's hard limit
    if isinstance(k, int):
        if k > limit:
            return (
                limit,
                "given",
                [f"k={k} lowered to {limit}: there are only {n_terms} terms and {n_units} units."],
            )
        return k, "given", []
    high = max(2, min(max_k, n_units // UNITS_PER_THEME, limit))
    candidates = list(range(min(MIN_AUTO_K, high), high + 1))
    sample = matrix
    if n_units > SEARCH_SAMPLE:
        rng = np.random.default_rng(seed)
        sample = matrix[np.sort(rng.choice(n_units, SEARCH_SAMPLE, replace=False))]
    scores = {c: round(_stability(sample, c, seed), 3) for c in candidates}
    best = max(candidates, key=lambda c: (scores[c], -c))
    on = f"{sample.shape[0]:,} sampled units" if sample is not matrix else f"all {n_units:,} units"
    chosen_by = (
        f"auto: highest stability (mean adjusted Rand index between the units' strongest themes in "
        f"the seed-{seed} fit and in {STABILITY_RUNS} refits on random {STABILITY_FRACTION:.0%} subsamples "
        f"with other seeds; ties to the smaller k) over k={candidates[0]}..{candidates[-1]} on {on}: {scores}"
    )
    return best, chosen_by, []


def _stability(matrix: Any, k: int, seed: int) -> float:
    """Mean adjusted Rand index between the seed fit's partition of the units and refits' on subsamples."""
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng([seed, k])
    weights, _, _ = fit_nmf(matrix, k, seed, SEARCH_MAX_ITER)
    reference = weights.argmax(axis=1)
    size = max(k, int(STABILITY_FRACTION * matrix.shape[0]))
    scores = []
    for run in range(1, STABILITY_RUNS + 1):
        rows = np.sort(rng.choice(matrix.shape[0], size, replace=False))
        refit, _, _ = fit_nmf(matrix[rows], k, seed + run, SEARCH_MAX_ITER)
        scores.append(adjusted_rand_score(reference[rows], refit.argmax(axis=1)))
    return float(np.mean(scores))
