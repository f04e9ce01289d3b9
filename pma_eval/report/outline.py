"""The plan of each document: its sections, in order, as objects.

A :class:`Section` is a heading, an introduction, a function that returns the section's blocks, an optional
condition and a fallback sentence shown when the condition fails (or when the blocks cannot be made). Its texts
(heading, introduction, fallback, captions) are read from ``pma_eval/narrative/templates/sections.yml``, editable
without touching Python; the blocks come from :mod:`pma_eval.report.annual` and :mod:`pma_eval.report.network`.

Two outlines share the same sections:

- :data:`ANNUAL`, the annual report (``notebooks/reports/annual_evaluation.ipynb``: one cell per section,
  ``show(*ANNUAL["emissions"].render(ctx))``);
- :data:`SYNTHESIS`, the EPCI syntheses (:mod:`pma_eval.publish.epci`): variants of the annual sections
  (fewer blocks, no fallback, their own heading where ``titre_synthese`` gives one).

In a notebook, ``ANNUAL["emissions"].content(ctx)`` is the list of real objects the section shows
(``[Figure, Table]``: ``.data``, ``.frame``), and ``ANNUAL["emissions"].blocks`` the function that makes them.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

from ..narrative import section_text
from . import annual as a
from . import network as n
from .blocks import Block, Heading, Text, nature_note
from .context import DEMO_BANNER, ReportContext, names

Blocks = Callable[..., "Iterable[Block | None] | None"]


def text_values(ctx: ReportContext) -> dict[str, Any]:
    """The variables of the texts of ``sections.yml``: ``annee``, ``nom``, ``de_nom``, ``sigle``, and the names of
    the whole territory, its EPCIs and its programme (:func:`pma_eval.report.context.names`)."""
    return {"annee": ctx.year, "nom": ctx.name, "de_nom": ctx.of_name, "sigle": ctx.sigle, **names(ctx)}


def texts(key: str, field_: str, ctx: ReportContext | None = None) -> str | None:
    """Text ``field_`` of section ``key`` (``sections.yml``), rendered for ``ctx``."""
    return section_text(key, field_, **(text_values(ctx) if ctx is not None else {}))


@dataclass(frozen=True)
class Title:
    """A section's heading and introduction, as a notebook shows them.

    A level-2 heading, or one with an introduction, is shown as Markdown: the notebook export gives it its
    anchor, which the table of contents lists; a bare sub-heading is a :class:`~pma_eval.report.blocks.Heading`.
    """

    text: str
    level: int = 2
    intro: str | None = None

    @property
    def markdown(self) -> str:
        return "#" * self.level + " " + self.text + (f"\n\n{self.intro}" if self.intro else "")

    @property
    def as_markdown(self) -> bool:
        return self.level == 2 or bool(self.intro)

    def blocks(self) -> list[Block]:
        """The heading (and introduction) as report blocks, for documents rendered without a notebook."""
        return [Heading(self.text, self.level), *([Text(self.intro)] if self.intro else [])]

    def _repr_markdown_(self) -> str:
        return self.markdown


_CALL = re.compile(r"\b([an]\.\w+)\(")


@dataclass(frozen=True)
class Section:
    """One section of a document.

    ``blocks(ctx, **options, **extra)`` returns the section's blocks (``None`` entries are skipped), or ``None``
    when they cannot be made (then the fallback is shown); ``condition(ctx)`` says whether the data are there;
    ``fallback`` is the field of ``sections.yml`` shown instead (``None``: nothing). ``parts`` are other
    sections whose content follows this one's, without their headings. ``heading=False``: a section without
    heading (a verdict table under the section before it).
    """

    key: str
    blocks: Blocks | None = None
    level: int = 2
    condition: Callable[[ReportContext], bool] | None = None
    fallback: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    parts: tuple["Section", ...] = ()
    heading: bool = True
    heading_field: str = "titre"
    numbered: bool = False
    number: int | None = None

    def calls(self) -> list[str]:
        """The functions of :mod:`~pma_eval.report.annual` (``a.``) and :mod:`~pma_eval.report.network` (``n.``)
        that make the section's blocks, parts included: what an analyst calls to get one of its objects."""
        found = _CALL.findall(inspect.getsource(self.blocks)) if self.blocks else []
        for part in self.parts:
            found += part.calls()
        return list(dict.fromkeys(found))

    def __repr__(self) -> str:
        calls = ", ".join(self.calls()) or "aucun bloc"
        return f"<Section « {self.key} » : {calls}>"

    def variant(self, **changes: Any) -> "Section":
        """The same section with some fields changed (``options``, ``fallback``, ``heading_field``…)."""
        return replace(self, **changes)

    def title(self, ctx: ReportContext, intro: bool = True) -> Title | None:
        """The heading (numbered in the annual report) and the introduction, or None without heading."""
        if not self.heading:
            return None
        text = texts(self.key, self.heading_field, ctx) or texts(self.key, "titre", ctx)
        if text is None:
            return None
        if self.number is not None:
            text = f"{self.number}. {text}"
        return Title(text, self.level, texts(self.key, "introduction", ctx) if intro else None)

    def applies(self, ctx: ReportContext) -> bool:
        return self.condition is None or bool(self.condition(ctx))

    def content(self, ctx: ReportContext, **extra: Any) -> list[Block]:
        """The section's blocks without its heading: its own, then its parts'; the fallback sentence where the
        condition fails or the blocks cannot be made; ``[]`` when there is nothing to show."""
        made = self.blocks(ctx, **{**self.options, **extra}) if self.blocks and self.applies(ctx) else None
        if made is None and (self.blocks or not self.applies(ctx)):
            fallback = texts(self.key, self.fallback, ctx) if self.fallback else None
            return [Text(fallback)] if fallback else []
        out = [b for b in (made or []) if b is not None]
        for part in self.parts:
            out += part.content(ctx, **extra)
        return out

    def render(self, ctx: ReportContext, **extra: Any) -> list[Title | Block]:
        """The heading (a :class:`Title`), then :meth:`content`: what a notebook cell shows."""
        title = self.title(ctx)
        return ([title] if title else []) + self.content(ctx, **extra)


