"""Annex of the annual report: methods, sources, coverage of the data, caveats."""

from __future__ import annotations

import re

import pandas as pd

from ...coverage import IMPLAUSIBLE_REASON, advice, rules_fr, extent_lines, matrix, parts_line, plausibility_lines
from ...evaluation.progress import RULE_FR
from .decide import RULES_FR as DECIDE_RULES_FR
from ...territory import NATURE_LABELS_FR
from ...vocabulary import glossary, with_accents
from ...sources.weather import DJU_CONVENTION, MISSING_DAYS_RULE, NATIONAL_INDEX_RULE
from ...narrative import section_text
from ...narrative.sentences import paragraphs
from ..blocks import Bullets, Table
from ..context import ReportContext


def method_paragraphs(ctx: ReportContext | None = None) -> list[str]:
    """The methods of the annual report, one paragraph each (``narrative/templates/annuel/methodes.yml``), with
    the rules written beside the code that applies them, and the report's territory named as its declaration
    says (« du territoire » without a report)."""
    of_whole = (ctx.territory.whole.of if ctx is not None else "") or "du territoire"
    return paragraphs("annuel/methodes.yml", regle_verdicts=RULE_FR, regle_decision=DECIDE_RULES_FR,
                      convention_dju=DJU_CONVENTION, jours_manquants=MISSING_DAYS_RULE,
                      indice_national=NATIONAL_INDEX_RULE, de_ensemble=of_whole)


#: A clause addressed to whoever maintains the data (an instruction, a command, a file), or stating what has
#: not been delivered yet: it belongs to ``execution.log`` and ``pma-eval data etat``, not to a published page.
OPERATOR_CLAUSE = re.compile(
    r"\b(?:saisissez|remplacez|utilisez|complétez|ajoutez|lancez|exécutez|les saisir|à combler avec|à remplacer"
    r"|n['’]en utiliser)\b"
    r"|pma-eval\s+(?:data|run|report|fiches|build)\b"
    r"|\b(?:docs|data|scenarios|notebooks)/"
    r"|\b[\w.-]+\.(?:csv|md|ya?ml|py|ipynb|json|parquet|xlsx?|txt|geojson|gz|zip)\b"
    r"|\bpar (?:la lecture|le lecteur)\b|\bnon conservée? ici\b"
    r"|n['’]est (?:encore )?(?:livrée?s?|saisie?s?)\b", re.IGNORECASE)
#: Workshop words of the metadata, and what a reader of the report understands instead.
OPERATOR_WORDS = {"compilation du collecteur": "compilation", " par le collecteur": "", "l'atelier publie": "le rapport publie",
                  "l'atelier l'interpole": "il est interpolé", ", statut « inferee »": ""}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀÂÉÈÊÎÔÛÇ«(])")
_CLAUSE = re.compile(r"(\s[:;—]\s)")


def published_note(text: str, others: re.Pattern | None = None) -> str:
    """A metadata note as a published page may print it: operator clauses (:data:`OPERATOR_CLAUSE`) dropped
    with their sentence when they open it, workshop words replaced (:data:`OPERATOR_WORDS`), the sentences that
    name ``others`` (another declared territory: :func:`other_territories`) dropped; ``""`` when nothing is left.

    « Valeurs fictives : remplacez-les par les sorties d'ALDO (docs/sequestration.md). » → « Valeurs fictives. »
    """
    for word, instead in OPERATOR_WORDS.items():
        text = text.replace(word, instead)
    kept = []
    for sentence in _SENTENCE.split(text.strip()):
        if others is not None and others.search(sentence):
            continue  # about another territory: not this report's business
        parts = _CLAUSE.split(sentence.rstrip(".").strip())
        clauses, seps = parts[::2], parts[1::2]
        if OPERATOR_CLAUSE.search(clauses[0]):
            continue
        out = clauses[0]
        for sep, clause in zip(seps, clauses[1:]):
            if OPERATOR_CLAUSE.search(clause):
                break  # what follows an instruction explains it
            out += sep + clause
        kept.append(out.rstrip(" ,") + ".")
    return " ".join(kept)


