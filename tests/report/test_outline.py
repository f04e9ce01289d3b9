"""Issue 23, design: a report section is one object (heading, blocks, condition, fallback) in one outline per
document; the annual notebook and the EPCI syntheses show the same sections; their texts live once, in
``narrative/templates/sections.yml``."""

from __future__ import annotations

import ast
import json
import re
from types import SimpleNamespace

from pma_eval.narrative import section_text
from pma_eval.narrative.sentences import sections
from pma_eval.report import Text, outline
from pma_eval.report.outline import ANNUAL, SYNTHESIS, Outline, Section, Title

from ..conftest import REPO

NOTEBOOK = REPO / "notebooks" / "reports" / "annual_evaluation.ipynb"


def _ctx(**kw):
    """An EPCI's report context, as far as the texts read it: its names and those of its whole territory (issue 27:
    the texts take them from the declaration, :func:`pma_eval.report.context.names`)."""
    import pandas as pd

    from pma_eval.declaration import Whole

    whole = Whole("TT", "Territoire test", "du Territoire test", "le territoire", "du territoire", "au territoire",
                  "masculin", "TT")
    territory = SimpleNamespace(whole=whole, epcis=pd.DataFrame({"epci_siren": ["200000001", "200000002"]}))
    return SimpleNamespace(year=2023, name="CALL", of_name="de la CALL", sigle="CALL", geo_level="epci",
                           geo_code="200000001", territory=territory, declaration=None, programme="", activity=None,
                           **kw)


def test_every_section_has_its_texts_in_the_yaml():
    texts = sections()
    for doc in (ANNUAL, SYNTHESIS):
        for s in doc:
            if s.heading:
                assert texts[s.key].get(s.heading_field) or texts[s.key].get("titre"), s.key
            if s.fallback:
                assert texts[s.key].get(s.fallback), (s.key, s.fallback)


def test_the_annual_sections_are_numbered_and_the_synthesis_ones_are_not():
    titles = [s.title(_ctx()) for s in ANNUAL]
    numbered = [t.text for t in titles if t and re.match(r"\d\. ", t.text)]
    assert numbered[0] == "1. Population" and numbered[-1].startswith("8. ")
    assert all(s.number is None for s in SYNTHESIS)
    assert SYNTHESIS.sections[1].title(_ctx()).text == "Émissions de gaz à effet de serre"


def test_the_synthesis_headings_are_those_of_the_yaml():
    assert [s.title(_ctx()).text for s in SYNTHESIS] == [
        "L'essentiel", "Émissions de gaz à effet de serre", "Les communes", "Énergie et renouvelables",
        "Qualité de l'air", "Engagements et actions de la CALL"]


def test_a_heading_of_level_2_or_with_an_introduction_is_markdown_for_the_table_of_contents():
    ctx = _ctx()
    population = ANNUAL["population"].title(ctx)
    assert population.as_markdown and population.markdown.startswith("## 1. Population\n\nLa population légale")
    assert not ANNUAL["facteurs"].title(ctx).as_markdown  # a bare sub-heading: a Heading block
    assert ANNUAL["comparaison"].title(ctx).markdown.startswith("### Comparaison avec des territoires comparables\n\n")


def test_a_section_without_its_data_shows_its_fallback_and_the_synthesis_leaves_it_out():
    s = Section("air", lambda ctx, **_: [Text("jamais")], condition=lambda ctx: False, fallback="repli")
    shown = s.content(_ctx())
    assert [b.text for b in shown] == [section_text("air", "repli")]
    assert s.variant(fallback=None).content(_ctx()) == []
    # blocks that cannot be made (None) also give the fallback
    unmade = Section("facteurs", lambda ctx, **_: None, fallback="repli")
    assert unmade.content(_ctx())[0].text.startswith("Décomposition impossible")


def test_parts_follow_without_their_headings_and_options_reach_the_blocks():
    seen = {}

    def blocks(ctx, n=1, **extra):
        seen.update(n=n, **extra)
        return [Text(f"n={n}"), None]

    part = Section("carte", lambda ctx, **_: [Text("carte")], level=3)
    s = Section("essentiel", blocks, options={"n": 5}, parts=(part,))
    rendered = s.render(_ctx(), shapes="formes")
    assert isinstance(rendered[0], Title) and rendered[0].text == "L'essentiel"
    assert [b.text for b in rendered[1:]] == ["n=5", "carte"]
    assert seen == {"n": 5, "shapes": "formes"}


def test_outline_numbers_follow_the_order():
    doc = Outline("essai", [Section("population", numbered=True), Section("synthese"), Section("air", numbered=True)])
    assert [s.number for s in doc] == [1, None, 2]
    assert doc["air"].title(_ctx()).text.startswith("2. Qualité de l'air")


def test_texts_are_jinja_templates_of_the_context():
    assert section_text("couverture", "titre", annee=2023, nom="CALL") == "Rapport annuel d'évaluation 2023 — CALL"
    assert section_text("actions", "inconnu") is None


def test_the_notebook_shows_one_section_per_cell_in_the_outline_order():
    """No heading or sentence is written in the notebook: each cell renders one section of the outline."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert not [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    shown = []
    for c in nb["cells"]:
        if c["cell_type"] != "code" or set(c["metadata"].get("tags", [])) & {"parameters", "remove"}:
            continue
        source = "".join(c["source"])
        keys = re.findall(r'ANNUAL\["(\w+)"\]', source)
        assert len(keys) == 1, source
        shown += keys
        strings = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert strings == keys, source  # no other literal text
        # the comment names the functions that make the section's objects, as the outline has them
        calls = ANNUAL[keys[0]].calls()
        assert source.splitlines()[0] == "# " + (", ".join(calls) if calls else "titre et introduction"), source
    assert shown == ANNUAL.keys()


def test_the_synthesis_shares_the_annual_sections_blocks():
    for s in SYNTHESIS:
        if s.key != "communes":
            assert s.blocks is ANNUAL[s.key].blocks, s.key
    assert SYNTHESIS["communes"].parts[0] is ANNUAL["carte"]
    assert outline.synthesis_sections.__module__ == "pma_eval.report.outline"
