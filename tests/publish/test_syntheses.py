"""The EPCI syntheses' writer (the syntheses themselves are checked on the session's yearly run, tests/e2e)."""

from __future__ import annotations

import pytest

from pma_eval.errors import ConfigurationError


def test_an_unknown_acronym_is_refused_before_anything_is_written(built_paths, tmp_path):
    from pma_eval.publish.epci import write_syntheses

    out = tmp_path / "epci"
    with pytest.raises(ConfigurationError) as err:
        write_syntheses(2023, built_paths, out_dir=out, only=["CAHC", "CAPSO"])
    assert "CAPSO" in str(err.value) and "connues : CABBALR, CAHC, CALL" in str(err.value)
    assert not out.exists()


def test_a_visual_drawn_once_gives_the_bytes_of_a_fresh_copy_at_each_size(built_paths, tmp_path):
    """write_visuals saves the SVG and the PNG at each size from the one figure the report draws (issue 24): the files
    are those of a fresh copy of the chart for each, as it wrote them before."""
    import matplotlib

    matplotlib.use("Agg")
    from pma_eval.publish.visuals import SIZES, _save, _save_all, figures
    from pma_eval.report import load_context

    ctx = load_context(2023, None, built_paths)
    drawn = figures(ctx)
    assert {"emissions_par_secteur", "emissions_par_habitant_epci"} <= set(drawn)  # stacked bars, bars
    for name in ("emissions_par_secteur", "emissions_par_habitant_epci"):
        figure = drawn[name]
        (once := tmp_path / "once").mkdir(exist_ok=True)
        (fresh := tmp_path / "fresh").mkdir(exist_ok=True)
        _save_all(figure.fig, once / name)
        files = [f"{name}.svg"] + [f"{name}_{label}_{w}x{h}.png" for label, (w, h) in SIZES.items()]
        _save(figure.make(), fresh / files[0], None)
        for f, size in zip(files[1:], SIZES.values()):
            _save(figure.make(), fresh / f, size)
        assert sorted(p.name for p in once.glob(f"{name}*")) == sorted(files)
        for f in files:
            assert (once / f).read_bytes() == (fresh / f).read_bytes(), f


def test_a_value_is_that_of_its_context_territory_year_and_table(built_paths):
    """value() reads the table's columns kept on the context (issue 24: the synthesis' communes table asks for 450
    values): the same as the series by year, for each context's own territory and year, none carried to another
    context, and a context given another table reads that one."""
    import math

    from pma_eval.report.context import load_context, natures, series, value

    def same(got, want):
        return got[1] == want[1] and (got[0] == want[0] or (math.isnan(got[0]) and math.isnan(want[0])))

    call, cahc = load_context(2023, "CALL", built_paths), load_context(2020, "CAHC", built_paths)
    commune = call.territory.members("epci", call.geo_code)[0]
    for ctx in (call, cahc, call):  # back to the first: nothing of the second left on it
        for iid, where in (("ges_total", {}), ("population", {}), ("population", {"level": "commune", "code": commune}),
                           ("ges_par_habitant", {"level": "pma", "code": ctx.territory.code})):
            s, n = series(ctx, iid, **where), natures(ctx, iid, **where)
            assert len(s) and s.index.max() == ctx.year
            for y in (*s.index, 1990, 2031):
                want = (float(s[y]), str(n[y])) if y in s.index else (math.nan, "secret")
                assert same(value(ctx, iid, y, **where), want), (ctx.sigle, iid, where, y)
            assert same(value(ctx, iid, **where), (float(s[ctx.year]), str(n[ctx.year])))
    assert value(cahc, "ges_total", 2023) == (math.nan, "secret")  # after its year: absent, as from its series
    assert value(call, "ges_total", 2020)[0] != value(cahc, "ges_total")[0]  # two EPCIs, the same year
    assert value(call, "ges_total", 2020) == value(cahc, "ges_total", level="epci", code=call.geo_code)
    assert value(call, "nothing_of_the_kind") == (math.nan, "secret")

    before = value(call, "ges_total")
    call.indicators = call.indicators.assign(value=call.indicators["value"] * 2)
    assert value(call, "ges_total") == (2 * before[0], before[1])