def other_territories(ctx: ReportContext) -> re.Pattern | None:
    """The names of the declared territories other than the report's (their names and short names, their EPCIs'
    short names, their designation when it is a proper noun, « Pôle »), as one pattern; None when there are none.
    A shared raw file's note may speak of one of them: the report of another territory does not quote it."""
    from ...declaration import all_declared
    from ...errors import ConfigurationError, InputDataError

    mine = ctx.declaration.ident if ctx.declaration is not None else None
    try:
        declared = [d for d in all_declared(ctx.paths) if d.ident != mine]
    except (ConfigurationError, InputDataError, OSError):
        return None
    words: set[str] = set()
    for d in declared:
        words |= {d.name, d.name.replace("'", "’"), d.short, *(str(e.get("nom_court")) for e in d.epcis)}
        noun = d.kind.subject.split(" ", 1)[-1].split("'", 1)[-1]
        if noun[:1].isupper():  # « le Pôle »: a proper designation
            words.add(noun)
    words -= {"", "None"}
    if ctx.declaration is not None:  # never the report's own names
        own = ctx.declaration
        words -= {own.name, own.short, own.kind.subject.split(" ", 1)[-1].split("'", 1)[-1],
                  *(str(e.get("nom_court")) for e in own.epcis)}
    if not words:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![\w-])")


def contradicted(note: str, targets: pd.DataFrame) -> bool:
    """Does the targets table used by the report contradict a note saying some targets were not found?
    (« … des PCAET du territoire non trouvés » once a PCAET target is used.)"""
    if "non trouvé" not in note or targets is None or "framework" not in targets:
        return False
    frameworks = targets["framework"].dropna().astype(str)
    local = frameworks.str.startswith("Local (PCAET").any()
    adopted = (frameworks == "Régional (SRADDET Hauts-de-France)").any()
    return bool(("PCAET" in note and local) or ("SRADDET adopté" in note and adopted))


def glossary_table(ctx=None) -> Table:
    """Every acronym and method name of the reports, spelled out (vocabulary.yml ``glossary``), with the acronyms
    of the report's territory only (its short name and its EPCIs', from its declaration); ``ctx``: the context of
    an annual report, or of a scenario report (its ``paths``)."""
    from ...declaration import in_use_or_default

    decl = (None if ctx is None else ctx.declaration if isinstance(ctx, ReportContext) else in_use_or_default(ctx.paths))
    entries = glossary(decl)
    rows = [{"Sigle ou terme": k, "Signification": v["long"][:1].upper() + v["long"][1:]
             + (f" — {v['note']}" if v.get("note") else "")} for k, v in sorted(entries.items(), key=lambda kv: kv[0].lower())]
    return Table(pd.DataFrame(rows), section_text("annexe", "tableau_glossaire"), numeric=[], long=True)


def methods(ctx: ReportContext | None = None) -> Bullets:
    return Bullets(method_paragraphs(ctx))


def _input_groups(ctx: ReportContext) -> list[dict]:
    """Build inputs grouped by (format, nature): yearly snapshots of one source become one entry."""
    groups: dict[tuple, dict] = {}
    for inp in ctx.manifest.get("inputs", []):
        if inp.get("rows") == 0:  # an empty template gave the report nothing (``pma-eval data etat`` lists it)
            continue
        key = (inp.get("format"), inp.get("nature"))
        g = groups.setdefault(key, {**inp, "files": 0, "all_years": [], "caveats": list(inp.get("caveats") or [])})
        g["files"] += 1
        g["all_years"].append(str(inp.get("years") or ""))
        for c in inp.get("caveats") or []:
            if c not in g["caveats"]:
                g["caveats"].append(c)
    for g in groups.values():
        g["title"] = with_accents(g.get("title") or "")  # metadata titles are shown as written, accents restored
        if g["files"] > 1:
            ys = sorted(g["all_years"])
            g["years"] = f"{ys[0]} à {ys[-1]}"
            g["title"] = g["title"].split(" au 31/12/")[0] + f" ({g['files']} fichiers)"
    return list(groups.values())


