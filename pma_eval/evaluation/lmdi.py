"""Index decomposition of a change with the Logarithmic Mean Divisia Index (LMDI-I).

``V = Σ_i Π_k x_{k,i}``: sub-categories ``i`` (rows, e.g. sectors) and factors ``k``
(columns, e.g. population, energy per inhabitant, emissions per unit of energy). Additive
effects sum exactly to ``V_T − V_0``; multiplicative effects multiply to ``V_T / V_0``.

Zero values use the analytical limits of the LMDI terms (Ang, Zhang & Choi 1998, Table 2;
Ang & Liu 2007; Wood & Lenzen 2006), never a small-number substitution:
- a sub-category that appears (``V_0 = 0``, ``V_T > 0``) gives its whole ``V_T`` to the factor(s)
  that were zero in period 0 (shared equally if several were), 0 to the others;
- a sub-category that disappears gives ``−V_0`` to the factor(s) that became zero;
- a sub-category zero at both ends contributes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd


def logarithmic_mean(a, b):
    """``L(a, b) = (a − b) / (ln a − ln b)``, with ``L(a, a) = a`` and ``L(a, 0) = 0``. [same unit as a, b]"""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / (np.log(a) - np.log(b))
    out = np.where(np.isclose(a, b, rtol=1e-12, atol=0), a, out)
    out = np.where((a <= 0) | (b <= 0), 0.0, out)
    return out


def _additive_matrix(x0: pd.DataFrame, xT: pd.DataFrame) -> pd.DataFrame:
    if list(x0.columns) != list(xT.columns) or not x0.index.equals(xT.index):
        xT = xT.reindex(index=x0.index, columns=x0.columns)
    X0, XT = x0.to_numpy(dtype=float), xT.to_numpy(dtype=float)
    if np.isnan(X0).any() or np.isnan(XT).any():
        raise ValueError("LMDI needs complete factor tables (no missing value)")
    if (X0 < 0).any() or (XT < 0).any():
        raise ValueError("LMDI-I factors must be non-negative")
    v0, vT = X0.prod(axis=1), XT.prod(axis=1)
    L = logarithmic_mean(vT, v0)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        Z = L * np.log(XT / X0)
    Z = np.where((X0 > 0) & (XT > 0), Z, 0.0)
    for i in range(len(v0)):
        if v0[i] == 0 and vT[i] > 0:
            zero = X0[i] == 0
            Z[i] = np.where(zero, vT[i] / zero.sum(), 0.0)
        elif v0[i] > 0 and vT[i] == 0:
            zero = XT[i] == 0
            Z[i] = np.where(zero, -v0[i] / zero.sum(), 0.0)
        elif v0[i] == 0 and vT[i] == 0:
            Z[i] = 0.0
    return pd.DataFrame(Z, index=x0.index, columns=x0.columns)


def lmdi(x0: pd.DataFrame, xT: pd.DataFrame, method: str = "additive", by_subcategory: bool = False):
    """Decompose the change of ``V = Σ_i Π_k x_{k,i}`` between two periods.

    Parameters
    ----------
    x0, xT : DataFrame
        Factor values in periods 0 and T: rows are sub-categories, columns are factors whose
        product is each sub-category's value.
    method : {"additive", "multiplicative"}
    by_subcategory : bool
        Return the sub-category × factor matrix instead of the factor totals.

    Returns
    -------
    Series or DataFrame
        Additive: effects in the unit of V, summing to ``V_T − V_0``. Multiplicative: factors
        whose product is ``V_T / V_0`` (by sub-category: ``exp(w_i ln(x_T/x_0))``, whose product
        over sub-categories gives each factor's index).

    References
    ----------
    Ang, B. W. (2005). The LMDI approach to decomposition analysis: a practical guide.
    *Energy Policy* 33, 867–871.
    Ang, B. W., Zhang, F. Q., Choi, K.-H. (1998). Factorizing changes in energy and
    environmental indicators through decomposition. *Energy* 23(6), 489–495.
    Ang, B. W., Liu, N. (2007). Handling zero values in the logarithmic mean Divisia index
    decomposition approach. *Energy Policy* 35, 238–246.
    """
    Z = _additive_matrix(x0, xT)
    if method == "additive":
        return Z if by_subcategory else Z.sum(axis=0)
    if method != "multiplicative":
        raise ValueError("method must be 'additive' or 'multiplicative'")
    v0 = x0.prod(axis=1).sum()
    vT = xT.reindex(index=x0.index, columns=x0.columns).prod(axis=1).sum()
    Lv = float(logarithmic_mean(vT, v0))
    if Lv == 0:
        raise ValueError("the multiplicative form needs a positive aggregate in both periods")
    # ln D_k = ΔV_k / L(V_T, V_0): the multiplicative and additive LMDI-I forms are linked exactly.
    return np.exp(Z / Lv) if by_subcategory else np.exp(Z.sum(axis=0) / Lv)


def lmdi_chain(frames: Mapping[int, pd.DataFrame], method: str = "additive") -> pd.DataFrame:
    """Chain-linked LMDI over consecutive periods.

    Parameters
    ----------
    frames : mapping year → DataFrame
        Factor tables (same layout) for each year.

    Returns
    -------
    DataFrame
        One row per consecutive pair (index: end year) and one column per factor, plus a
        ``total`` row: the sum (additive) or product (multiplicative) over the span.
    """
    years = sorted(frames)
    rows = {y1: lmdi(frames[y0], frames[y1], method) for y0, y1 in zip(years[:-1], years[1:])}
    out = pd.DataFrame(rows).T
    total = out.sum(axis=0) if method == "additive" else out.prod(axis=0)
    out.loc["total"] = total
    return out