class Outline:
    """The sections of one document, in order; ``outline["emissions"]``; numbered sections get their number."""

    def __init__(self, name: str, sections: Iterable[Section], numbering: bool = True):
        self.name = name
        numbered, out = 0, []
        for s in sections:
            if numbering and s.numbered:
                numbered += 1
                s = s.variant(number=numbered)
            elif s.number is not None:
                s = s.variant(number=None)
            out.append(s)
        self.sections = out
        self._by_key = {s.key: s for s in out}

    def __getitem__(self, key: str) -> Section:
        return self._by_key[key]

    def __iter__(self):
        return iter(self.sections)

    def keys(self) -> list[str]:
        return [s.key for s in self.sections]


def show_in(doc) -> Callable[..., None]:
    """``show`` for a report notebook: a :class:`Title` as Markdown (or a heading block), the blocks between two
    Markdown titles through one ``doc.show`` call (:class:`~pma_eval.report.blocks.Document`, which records them
    for the annex and sets a chart and the small table after it side by side)."""

    def show(*items: Title | Block | None) -> None:
        from IPython.display import Markdown, display

        run: list[Block | None] = []
        for item in items:
            if isinstance(item, Title) and item.as_markdown:
                if run:
                    doc.show(*run)
                    run = []
                display(Markdown(item.markdown))
            elif isinstance(item, Title):
                run += item.blocks()
            else:
                run.append(item)
        if run:
            doc.show(*run)

    return show


# --- the blocks of each section -------------------------------------------------------------------------------


def _cover(ctx: ReportContext, **_) -> list:
    return [Text(texts("couverture", "sous_titre", ctx), "subtitle"),
            Text(DEMO_BANNER, "demo-banner") if a.has_demonstration(ctx) else None]


def _decide(ctx: ReportContext, **_) -> list:
    return [a.decide_page(ctx), Text("", "toc-here")]  # the table of contents follows this page


def _essential(ctx: ReportContext, n: int = 4, summaries: bool = True, **_) -> list:
    return [a.key_sentences(ctx, n=n, short_caveat=True), a.headline_table(ctx),
            *([a.emissions_summary(ctx), a.energy_summary(ctx), a.enr_summary(ctx), a.incomplete_note(ctx)]
              if summaries else [])]


def _population(ctx: ReportContext, **_) -> list:
    return [a.population_table(ctx)]


