"""The fiche's two small charts, drawn in HTML (pma_eval.publish.fiches.bars and segments): lengths and
positions computed by hand."""

from __future__ import annotations

from pma_eval.publish.fiches import bars, segments, render_html


def test_bars_are_in_proportion_to_the_largest_and_a_missing_value_has_no_bar():
    out = bars([("Lens", 3.3, "#777777"), ("CALL", 4.4, "#882255"), ("Pôle", float("nan"), "#332288")],
               "t CO₂e/hab")
    # 3,3 / 4,4 = 75 % of the longest bar; the missing value: no bar, written « — », never « 0 »
    assert [b.width for b in out] == [75.0, 100.0, 0.0]
    assert [b.value for b in out] == ["3,3\u00a0t CO₂e/hab", "4,4\u00a0t CO₂e/hab", "—"]
    assert [b.highlight for b in out] == [True, False, False]  # the commune, first


def test_segments_share_one_bar_and_skip_unknown_and_empty_sectors():
    out = segments([("Résidentiel", 1.0, "#0072B2", ""), ("Tertiaire", 3.0, "#56B4E9", "//"),
                    ("Déchets", float("nan"), "#999999", "xx"), ("Agriculture", 0.0, "#009E73", "")])
    # known positive values 1 and 3: 25 % then 75 %, the second starting where the first ends
    assert [(s.label, s.left, s.width, s.share, s.hatched) for s in out] == [
        ("Résidentiel", 0.0, 25.0, "25\u00a0%", False), ("Tertiaire", 25.0, 75.0, "75\u00a0%", True)]


def test_the_fiche_writes_the_bars_as_text(built_paths):
    from pma_eval.publish.fiches import prepare

    f = prepare(2023, built_paths, codes=["62498"])[0]
    html = render_html(f)
    assert "<svg" not in html.split('class="locator"')[0]  # the charts are HTML; only the map's outline is SVG
    for b in f.bars:  # every bar's label and value are in the page's text, beside its bar
        assert f"{b.label}</th>" in html and f"width: {b.width}%" in html