def caveats(ctx: ReportContext) -> Bullets:
    """Caveats of the inputs behind the report, from the build manifest, in French, without repeats."""
    out, seen, others = [], set(), other_territories(ctx)
    for g in _input_groups(ctx):
        if g.get("format") in ("communes", "epci"):
            continue
        for c in g.get("caveats") or []:
            c = published_note(c, others)
            if c and c not in seen and not contradicted(c, ctx.targets):
                seen.add(c)
                out.append(f"{g.get('title') or _input_name(g)} — {c}")
    return Bullets(out)


def _input_name(inp: dict) -> str:
    """A raw file's title, or in its absence « fichier <name> » (never its path in the project)."""
    return inp.get("title") or str(inp.get("path", "")).rsplit("/", 1)[-1]


def sources_table(ctx: ReportContext) -> Table:
    groups = _input_groups(ctx)
    frame = pd.DataFrame([{"Donnée": _input_name(g), "Producteur": published_note(g.get("producer") or "").rstrip("."),
                           "Années": str(g.get("years") or ""), "Nature": NATURE_LABELS_FR.get(g["nature"], g["nature"]),
                           "Licence": g.get("licence") or ""} for g in groups])
    return Table(frame, section_text("annexe", "tableau_sources"), numeric=[])


def coverage_table(ctx: ReportContext) -> Table:
    """The coverage matrix of ``pma-eval data etat`` up to the report's year (annex)."""
    if ctx.coverage is None or ctx.coverage.empty:
        return Table(pd.DataFrame(), section_text("annexe", "tableau_couverture"), numeric=[], long=True)
    m = matrix(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year]).reset_index()
    m.insert(0, "Donnée", (m.pop("thème") + " — " + m.pop("niveau")).map(lambda t: t[:1].upper() + t[1:]))
    m.columns = [str(c) for c in m.columns]
    return Table(m, section_text("annexe", "tableau_couverture"), numeric=[], long=True)


def coverage_notes(ctx: ReportContext) -> Bullets:
    """Legend, the rules for missing, secret and incomplete values, and what is missing (annex)."""
    legend = section_text("annexe", "legende_couverture")
    out = [legend, *rules_fr(ctx.territory.whole)]  # the report's own territory, not the one of the process
    if ctx.coverage is not None:  # what fills a gap is for ``pma-eval data etat``, not for the report
        out += [line.split(" — à combler avec")[0] + "."
                for line in advice(ctx.coverage.loc[ctx.coverage["year"] <= ctx.year])]
    titles = {inp.get("path"): _input_name(inp) for inp in ctx.manifest.get("inputs", [])}
    extent = {titles.get(path, path.rsplit("/", 1)[-1]): e for path, e in (ctx.manifest.get("extent") or {}).items()}
    # values outside the catalogue's plausible range, in the report's territory up to its year: kept, said
    members = {(ctx.geo_level, ctx.geo_code), *(("commune", c) for c in ctx.territory.members(ctx.geo_level, ctx.geo_code))}
    if ctx.geo_level == "pma":
        members |= {("epci", e) for e in ctx.territory.epcis["epci_siren"]}
    flags = [f for f in ctx.manifest.get("plausibility") or []
             if (f["geo_level"], f["geo_code"]) in members and f["year"] <= ctx.year]
    implausible = ([f"Valeurs hors de la plage plausible du catalogue, {IMPLAUSIBLE_REASON} : "
                    + " ; ".join(plausibility_lines(flags, ctx.territory, ctx.catalogue, shown=10)) + "."]
                   if flags else [])
    # the territory's incomplete sums of the year (read « au moins »): how much of its communes is known
    parts = [f"Somme incomplète, à lire « au moins » : {parts_line(e, ctx.territory)}."
             for e in ctx.manifest.get("parts") or [] if e["origin"] == "aggregate" and e["year"] == ctx.year
             and (e["geo_level"], e["geo_code"]) == (ctx.geo_level, ctx.geo_code)]
    return Bullets(out + extent_lines(extent) + implausible + parts)
