"""Sentence builders. Pure functions: numbers in, French text out."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable
from pathlib import Path

import jinja2
from ..yamltext import safe_load

from .. import fmt
from ..territory import worst_nature

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The one stability threshold: a change smaller than 1 % (in absolute value) over the period
#: compared is called "stable", in the narrative sentences and in the report's key figures alike.
STABLE = 0.01
CAVEATS = {
    "demonstration": "Ces chiffres sont des données de démonstration, pas des observations.",
    "estimated": "Ces chiffres sont en partie estimés.",
}
#: Short caveats, for documents that already carry a banner (fiches, syntheses).
SHORT_CAVEATS = {"demonstration": "(données de démonstration)", "estimated": "(en partie estimé)"}


def _caveat(nature: str, short: bool) -> str | None:
    return (SHORT_CAVEATS if short else CAVEATS).get(nature)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    # Plain text output (no HTML): autoescaping is applied where the text is placed in HTML.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                              undefined=jinja2.StrictUndefined)


@lru_cache(maxsize=1)
def subjects() -> dict:
    return safe_load((TEMPLATES / "sujets.yml").read_text(encoding="utf-8"))


def render(name: str, **kw) -> str:
    """A sentence of ``narrative/templates/<name>`` (jinja2, editable without touching Python), its
    template whitespace collapsed (never the no-break spaces of the numbers)."""
    return re.sub(r"[ \t\r\n]+", " ", _env().get_template(name).render(**kw)).strip()


_render = render


@lru_cache(maxsize=1)
def sections() -> dict:
    """The texts of the report sections (``templates/sections.yml``): headings, introductions, fallbacks."""
    return safe_load((TEMPLATES / "sections.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _section_template(key: str, field: str) -> jinja2.Template | None:
    text = sections().get(key, {}).get(field)
    return None if text is None else _env().from_string(text)


def paragraphs(name: str, **kw) -> list[str]:
    """The paragraphs of ``templates/<name>``, a YAML list of jinja2 templates (the annex's methods), each rendered
    with ``kw`` and its whitespace collapsed as :func:`render` does."""
    items = safe_load((TEMPLATES / name).read_text(encoding="utf-8"))
    return [re.sub(r"[ \t\r\n]+", " ", _env().from_string(t).render(**kw)).strip() for t in items]


def section_text(key: str, field: str, **kw) -> str | None:
    """Text ``field`` (``titre``, ``introduction``, ``repli``…) of section ``key`` in ``templates/sections.yml``,
    a jinja2 template rendered with ``kw`` (``annee``, ``nom``, ``de_nom``, ``sigle``), its whitespace
    collapsed as :func:`render` does; None when the section has no such text."""
    template = _section_template(key, field)
    if template is None:
        return None
    return re.sub(r"[ \t\r\n]+", " ", template.render(**kw)).strip()


@dataclass(frozen=True)
class Sentence:
    text: str
    materiality: float
    indicator_id: str
    nature: str = "observed"


def _agree(word: str, genre: str, nombre: str) -> str:
    """Past participle agreement with « être » : ``resté`` → ``restée``, ``restés``, ``restées``."""
    return word + ("e" if genre == "f" else "") + ("s" if nombre == "pl" else "")


def _verb(change: float, nombre: str, genre: str, direction: str) -> str:
    """« ont baissé », « a augmenté », « sont restées stables »…"""
    aux = "ont" if nombre == "pl" else "a"
    if abs(change) < STABLE:
        etre = "sont" if nombre == "pl" else "est"
        return f"{etre} {_agree('resté', genre, nombre)} {'stables' if nombre == 'pl' else 'stable'}"
    return f"{aux} {'baissé' if change < 0 else 'augmenté'}"


def judgement(change: float, direction: str) -> str:
    """« amélioration » or « dégradation » given the desired direction (empty when neutral)."""
    if direction == "none" or abs(change) < STABLE:
        return ""
    good = (change < 0) == (direction == "decrease")
    return "amélioration" if good else "dégradation"


def subject(indicator_id: str, of_territory: str) -> tuple[str, str, str]:
    s = subjects().get(indicator_id)
    if s is None:
        raise KeyError(f"no subject for {indicator_id} in sujets.yml")
    sujet = s["sujet"]
    if "{{" in sujet:  # names the whole territory (« aux événements {{ de_ensemble }} »): from its declaration
        from ..declaration import whole_in_use

        sujet = _env().from_string(sujet).render(de_ensemble=whole_in_use().of or "du territoire")
    return f"{sujet} {of_territory}".strip(), s["genre"], s["nombre"]


def evolution_sentence(indicator_id: str, of_territory: str, start: int, start_value: float, end: int,
                       end_value: float, direction: str = "decrease", target: dict | None = None,
                       nature: str = "observed", short_caveat: bool = False,
                       pace: Callable[[float], str] | None = None) -> Sentence | None:
    """« Entre 2012 et 2023, les émissions … du Pôle ont baissé de 20 % (−63 kt CO₂e/an en moyenne) ; de
    2018 à 2023, le rythme a été de −70,2 kt CO₂e/an, pour −70,4 kt CO₂e/an nécessaires … ».

    Parameters
    ----------
    target : dict, optional
        The verdict of the one target named, as the verdict table gives it: ``{"year": 2030, "framework":
        "du SRADDET", "period": "2018 à 2023", "observed": "−70,2 kt CO₂e/an", "required":
        "−70,4 kt CO₂e/an", "verdict": "progrès significatif", "achieved": False, "away": False,
        "verified": True, "off_track": False}``. The paces arrive formatted in the indicator's unit; the
        sentence does not judge: it repeats the verdict.
    pace : callable, optional
        ``slope -> text`` in the indicator's unit per year (:func:`pma_eval.report.statement.pace_text`):
        the sentence's own average pace is then « (−63 kt CO₂e/an en moyenne) ». Without it, the
        compound rate « (−2,0 % par an) ».
    nature : str
        Least reliable nature of the values: adds a caveat for ``estimated`` and ``demonstration``.

    Returns ``None`` when a value is missing.
    """
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (start_value, end_value)) or not start_value:
        return None
    change = end_value / start_value - 1
    years = end - start
    sujet_complet, genre, nombre = subject(indicator_id, of_territory)
    stable = abs(change) < STABLE
    if pace is not None:
        rythme = f"{pace((end_value - start_value) / max(years, 1))} en moyenne"
    else:  # the compound average rate, as readers understand « % par an »
        rate = ((end_value / start_value) ** (1 / years) - 1 if years > 0 and end_value > 0 and start_value > 0
                else change / max(years, 1))
        rythme = f"{fmt.percent(rate, 1, signed=True)} par an"
    objectif = None
    if target:
        objectif = _render("objectif.j2", atteint=target.get("achieved", False), en_recul=target.get("away", False),
                           periode=target.get("period", ""), rythme_periode=target.get("observed", ""),
                           rythme_requis=target.get("required", ""), verdict=target.get("verdict", ""),
                           annee=target["year"], cadre=target["framework"], non_verifie=not target.get("verified", True))
    text = _render("evolution.j2", debut=start, fin=end, sujet_complet=sujet_complet,
                   verbe=_verb(change, nombre, genre, direction),
                   # one rounding per quantity: a change under 10 % keeps its decimal, as the key-figure cards
                   variation=None if stable else fmt.percent(abs(change), 1 if abs(change) < 0.1 else 0),
                   rythme=rythme, objectif=objectif, mise_en_garde=_caveat(nature, short_caveat))
    text = text[0].upper() + text[1:]
    # Materiality: size of the change (capped at 100 %), plus weight when a target is being missed,
    # plus weight for total emissions, the strategy's first indicator.
    off_track = bool(target) and bool(target.get("off_track"))
    materiality = min(abs(change), 1.0) + (0.5 if off_track else 0.0) + (0.3 if indicator_id == "ges_total" else 0.0)
    return Sentence(text, materiality, indicator_id, nature)


def _position(value: float, other: float, genre: str, nombre: str, complete: bool = True,
              other_complete: bool = True) -> str | None:
    """« égales à », « proches de », « inférieure à », « supérieurs à »: the value against one comparator
    (within ±5 %: close).

    An incomplete total is a lower bound (its true value is at least the one shown). The position is
    then given only when it holds whatever the missing part: a lower bound clearly above a complete
    comparator is « supérieur », a value clearly below a comparator's lower bound is « inférieur »;
    otherwise ``None`` (no comparison). Two lower bounds are never compared.
    """
    if value == other and complete and other_complete:
        return {("m", "sg"): "égal", ("f", "sg"): "égale", ("m", "pl"): "égaux", ("f", "pl"): "égales"}[(genre, nombre)] + " à"
    if other == 0:
        ratio = math.inf
    else:
        ratio = value / other
    if not (complete and other_complete):
        if complete == other_complete:  # two lower bounds
            return None
        # the incomplete one can only be larger than shown: its side of the gap can only widen
        holds = ratio - 1 >= CLOSE if not complete else ratio - 1 <= -CLOSE
        if not holds:
            return None
    if abs(ratio - 1) < CLOSE:
        return "proches de" if nombre == "pl" else "proche de"
    return _agree("inférieur" if ratio < 1 else "supérieur", genre, nombre) + " à"


#: Within ±5 % of a comparator, a value is said to be close to it.
CLOSE = 0.05


def comparison_sentence(indicator_id: str, of_territory: str, year: int, value: float, unit: str,
                        epci_name: str, epci_value: float, pma_value: float, decimals: int = 1,
                        nature: str = "observed", short_caveat: bool = False, complete: bool = True,
                        epci_complete: bool = True, pma_complete: bool = True, du_tout: str | None = None,
                        le_tout: str | None = None) -> Sentence | None:
    """« En 2016, les émissions par habitant de Lens sont de 3,9 t CO₂e, inférieures à celles de la CALL … ».

    The commune is compared with its EPCI and with the Pôle **separately**: « supérieures à celles de la
    CALL (4,2) mais inférieures à celles du Pôle (5,1) » when the two comparisons differ. ``pma_value`` None: the
    territory is one EPCI (its whole is that EPCI), compared once.

    ``complete``, ``epci_complete``, ``pma_complete``: whether each total is complete (the indicators
    table's ``complete`` column). An incomplete total is written « au moins … » and compared only where
    the comparison holds whatever its missing part (:func:`_position`); otherwise the sentence says
    « comparaison non faite » and names the value it does not compare with.

    ``du_tout``, ``le_tout``: the whole territory after « de » and as a subject (« du Pôle », « le Pôle »; « de
    l'agglomération », « l'agglomération »), from its declaration; default: those of the territory in use
    (:func:`pma_eval.declaration.whole_in_use`).
    """
    alone = pma_value is None  # a territory of one EPCI: its whole is that EPCI, compared once
    if any(v is None or (isinstance(v, float) and math.isnan(v))
           for v in (value, epci_value) + (() if alone else (pma_value,))):
        return None
    sujet_complet, genre, nombre = subject(indicator_id, of_territory)
    position_epci = _position(value, epci_value, genre, nombre, complete, epci_complete)
    position_pma = None if alone else _position(value, pma_value, genre, nombre, complete, pma_complete)
    contrast = {(position_epci or "").split(" ")[0][:5], (position_pma or "").split(" ")[0][:5]} == {"infér", "supér"}

    def q(v: float, whole: bool = True) -> str:
        text = f"{fmt.number(v, decimals)}\u00a0{unit}" if unit else fmt.number(v, decimals)
        return text if whole else "au moins " + text

    # The demonstrative pronoun agrees with the subject: celle, celles, celui, ceux.
    celle = {("f", "sg"): "celle", ("f", "pl"): "celles", ("m", "sg"): "celui", ("m", "pl"): "ceux"}[(genre, nombre)]
    undecided_incomplete = [c for p, c in ((position_epci, epci_complete),) + (() if alone else ((position_pma, pma_complete),))
                            if p is None]
    if du_tout is None or le_tout is None:
        from ..declaration import whole_in_use

        whole = whole_in_use()
        du_tout = du_tout if du_tout is not None else (whole.of or "du territoire")
        le_tout = le_tout if le_tout is not None else (whole.subject or "le territoire")
    text = _render("comparaison.j2", annee=year, sujet_complet=sujet_complet, du_tout=du_tout, le_tout=le_tout,
                   verbe_etre="sont" if nombre == "pl" else "est", valeur=q(value), au_moins=not complete,
                   position_epci=position_epci, position_pma=position_pma, liaison="mais" if contrast else "et",
                   celle=celle, epci=epci_name, valeur_epci=q(epci_value, epci_complete),
                   valeur_pma=None if alone else q(pma_value, pma_complete), seul=alone,
                   totaux_incomplets=sum(not c for c in undecided_incomplete) if complete else 0,
                   mise_en_garde=_caveat(nature, short_caveat))
    gap = max([abs(value / c - 1) if c else (0.0 if value == 0 else 1.0)
               for c, p in ((epci_value, position_epci), (pma_value, position_pma)) if p is not None] or [0.0])
    return Sentence(text[0].upper() + text[1:], gap, indicator_id, nature)


def rank(sentences: list[Sentence | None], n: int | None = None) -> list[Sentence]:
    """Sentences by decreasing materiality (missing ones dropped)."""
    kept = sorted((s for s in sentences if s is not None), key=lambda s: -s.materiality)
    return kept[:n] if n else kept


def territory_sentences(get, of_territory: str, start: int, end: int, directions: dict[str, str],
                        targets: dict[str, dict] | None = None, ids: list[str] | None = None,
                        short_caveat: bool = False, pace=None) -> list[Sentence]:
    """Evolution sentences for a territory, ranked by materiality.

    ``get(indicator_id, year) -> (value, nature)`` reads the values; ``targets`` maps an indicator
    id to the target dict of :func:`evolution_sentence`; ``pace(indicator_id, slope) -> text`` writes a
    pace in the indicator's unit per year.
    """
    ids = ids or ["ges_total", "ges_par_habitant", "conso_energie_finale", "enr_elec_production",
                  "ges_transport_routier", "ges_residentiel", "enr_puissance_solaire_pv"]
    out = []
    for iid in ids:
        v0, n0 = get(iid, start)
        v1, n1 = get(iid, end)
        nature = worst_nature([n0, n1])
        out.append(evolution_sentence(iid, of_territory, start, v0, end, v1, directions.get(iid, "none"),
                                      (targets or {}).get(iid), nature, short_caveat,
                                      (lambda x, i=iid: pace(i, x)) if pace else None))
    return rank(out)
