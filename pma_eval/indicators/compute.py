"""Indicator calculations: pure functions from the processed tables to one tidy table.

Output columns: ``indicator_id, geo_level, geo_code, year, value, unit, nature, complete``.
Rules (DESIGN.md): sums are taken over the rows of the processed tables at each level (the
build already aggregated communes to EPCI and the whole territory, level ``pma``); ratios are recomputed from numerator and
denominator *at each level*, never averaged; a secret input makes the result unknown (``NaN``,
nature ``secret``); the nature of a result is the least reliable nature of its inputs; a result
is ``complete`` only when every input is (a gap in a commune's road transport makes its total,
its EPCI's and the whole territory's incomplete: see :func:`pma_eval.assemble.reconcile.emission_gaps`).

The 108 indicators of the catalogue are computed on integer keys (issue 24): each place (level, code) is numbered once
and a result is four aligned arrays — sorted cells (place × year), values, nature ranks, completeness — so that a
ratio, a sum or a change is an intersection of sorted integers and element-wise arithmetic, where joining tables on
three text and year columns cost about 20 ms an indicator, whatever the territory's size (two seconds of every build).
The arithmetic is the same, in the same order (a table's sums by pandas, element-wise operations by numpy), so the
values are bit for bit those of the joins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..territory import NATURES
from .catalogue import Catalogue, Indicator

KEYS = ["geo_level", "geo_code", "year"]
COLUMNS = ["indicator_id", *KEYS, "value", "unit", "nature", "complete"]
_RANK = {n: i for i, n in enumerate(NATURES)}
#: Years a cell can hold: place × _SPAN + (year − _Y0).
_Y0, _SPAN = 1800, 1000


class _Places:
    """Numbers of the places (geo_level, geo_code) met in the tables, in the order met."""

    def __init__(self):
        self.index: dict[tuple[str, str], int] = {}
        self.levels: list[str] = []
        self.codes: list[str] = []
        self._tables: dict[int, tuple[pd.DataFrame, tuple]] = {}

    def columns(self, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Cells, values, nature ranks and completeness of every row of a processed table, computed once a table."""
        kept = self._tables.get(id(df))
        if kept is None or kept[0] is not df:
            kept = self._tables[id(df)] = (df, (
                self.cells(df), df["value"].to_numpy(dtype=float), df["nature"].map(_RANK).to_numpy(dtype=float),
                df["complete"].to_numpy(dtype=bool) if "complete" in df else np.ones(len(df), bool)))
        return kept[1]

    def cells(self, df: pd.DataFrame) -> np.ndarray:
        """The cell of each row of ``df`` (columns geo_level, geo_code, year)."""
        pairs = pd.MultiIndex.from_arrays([df["geo_level"].astype(object), df["geo_code"].astype(object)])
        uniques = pairs.unique()
        numbers = np.empty(len(uniques), dtype=np.int64)
        for k, pair in enumerate(uniques):
            n = self.index.get(pair)
            if n is None:
                n = self.index[pair] = len(self.levels)
                self.levels.append(pair[0])
                self.codes.append(pair[1])
            numbers[k] = n
        inverse = uniques.get_indexer(pairs)
        years = df["year"].to_numpy(dtype=np.int64)
        return numbers[inverse] * _SPAN + (years - _Y0)