def _emissions(ctx: ReportContext, sectors: bool = True, **_) -> list:
    return [a.emissions_figure(ctx),
            a.sector_table(ctx, "ges_", a.PCAET, "ges_total", texts("emissions", "tableau", ctx)) if sectors else None]


def _verdicts(key: str, theme: str | None = None, ids: list[str] | None = None) -> Blocks:
    """A verdict table of the section ``key``: the indicators of ``theme`` (or ``ids``), captioned by the
    ``tableau`` text (option ``caption``: another field), referred to the annex (option ``see``: a field)."""

    def blocks(ctx: ReportContext, caption: str = "tableau", see: str | None = None,
               only: list[str] | None = None, **_) -> list:
        chosen = only or ids or ctx.catalogue.ids(theme=theme)
        extra = {"see": texts(key, see, ctx)} if see else {}
        return [a.verdict_table(ctx, chosen, texts(key, caption, ctx), **extra)]

    return blocks


def _drivers(ctx: ReportContext, **_) -> list | None:
    figure = a.drivers_figure(ctx)
    return [figure, a.drivers_sentence(ctx, figure.data, ctx.first_year)] if figure else None


def _map(ctx: ReportContext, shapes: dict | None = None, **_) -> list:
    from ..processed import load_shapes

    return [a.map_figure(ctx, shapes if shapes is not None else load_shapes(ctx.paths)),
            # the EPCIs beside the whole: absent for a territory of one EPCI (a chart of itself twice)
            a.epci_figure(ctx) if ctx.geo_level == "pma" and len(ctx.territory.epcis) > 1 else None]


def _comparison(ctx: ReportContext, **_) -> list | None:
    figure = a.comparison_figure(ctx)
    return [figure, a.comparison_sentence(ctx)] if figure else None


def _communes(ctx: ReportContext, **_) -> list:
    return [a.communes_table(ctx)]


def _energy(ctx: ReportContext, tables: bool = True, **_) -> list:
    return [a.energy_figure(ctx),
            *([a.sector_table(ctx, "conso_", a.ENERGY_SECTORS, "conso_energie_finale", texts("energie", "tableau", ctx)),
               a.carrier_table(ctx)] if tables else [])]


def _climate(ctx: ReportContext, **_) -> list:
    return [a.climate_sentence(ctx), a.climate_table(ctx), a.degree_days_text(ctx)]


def _energy_networks(ctx: ReportContext, **_) -> list:
    return [a.networks_sentence(ctx), a.bill_table(ctx)]


def _levels(theme: str) -> Blocks:
    def blocks(ctx: ReportContext, **_) -> list | None:
        figure = a.level_figure(ctx, theme)
        return [figure, a.level_sentence(ctx, theme)] if figure else None

    return blocks


def _renewables(ctx: ReportContext, **_) -> list:
    return [a.enr_figure(ctx)]


def _heat(ctx: ReportContext, share_only: bool = False, **_) -> list:
    return [a.share_sentence(ctx), *([] if share_only else [a.heat_figure(ctx), a.heat_table(ctx)])]


def _air(ctx: ReportContext, summary_only: bool = False, **_) -> list:
    if summary_only:
        return [a.air_summary(ctx)]
    return [a.air_summary(ctx), a.air_figure(ctx), a.air_table(ctx),
            a.verdict_table(ctx, ctx.catalogue.ids(theme="air"), texts("air", "tableau", ctx))]


def _sequestration(ctx: ReportContext, **_) -> list:
    return [a.net_sentence(ctx), a.land_use_table(ctx),
            a.verdict_table(ctx, ["ges_nettes"], texts("sequestration", "tableau", ctx))]


def _mobilisation(ctx: ReportContext, **_) -> list:
    return [n.network_sentences(ctx), n.network_table(ctx), n.participation_figure(ctx)]


def _actions(ctx: ReportContext, concretisation_only: bool = False, **_) -> list:
    if concretisation_only:
        return [n.concretisation_text(ctx)]
    return [n.actions_table(ctx), n.concretisation_text(ctx), n.late_actions_table(ctx)]


