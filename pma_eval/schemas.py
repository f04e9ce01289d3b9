"""Contracts of the processed tables, checked with pandera before anything is written.

Raw files are parsed by :mod:`pma_eval.sources` (line-level French messages); these schemas
guard the tidy tables the build produces, so that a bug or an unforeseen combination of
inputs stops the build instead of reaching a report.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .config import YEAR_MAX, YEAR_MIN
from .errors import InputDataError, Problem
from .territory import GEO_LEVELS, NATURES, WHOLE
from .vocabulary import STORED_UNITS

UNITS = STORED_UNITS  # vocabulary.yml


def _geo_code(whole_code: str | None) -> pa.Check:
    """Codes consistent with their level: commune 5 characters, EPCI a SIREN, the whole territory (level ``pma``)
    its declared code (any one code when ``whole_code`` is not given)."""
    def check(df: pd.DataFrame) -> pd.Series:
        whole = df["geo_level"].eq(WHOLE)
        if whole_code is None:
            ok = ~whole | df["geo_code"].eq(df.loc[whole, "geo_code"].iloc[0] if whole.any() else "")
        else:
            ok = ~whole | df["geo_code"].eq(whole_code)
        return ((df["geo_level"].ne("commune") | df["geo_code"].str.fullmatch(r"\d{5}|2[AB]\d{3}"))
                & (df["geo_level"].ne("epci") | df["geo_code"].str.fullmatch(r"\d{9}")) & ok)

    return pa.Check(check, error="code géographique incohérent avec le niveau (commune : 5 caractères, epci : "
                    f"SIREN, pma : {whole_code or 'le code du territoire'})")


def tidy_schema(keys: list[str], allow_negative: bool = False, whole_code: str | None = None) -> pa.DataFrameSchema:
    """Schema of a long table keyed by ``geo_level, geo_code, year`` and ``keys`` (``whole_code``: the
    ``geo_code`` of the whole territory, :attr:`pma_eval.territory.Territory.code`)."""
    value_checks = [] if allow_negative else [pa.Check.ge(0, error="valeur négative")]
    return pa.DataFrameSchema(
        {
            "geo_level": pa.Column(str, pa.Check.isin(GEO_LEVELS, error="niveau géographique inconnu")),
            "geo_code": pa.Column(str),
            "year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX, error="année hors plage")),
            "value": pa.Column(float, value_checks, nullable=True),
            "unit": pa.Column(str, pa.Check.isin(UNITS, error="unité inconnue")),
            "nature": pa.Column(str, pa.Check.isin(NATURES, error="nature inconnue")),
            **{k: pa.Column(nullable=False) for k in keys},
        },
        checks=[_geo_code(whole_code)],
        unique=["geo_level", "geo_code", "year", *keys],
        report_duplicates="all",
        strict=False,
        coerce=False,
    )


def validate_table(df: pd.DataFrame, name: str, keys: list[str], allow_negative: bool = False,
                   whole_code: str | None = None) -> pd.DataFrame:
    """Validate a processed table; raise :class:`InputDataError` listing every failure."""
    try:
        return tidy_schema(keys, allow_negative, whole_code).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        problems = [
            Problem(f"table produite « {name} »",
                    "clé en double" if row.check == "multiple_fields_uniqueness" else str(row.check),
                    column=None if pd.isna(row.column) else str(row.column), value=row.failure_case)
            for row in fc.head(50).itertuples()
        ]
        raise InputDataError(problems) from None
