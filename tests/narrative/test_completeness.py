"""Issue 23, point 4: an incomplete total says « au moins » and is compared only where the comparison
holds whatever its missing part."""

from __future__ import annotations

from pma_eval.narrative import comparison_sentence

NBSP = "\u00a0"


def _t(x: str) -> str:
    return f"{x}{NBSP}t CO₂e"


def test_the_issue_case_incomplete_commune_is_not_compared():
    """Béthune: road transport missing; its 4,2 t is at least 4,2 t, the CABBALR's 4,5 and the Pôle's 4,3
    are also lower bounds (they contain Béthune): no comparison can hold."""
    s = comparison_sentence("ges_par_habitant", "de Béthune", 2023, 4.239, "t CO₂e", "la CABBALR", 4.5, 4.3,
                            complete=False, epci_complete=False, pma_complete=False)
    assert s.text == (f"En 2023, les émissions de gaz à effet de serre par habitant de Béthune sont d'au moins "
                      f"{_t('4,2')} (total incomplet) ; comparaison non faite avec la CABBALR (au moins {_t('4,5')}) "
                      f"et le Pôle (au moins {_t('4,3')}).")
    assert "inférieures" not in s.text and s.materiality == 0.0


def test_a_complete_value_above_a_lower_bound_is_not_said_above():
    """Rombly 9,0 against the CABBALR's at least 4,5: the CABBALR's true value could be anything above 4,5,
    so « supérieures » would not be proven; the sentence says why it does not compare."""
    s = comparison_sentence("ges_par_habitant", "de Rombly", 2023, 9.0, "t CO₂e", "la CABBALR", 4.5, 4.3,
                            epci_complete=False, pma_complete=False)
    assert s.text.endswith(f"sont de {_t('9,0')} ; comparaison non faite avec la CABBALR (au moins {_t('4,5')}) et "
                           f"le Pôle (au moins {_t('4,3')}), dont les totaux sont incomplets.")


def test_comparisons_that_hold_whatever_the_missing_part_are_kept():
    # 3,9 < 4,3 × 0,95 = 4,085: below the Pôle's lower bound by more than the 5 % of « proche », so below
    # its true value too; the CALL is complete: the usual rule.
    below = comparison_sentence("ges_par_habitant", "de Lens", 2023, 3.9, "t CO₂e", "la CALL", 4.2, 4.3,
                                pma_complete=False)
    assert below.text == (f"En 2023, les émissions de gaz à effet de serre par habitant de Lens sont de {_t('3,9')}, "
                          f"inférieures à celles de la CALL ({_t('4,2')}) et du Pôle (au moins {_t('4,3')}).")
    # 4,1 / 4,3 = 0,953: within 5 % of a lower bound, the true gap is unknown: only the CALL is compared.
    close = comparison_sentence("ges_par_habitant", "de Lens", 2023, 4.1, "t CO₂e", "la CALL", 4.2, 4.3,
                                pma_complete=False)
    assert close.text.endswith(f"proches de celles de la CALL ({_t('4,2')}) ; comparaison non faite avec le Pôle "
                               f"(au moins {_t('4,3')}), dont le total est incomplet.")
    # An incomplete value 5,0 ≥ 4,3 × 1,05 = 4,515 above complete comparators: its true value is higher still.
    above = comparison_sentence("ges_par_habitant", "de X", 2023, 5.0, "t CO₂e", "la CALL", 4.2, 4.3, complete=False)
    assert f"d'au moins {_t('5,0')} (total incomplet), supérieures à celles de la CALL ({_t('4,2')}) et du Pôle" in above.text
    # ... but an incomplete value below a complete comparator could be above it in truth.
    low = comparison_sentence("ges_par_habitant", "de X", 2023, 3.0, "t CO₂e", "la CALL", 4.2, 4.3, complete=False)
    assert "inférieures" not in low.text and "comparaison non faite avec la CALL" in low.text
    assert "dont" not in low.text  # the reason is the commune's own total, already said


def test_equal_values_are_not_equal_when_one_is_a_lower_bound():
    s = comparison_sentence("ges_par_habitant", "de X", 2023, 4.5, "t CO₂e", "la CALL", 4.5, 4.5, epci_complete=False)
    assert "de la CALL" not in s.text and "comparaison non faite avec la CALL" in s.text
    assert f"égales à celles du Pôle ({_t('4,5')})" in s.text
