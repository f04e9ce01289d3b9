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