def _annex(ctx: ReportContext, natures: Iterable[str] = (), **_) -> list:
    """Methods, sources, other targets, coverage, caveats, glossary; ``natures``: those of the blocks the
    document showed before (``doc.natures``)."""
    t = lambda f: texts("annexe", f, ctx)  # noqa: E731
    return [Heading(t("methodes"), 3), a.methods(ctx), Text(nature_note(natures)), Text(t("objectifs_a_verifier")),
            a.sources_table(ctx),
            Heading(t("autres_objectifs"), 3), a.annex_targets(ctx),
            Heading(t("objectifs_non_evaluables"), 3), a.unassessable_targets(ctx),
            Heading(t("couverture"), 3), a.coverage_table(ctx), a.coverage_notes(ctx),
            Heading(t("mises_en_garde"), 3), a.caveats(ctx),
            Heading(t("glossaire"), 3), a.glossary_table(ctx)]


# --- the outlines ---------------------------------------------------------------------------------------------

ANNUAL = Outline("rapport_annuel", [
    Section("couverture", _cover, level=1),
    Section("decider", _decide),
    Section("synthese"),
    Section("essentiel", _essential, level=3),
    Section("population", _population, numbered=True),
    Section("emissions", _emissions, numbered=True),
    Section("emissions_objectifs", _verdicts("emissions_objectifs", theme="emissions"), level=3),
    Section("facteurs", _drivers, level=3, fallback="repli"),
    Section("carte", _map, level=3),
    Section("comparaison", _comparison, level=3, fallback="repli"),
    Section("energie", _energy, numbered=True),
    Section("climat", _climate, level=3, condition=a.has_climate, fallback="repli"),
    Section("reseaux_energie", _energy_networks, level=3, condition=a.has_networks, fallback="repli"),
    Section("energie_objectifs", _verdicts("energie_objectifs", theme="energie"), heading=False),
    Section("niveaux_electricite", _levels("electricite"), level=3, fallback="repli"),
    Section("renouvelables", _renewables, numbered=True),
    Section("chaleur", _heat, level=3, condition=a.has_heat, fallback="repli"),
    Section("renouvelables_objectifs", _verdicts("renouvelables_objectifs", theme="enr"), heading=False),
    Section("niveaux_enr", _levels("enr"), level=3, fallback="repli"),
    Section("air", _air, condition=a.has_air, fallback="repli", numbered=True),
    Section("sequestration", _sequestration, condition=a.has_sequestration, fallback="repli", numbered=True),
    Section("mobilisation", _mobilisation, condition=n.has_activity, fallback="repli", numbered=True),
    Section("actions", _actions, condition=n.has_activity, numbered=True),
    Section("annexe", _annex),
])

#: The EPCI synthesis: the same sections, fewer blocks each, no fallback (a section without data is left out),
#: their synthesis heading where ``sections.yml`` gives one. Each is an ``<h2>`` of the synthesis.
SYNTHESIS = Outline("synthese_epci", [
    ANNUAL["essentiel"].variant(level=2, options={"n": 5, "summaries": False}),
    ANNUAL["emissions"].variant(options={"sectors": False}, parts=(
        ANNUAL["emissions_objectifs"].variant(options={"only": ["ges_total"], "caption": "tableau_synthese",
                                                       "see": "renvoi_synthese"}),)),
    Section("communes", parts=(ANNUAL["carte"], Section("communes", _communes, heading=False))),
    ANNUAL["energie"].variant(heading_field="titre_synthese", options={"tables": False}, parts=(
        ANNUAL["chaleur"].variant(options={"share_only": True}, fallback=None),)),
    ANNUAL["air"].variant(heading_field="titre_synthese", options={"summary_only": True}, fallback=None),
    # the commitments need the registers only, not the participation indicators of the networks
    ANNUAL["actions"].variant(heading_field="titre_synthese", options={"concretisation_only": True},
                              condition=lambda ctx: bool(ctx.activity)),
], numbering=False)


def synthesis_sections(ctx: ReportContext, **extra: Any) -> list[tuple[str, list[Block]]]:
    """The EPCI synthesis as (heading, blocks): the sections of :data:`SYNTHESIS` that have something to show."""
    out = []
    for s in SYNTHESIS:
        blocks = s.content(ctx, **extra)
        title = s.title(ctx, intro=False)
        if blocks and title is not None:
            out.append((title.text, blocks))
    return out
