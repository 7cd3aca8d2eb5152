"""Agreement statistics over reliability data: pure functions, no project, no I/O.

``data`` is a coders × units table: one row per coder, one column per unit, ``None`` for a
value the coder did not give (a float NaN counts as missing too). Values are any hashable
categories (strings, ints, bools…), compared with Python equality — so ``1``, ``1.0`` and
``True`` are the same category. A 2-D numeric numpy array is accepted as well (NaN = missing).

Definitions for more than two coders and for missing values (``m_u`` = number of values unit
*u* received, ``q`` = number of categories):

* Two-coder statistics — :func:`cohen_kappa` (Cohen 1960), :func:`weighted_kappa` (Cohen 1968;
  linear weights of Cicchetti & Allison 1971, quadratic of Fleiss & Cohen 1973) and
  :func:`scott_pi` (Scott 1955) — use the units *both* coders coded and refuse any other number
  of coders (value ``None`` with the reason).
* :func:`percent_agreement`, :func:`fleiss_kappa`, :func:`brennan_prediger` and
  :func:`gwet_ac1` follow Gwet (2014), *Handbook of Inter-Rater Reliability*, 4th ed., for raw
  ratings with a per-unit number of raters ``r_i``: observed agreement
  ``Pa = mean over units with m_u ≥ 2 of Σ_k n_uk(n_uk − 1) / (m_u(m_u − 1))`` (for two coders:
  the share of units both coded on which they agree); category prevalence
  ``π_k = mean over units with m_u ≥ 1 of n_uk / m_u``. Chance agreement is ``Σ π_k²`` (Fleiss
  1971), ``Σ π_k(1 − π_k) / (q − 1)`` (Gwet 2008) or ``1/q`` (Bennett et al. 1954; Brennan &
  Prediger 1981). Units with one value therefore count toward chance agreement only, and units
  with none are left out — exactly as Gwet's irrCAC package computes them.
* :func:`krippendorff_alpha` follows Krippendorff (2011), "Computing Krippendorff's
  Alpha-Reliability": only pairable values (units with ``m_u ≥ 2``) count,
  ``α = 1 − Do/De`` with the nominal, ordinal, interval and ratio metrics.

Ordered statistics (weighted kappa, ordinal alpha) take the category order from
``categories``, else sort: numbers — and numbers written as text, as a CSV file gives them — by
value; other text has no natural order and gives ``None`` with the reason rather than an
alphabetical order ('high' < 'low'). Interval and ratio alpha accept numbers written as text.

A point estimate costs ``O(coders × units)`` (ratio alpha adds ``O(V²)`` for ``V`` distinct
values). Bootstrap intervals resample the units a statistic uses, with replacement
(``numpy.random.default_rng(seed)``), and report the percentile interval; resamples on which
the statistic is undefined are skipped and counted in ``Interval.method``. Every statistic
depends on the units only through their *patterns* (the multiset of codes a unit received, or
the code pair for two-coder statistics), so units are grouped by pattern first and a resample
is drawn as pattern counts: ``multinomial(U, frequencies / U)`` — exactly the distribution of
resampling ``U`` units — when there are few patterns (``O(P)`` per resample), else ``U`` unit
indices and a bincount (``O(U)``). One evaluation then costs ``O(P + E + V)`` for ``P``
patterns holding ``E`` values (interval alpha: ``O(P)``; ratio alpha: ``O(V²)``). Coded
categorical data have few patterns: 1000 resamples over 100,000 units take about 10–30 ms on
top of the estimate; continuous interval data (every unit its own pattern) about 1.5 s.
Hayes & Krippendorff (2007) bootstrap alpha differently (resampling pairable values with De
fixed); here every statistic uses the same unit bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable

from qualcode.agreement.alpha import _alpha_evaluator as _alpha_evaluator
from qualcode.agreement.alpha import krippendorff_alpha
from qualcode.agreement.bootstrap import _patterns as _patterns
from qualcode.agreement.kappas import _gwet_evaluator as _gwet_evaluator
from qualcode.agreement.kappas import _kappa_evaluator as _kappa_evaluator
from qualcode.agreement.kappas import _pair_table as _pair_table
from qualcode.agreement.kappas import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    percent_agreement,
    scott_pi,
    weighted_kappa,
)
from qualcode.agreement.reliability import (
    AgreementInputError,
    AgreementResult,
    Interval,
    ReliabilityData,
    reliability_table,
)
from qualcode.agreement.reliability import _encode as _encode

# The implementation lives in reliability (input, results, reasons), bootstrap (patterns and
# resampling), kappas and alpha; this module is the public interface. The private helpers
# re-exported above are used by the white-box tests.

__all__ = [
    "STATISTICS",
    "AgreementInputError",
    "AgreementResult",
    "Interval",
    "ReliabilityData",
    "brennan_prediger",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "reliability_table",
    "scott_pi",
    "weighted_kappa",
]


#: Statistic name -> function, for the command line's ``--stat``.
STATISTICS: dict[str, Callable[..., AgreementResult]] = {
    "percent_agreement": percent_agreement,
    "cohen_kappa": cohen_kappa,
    "weighted_kappa": weighted_kappa,
    "scott_pi": scott_pi,
    "fleiss_kappa": fleiss_kappa,
    "brennan_prediger": brennan_prediger,
    "gwet_ac1": gwet_ac1,
    "krippendorff_alpha": krippendorff_alpha,
}