@dataclass(frozen=True)
class _Result:
    """One indicator's values: cells sorted and unique, and aligned arrays."""

    cell: np.ndarray
    value: np.ndarray
    rank: np.ndarray  # float: the rank of the nature in NATURES (lower: less reliable), NaN unknown
    complete: np.ndarray

    @classmethod
    def empty(cls) -> _Result:
        return cls(np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0, bool))

    def take(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.value[idx], self.rank[idx], self.complete[idx]


def _worst(ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """The less reliable of two natures (their ranks): ``a`` where ``ra <= rb``, else ``b``."""
    return np.where(ra <= rb, ra, rb)


def _rows(places: _Places, df: pd.DataFrame, value, nature, complete) -> _Result:
    """A result from rows with unique keys (no sum)."""
    cell = places.cells(df)
    order = np.argsort(cell, kind="stable")
    cell = cell[order]
    if len(cell) > 1 and (np.diff(cell) == 0).any():
        raise ValueError("indicateur : plusieurs valeurs pour un même lieu et une même année")
    rank = pd.Series(nature).map(_RANK).to_numpy(dtype=float)
    return _Result(cell, np.asarray(value, dtype=float)[order], rank[order], np.asarray(complete, dtype=bool)[order])


def _from_table(places: _Places, df: pd.DataFrame, flt: dict) -> _Result:
    mask = np.ones(len(df), dtype=bool)
    for col, val in flt.items():
        mask &= (df[col].isin(val) if isinstance(val, list) else df[col] == val).to_numpy(dtype=bool)
    if not mask.any():
        return _Result.empty()
    cell, value, rank, complete = places.columns(df)
    g = pd.DataFrame({"cell": cell[mask], "value": value[mask], "rank": rank[mask], "complete": complete[mask]}
                     ).groupby("cell", sort=True)
    total, rank = g["value"].sum(min_count=1), g["rank"].min().to_numpy()
    value = np.where(rank == _RANK["secret"], np.nan, total.to_numpy())
    return _Result(total.index.to_numpy(dtype=np.int64), value, rank, g["complete"].all().to_numpy())


def _join(a: _Result, b: _Result, how: str = "inner"):
    """Positions in ``a`` and ``b`` of the cells they share (``inner``), or of every cell of ``a`` with -1 where ``b``
    has none (``left``)."""
    if how == "inner":
        _, ia, ib = np.intersect1d(a.cell, b.cell, assume_unique=True, return_indices=True)
        return a.cell[ia], ia, ib
    pos = np.searchsorted(b.cell, a.cell)
    found = pos < len(b.cell)
    found[found] = b.cell[pos[found]] == a.cell[found]
    return a.cell, np.arange(len(a.cell)), np.where(found, pos, -1)


def _ratio(num: _Result, den: _Result, scale: float) -> _Result:
    cell, i, j = _join(num, den)
    vn, rn, cn = num.take(i)
    vd, rd, cd = den.take(j)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = vn / np.where(vd != 0, vd, np.nan) * scale
    return _Result(cell, value, _worst(rn, rd), cn & cd)


def _difference(a: _Result, b: _Result) -> _Result:
    """``a − b`` where both exist (net emissions = gross emissions − sequestration), same rules of nature."""
    cell, i, j = _join(a, b)
    va, ra, ca = a.take(i)
    vb, rb, cb = b.take(j)
    return _Result(cell, va - vb, _worst(ra, rb), ca & cb)


def _sum(parts: list[_Result], optional: list[_Result]) -> _Result:
    """Σ parts where every part exists, plus the optional parts where they exist (Territoires en
    Transitions' ``val(a) + val(b) + opt_val(c)``), same rules of nature."""
    out = parts[0]
    for other, how in [*((p, "inner") for p in parts[1:]), *((o, "left") for o in optional)]:
        cell, i, j = _join(out, other, how)
        v, r, c = out.take(i)
        # a missing part (position -1) reads the value appended last: unknown, its nature the sum's own, complete
        vo = np.append(other.value, np.nan)[j]
        ro = np.where(j >= 0, np.append(other.rank, np.nan)[j], r)
        co = np.append(other.complete, True)[j]
        out = _Result(cell, v + np.where(np.isnan(vo), 0.0, vo), _worst(r, ro), c & co)
    return out


def _change(base: _Result) -> _Result:
    prev = _Result(base.cell + 1, base.value, base.rank, base.complete)
    cell, i, j = _join(base, prev)
    v, r, c = base.take(i)
    vp, rp, cp = prev.take(j)
    return _Result(cell, (v / vp - 1) * 100, _worst(r, rp), c & cp)


def _compute(ind: Indicator, tables: dict[str, pd.DataFrame], done: dict[str, _Result], places: _Places) -> _Result:
    calc = ind.calc
    if "table" in calc:
        if calc["table"] not in tables:  # no raw file feeds it (e.g. no air-quality inventory)
            return _Result.empty()
        out = _from_table(places, tables[calc["table"]], calc.get("filter") or {})
    elif "ratio" in calc:
        out = _ratio(done[calc["ratio"][0]], done[calc["ratio"][1]], float(calc.get("scale", 1)))
    elif "activity" in calc:
        act = tables.get("activity_indicators")
        if act is None or act.empty:
            return _Result.empty()
        rows = act.loc[act["indicator_id"] == ind.id]
        out = _rows(places, rows, rows["value"], rows["nature"], np.ones(len(rows), bool))
    elif "difference" in calc:
        out = _difference(done[calc["difference"][0]], done[calc["difference"][1]])
    elif "sum" in calc:
        out = _sum([done[i] for i in calc["sum"]], [done[i] for i in calc.get("optional") or []])
    elif "share" in calc:
        # ``denominator_optional``: parts added to the denominator where they exist (the ambient heat
        # of heat pumps, counted in the numerator, belongs to the consumption too)
        den = done[calc["share"][1]]
        if calc.get("denominator_optional"):
            den = _sum([den], [done[i] for i in calc["denominator_optional"]])
        out = _ratio(done[calc["share"][0]], den, 100.0)
    else:
        out = _change(done[calc["change"]])
    keep = np.isin(np.asarray(places.levels, dtype=object)[out.cell // _SPAN] if len(out.cell) else
                   np.empty(0, object), list(ind.levels))
    return _Result(out.cell[keep], out.value[keep], out.rank[keep], out.complete[keep])


def _frame(places: _Places, results: list[tuple[Indicator, _Result]]) -> pd.DataFrame:
    """The tidy table of ``results``, in the catalogue's order, then whole, EPCI, communes, code and year."""
    levels = np.asarray(places.levels, dtype=object)
    codes = np.asarray(places.codes, dtype=object)
    level_order = {"pma": 0, "epci": 1, "commune": 2}
    place_level = np.array([level_order.get(lv, 3) for lv in places.levels], dtype=np.int64)
    code_rank = np.empty(len(codes), dtype=np.int64)
    code_rank[np.argsort(codes.astype(str), kind="stable")] = np.arange(len(codes))
    n = [len(r.cell) for _, r in results]
    order_of = np.repeat(np.arange(len(results)), n)
    cell = np.concatenate([r.cell for _, r in results]) if results else np.empty(0, np.int64)
    place, year = cell // _SPAN, cell % _SPAN + _Y0
    sort = np.lexsort((year, code_rank[place], place_level[place], order_of))
    ids = np.asarray([i.id for i, _ in results], dtype=object)
    units = np.asarray([i.short_unit for i, _ in results], dtype=object)
    rank = np.concatenate([r.rank for _, r in results])[sort] if results else np.empty(0)
    natures = np.asarray(NATURES, dtype=object)
    nature = np.where(np.isnan(rank), None, natures[np.nan_to_num(rank, nan=0).astype(np.int64)])
    return pd.DataFrame({
        "indicator_id": ids[order_of[sort]], "geo_level": levels[place[sort]], "geo_code": codes[place[sort]],
        "year": year[sort].astype(int), "value": np.concatenate([r.value for _, r in results])[sort] if results else [],
        "unit": units[order_of[sort]], "nature": pd.array(nature, dtype="str"),
        "complete": np.concatenate([r.complete for _, r in results])[sort].astype(bool) if results else []},
        columns=COLUMNS)


def _result_of(places: _Places, df: pd.DataFrame) -> _Result:
    """A result given as a table of :data:`COLUMNS` (``compute_indicator``'s output)."""
    return _rows(places, df, df["value"], df["nature"], df["complete"])


def compute_indicator(ind: Indicator, tables: dict[str, pd.DataFrame], done: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One indicator from the processed ``tables`` and the indicators already computed (``done``, by id, as this
    function returns them): a table of :data:`COLUMNS`."""
    places = _Places()
    known = {k: _result_of(places, v) for k, v in done.items() if not v.empty}
    known.update({k: _Result.empty() for k, v in done.items() if v.empty})
    return _frame(places, [(ind, _compute(ind, tables, known, places))])


def compute_indicators(tables: dict[str, pd.DataFrame], catalogue: Catalogue) -> pd.DataFrame:
    """Every indicator of the catalogue, at every level it declares, for every year with data."""
    places = _Places()
    done: dict[str, _Result] = {}
    for ind in catalogue.order():
        done[ind.id] = _compute(ind, tables, done, places)
    return _frame(places, [(ind, done[ind.id]) for ind in catalogue]).reset_index(drop=True)
