"""The territory: communes → EPCIs → the whole territory of the declaration in use (``territoires/<id>.yml``).

Pure functions and a small immutable :class:`Territory` built from the territory's commune table. Aggregation
follows DESIGN.md: sums of commune values, with the *nature* of the aggregate being the least reliable nature of
its known parts; a secret (unknown) part is never counted as zero: the aggregate is the sum of the known parts,
flagged incomplete.

The geography level of the whole territory keeps its historical value ``pma`` in every table (``geo_level``), for
any declared territory: it means « the whole territory », whatever its kind; its ``geo_code`` is the
declaration's short name in upper case (:attr:`Whole.code`), and its names come from the declaration
(:class:`Whole`), never from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

# the names of the whole territory, from its declaration (defined there: reading them needs no pandas)
from .declaration import Whole, whole_in_use, whole_of  # noqa: F401
from .errors import ConfigurationError

#: Level of the whole territory in every table (historical name, kept for stable schemas: see the module note).
WHOLE = "pma"
GEO_LEVELS = ("commune", "epci", WHOLE)


# Order of reliability, worst first: the nature of an aggregate is the worst of its parts.
NATURES = ("secret", "demonstration", "estimated", "observed")
NATURE_LABELS_FR = {
    "observed": "observée",
    "estimated": "estimée",
    "demonstration": "données de démonstration",
    "secret": "secret statistique",
}


#: Tolerance of every sum identity (communes = EPCI, EPCIs = Pôle, sectors = total): relative, so only
#: floating-point rounding passes. Declared once; the build and the indicator checks both use it.
SUM_TOLERANCE = 1e-6


def sums_differ(parts: pd.Series, total: pd.Series, rel_tol: float = SUM_TOLERANCE) -> pd.Series:
    """True where the sum of the parts differs from the total by more than ``rel_tol`` (relative to
    the total, floored at 1 so that zeros compare absolutely)."""
    return (parts - total).abs() > rel_tol * total.abs().clip(lower=1)


def worst_nature(natures) -> str:
    """Least reliable nature among ``natures`` (any iterable; see :data:`NATURES`)."""
    present = {n for n in natures if isinstance(n, str)}
    for nature in NATURES:
        if nature in present:
            return nature
    return "observed"


@dataclass(frozen=True)
class Territory:
    """Communes with their EPCI, the EPCIs, and the names of the whole territory (:class:`Whole`).

    Attributes
    ----------
    communes : DataFrame
        Columns ``code_insee, nom, epci_siren, epci_sigle``.
    epcis : DataFrame
        Columns ``epci_siren, epci_sigle, epci_nom, nb_communes``.
    """

    communes: pd.DataFrame
    epcis: pd.DataFrame
    #: Names of the whole territory (default: those of the territory in use, :func:`whole_in_use`).
    whole_names: Whole | None = field(default=None, compare=False)

    @cached_property
    def whole(self) -> Whole:
        return self.whole_names or whole_in_use()

    @property
    def code(self) -> str:
        """``geo_code`` of the whole territory (level :data:`WHOLE`)."""
        return self.whole.code

    @classmethod
    def from_communes(cls, communes: pd.DataFrame, epci_names: pd.DataFrame | None = None,
                      whole: Whole | None = None) -> "Territory":
        c = communes[["code_insee", "nom", "epci_siren", "epci_sigle"]].copy()
        c = c.sort_values("code_insee").reset_index(drop=True)
        e = (c.groupby(["epci_siren", "epci_sigle"], as_index=False)
              .agg(nb_communes=("code_insee", "size")))
        if epci_names is not None:
            e = e.merge(epci_names[["epci_siren", "epci_nom"]], on="epci_siren", how="left")
        else:
            e["epci_nom"] = e["epci_sigle"]
        return cls(c, e.sort_values("epci_sigle").reset_index(drop=True), whole)

    # --- look-ups -----------------------------------------------------------------------
    @property
    def commune_to_epci(self) -> dict[str, str]:
        return dict(zip(self.communes["code_insee"], self.communes["epci_siren"]))

    def name(self, geo_level: str, geo_code: str) -> str:
        """French display name of a territory."""
        if geo_level == WHOLE:
            return self.whole.name
        return self._names.get(("epci" if geo_level == "epci" else "commune", geo_code), geo_code)

    @cached_property
    def _names(self) -> dict[tuple[str, str], str]:
        """(level, code) → display name, made once (a fiche asks for a name a dozen times)."""
        return {**{("epci", str(k)): str(v) for k, v in zip(self.epcis["epci_siren"], self.epcis["epci_sigle"])},
                **{("commune", str(k)): str(v) for k, v in zip(self.communes["code_insee"], self.communes["nom"])}}

    @cached_property
    def _epci_members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, epci in zip(self.communes["code_insee"], self.communes["epci_siren"]):
            out.setdefault(epci, []).append(code)
        return out

    def name_after_de(self, geo_level: str, geo_code: str) -> str:
        """The name preceded by the right form of « de » : « du Pôle… », « de la CALL », « de Lens »."""
        if geo_level == WHOLE:
            return self.whole.name_of
        name = self.name(geo_level, geo_code)
        if geo_level == "epci":
            return "de la " + name  # communauté d'agglomération
        return ("d'" if name[:1].lower() in "aeéèêiîoôuh" else "de ") + name

    def resolve(self, territoire: str, levels: tuple[str, ...] = (WHOLE, "epci", "commune")) -> tuple[str, str]:
        """Turn the whole territory's code (``PMA``), an EPCI acronym (``CALL``) or SIREN, or an INSEE code into
        (level, code), accepting only the ``levels`` a command produces for (a report is for the whole territory
        or an EPCI, a fiche for a commune)."""
        key = str(territoire).strip().upper()
        by_sigle = dict(zip(self.epcis["epci_sigle"].str.upper(), self.epcis["epci_siren"]))
        whole = self.whole
        noun = whole.subject.split(" ", 1)[-1].split("'", 1)[-1].upper() if whole.subject else ""
        aliases = {whole.code, whole.short.upper(), noun, noun.replace("Ô", "O")} - {""}
        found = ((WHOLE, whole.code) if key in aliases else
                 ("epci", by_sigle[key]) if key in by_sigle else
                 ("epci", key) if key in set(self.epcis["epci_siren"]) else
                 ("commune", key) if key in set(self.communes["code_insee"]) else None)
        if found is not None and found[0] in levels:
            return found
        admitted = [whole.code] * (WHOLE in levels) + [f"{s} (ou son SIREN)" for s in self.epcis["epci_sigle"]] * (
            "epci" in levels) + [f"un code INSEE de commune {whole.of}"] * ("commune" in levels)
        what = (f"« {territoire} » est la commune de {self.name(*found)} : une commune a sa fiche (pma-eval fiches)"
                if found is not None and found[0] == "commune" else f"territoire inconnu : « {territoire} »")
        raise ConfigurationError(f"{what} ; valeurs admises ici : {', '.join(admitted)}")

    def members(self, geo_level: str, geo_code: str) -> list[str]:
        """INSEE codes of the communes that make up a territory."""
        if geo_level == WHOLE:
            return list(self.communes["code_insee"])
        if geo_level == "epci":
            return list(self._epci_members.get(geo_code, []))
        return [geo_code]

    def check_codes(self, codes: pd.Series | list[str]) -> tuple[list[str], list[str]]:
        """Codes that map to no commune of the territory, and communes never used.

        Returns
        -------
        unmapped, unused : list of str
        """
        given = set(pd.Series(codes, dtype=object).dropna().astype(str))
        known = set(self.communes["code_insee"])
        return sorted(given - known), sorted(known - given)

    # --- aggregation --------------------------------------------------------------------
    def aggregate(self, df: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
        """Add EPCI and Pôle rows to a commune-level tidy table.

        Parameters
        ----------
        df : DataFrame
            Commune rows with ``geo_code`` (INSEE), ``value``, ``nature`` and the other key
            columns listed in ``keys`` (e.g. ``["year", "sector", "unit"]``).
        keys : list of str
            Columns that identify a value besides the geography.

        Returns
        -------
        DataFrame
            The commune rows followed by ``epci`` and ``pma`` rows. An aggregate is the sum
            of its communes. A ``secret`` commune value is unknown, never zero: the aggregate
            is the sum of the known values, flagged ``complete = False``, and stays unknown
            (``NaN``, nature ``secret``) only when every part is secret. Missing values of other
            natures are skipped; an all-missing group stays missing. An aggregate is
            ``complete`` only when all its parts are (``complete`` column, default True) and
            none is secret.
        """
        communes = df.copy()
        communes["geo_level"] = "commune"
        mapping = self.commune_to_epci
        communes["_epci"] = communes["geo_code"].map(mapping)
        if communes["_epci"].isna().any():
            bad = sorted(communes.loc[communes["_epci"].isna(), "geo_code"].unique())
            raise ConfigurationError(f"codes commune hors du territoire : {', '.join(bad[:10])}")
        communes["_pma"] = self.code
        frames = [communes.drop(columns=["_epci", "_pma"])]
        for level, col in (("epci", "_epci"), ("pma", "_pma")):
            frames.append(_sum_groups(communes, [col, *keys], value).rename(columns={col: "geo_code"})
                          .assign(geo_level=level))
        out = pd.concat(frames, ignore_index=True)
        return out[[c for c in df.columns if c in out.columns] + [c for c in out.columns if c not in df.columns]]

    def sum_epcis_to_pma(self, epcis: pd.DataFrame, keys: list[str], value: str = "value") -> pd.DataFrame:
        """Rows of the whole territory as the sum of EPCI rows (same rules as :meth:`aggregate`)."""
        rows = epcis.assign(_pma=self.code)
        return (_sum_groups(rows, ["_pma", *keys], value).rename(columns={"_pma": "geo_code"})
                .assign(geo_level="pma"))


def _sum_groups(df: pd.DataFrame, by: list[str], value: str) -> pd.DataFrame:
    """Sum each group; a secret part is unknown, never zero.

    The sum of the known parts is kept and flagged ``complete = False`` (a lower bound: the
    reader is told a part is missing); its nature is the least reliable nature of the known
    parts. A group whose parts are all secret stays unknown (``NaN``, nature ``secret``).
    """
    rank = {n: i for i, n in enumerate(NATURES)}
    secret = df["nature"].eq("secret")
    df = df.assign(_rank=df["nature"].map(rank).fillna(len(NATURES) - 1).astype(int).where(~secret, len(NATURES)),
                   _secret=secret,
                   _complete=df["complete"].astype(bool) if "complete" in df.columns else True)
    grouped = df.groupby(by, dropna=False, sort=True)
    total = grouped[value].sum(min_count=1)
    best = grouped["_rank"].min()
    nature = best.map(lambda r: NATURES[r] if r < len(NATURES) else "secret")
    out = pd.DataFrame({value: total, "nature": nature,
                        "complete": grouped["_complete"].all() & ~grouped["_secret"].any()})
    out.loc[out["nature"] == "secret", value] = float("nan")
    if "source" in df.columns:  # the distinct sources of each group, sorted, joined
        src = df[[*by, "source"]].dropna(subset=["source"]).astype({"source": str}).drop_duplicates()
        joined = src.sort_values("source").groupby(by, dropna=False, sort=True)["source"].agg(" | ".join)
        out["source"] = joined.reindex(out.index, fill_value="") if len(joined) else ""
    return out.reset_index()
