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
