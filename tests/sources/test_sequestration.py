"""Carbon sequestration entered from ADEME ALDO outputs (issue 16): the template's reader, by hand."""

from __future__ import annotations

import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources.sequestration import read_aldo


def test_aldo_template_converts_units_and_turns_flows_into_sequestration(tmp_path):
    f = tmp_path / "aldo.csv"
    f.write_text("territoire;annee;occupation_du_sol;grandeur;valeur;unite;source\n"
                 "CALL;2018;Forêts;flux;-9,5;ktCO2e/an;ALDO\n"
                 "CALL;2018;sols artificialisés;flux;7500;tCO2e/an;ALDO\n"
                 "CALL;2018;forêts;stock;450;kt C;ALDO\n", encoding="utf-8")
    df = read_aldo(f)
    assert df["land_use"].tolist() == ["forets", "sols_artificiels", "forets"]
    assert df["variable"].tolist() == ["sequestration", "sequestration", "stock"]
    # ALDO's sign: −9,5 kt CO2e a year absorbed → +9 500 t sequestered; +7 500 t emitted → −7 500.
    assert df["value"].tolist() == [pytest.approx(9500.0), pytest.approx(-7500.0), pytest.approx(450000.0)]


def test_aldo_template_errors_are_located(tmp_path):
    f = tmp_path / "aldo.csv"
    f.write_text("territoire;annee;occupation_du_sol;grandeur;valeur;unite;source\n"
                 "CALL;2018;forêts;flux;-9,5;tC;ALDO\n"
                 "CALL;2018;lune;stock;12;tC;ALDO\n"
                 "CALL;2018;prairies;stock;-3;tC;ALDO\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_aldo(f, "aldo.csv")
    text = str(exc.value)
    assert "aldo.csv, ligne 2, colonne « unite »" in text and "unité incompatible" in text
    assert "ligne 3, colonne « occupation_du_sol »" in text and "lune" in text
    assert "ligne 4" in text and "ne peut pas être négatif" in text
