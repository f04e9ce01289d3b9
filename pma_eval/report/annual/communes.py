"""The communes of an EPCI in its synthesis: the most populous, with their emissions per inhabitant and their
photovoltaic power."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...narrative import section_text
from ..blocks import Table
from ..context import ReportContext, source_line, value
from ..statement import INCOMPLETE_MARK, incomplete_note, incompleteness


def communes_table(ctx: ReportContext, top: int = 10) -> Table:
    """The ``top`` most populous communes; an incomplete total is marked « * » and the caption says what is
    missing."""
    complete, missing = incompleteness(ctx.indicators, ctx.year)
    rows, seen = [], set()
    for code in ctx.territory.members("epci", ctx.geo_code):
        (pop, n1), (ges, n2), (pv, n3) = (value(ctx, i, level="commune", code=code)
                                          for i in ("population", "ges_par_habitant", "enr_puissance_solaire_pv"))
        seen |= {n1, n2, n3}
        whole = complete.get(("ges_par_habitant", "commune", code), True)
        rows.append({"Commune": ctx.territory.name("commune", code), "Population": pop,
                     "GES par habitant (t CO₂e)": fmt.number(ges, 1) + ("" if whole else INCOMPLETE_MARK),
                     "Photovoltaïque (kW)": pv, "_code": code})
    df = pd.DataFrame(rows).sort_values("Population", ascending=False).head(top)
    note = incomplete_note(missing, [c for c in df["_code"]
                                     if not complete.get(("ges_par_habitant", "commune", c), True)], ctx.territory)
    caption = section_text("communes", "tableau", annee=ctx.year, nombre=top)
    return Table(df.drop(columns="_code"), caption + (f". {note}" if note else ""),
                 formats={"Population": fmt.number, "Photovoltaïque (kW)": fmt.number},
                 sources=(source_line(ctx, ["population", "ges_par_habitant", "enr_puissance_solaire_pv"]),),
                 natures=frozenset(seen))
