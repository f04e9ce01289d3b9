"""French typography through Babel: narrow no-break space (U+202F) for thousands, decimal comma,
no-break space before % (CLDR fr_FR, as documented by Babel)."""

from pma_eval import fmt


def test_numbers_and_percentages():
    assert fmt.number(1234.5, 1) == "1\u202f234,5"
    assert fmt.number(3267000) == "3\u202f267\u202f000"
    assert fmt.percent(0.263) == "26\u00a0%"
    assert fmt.percent(-0.015, 1, signed=True) == "−1,5\u00a0%"
    assert fmt.quantity(1234.5, "GWh", 1) == "1\u202f234,5\u00a0GWh"
    assert fmt.number(float("nan")) == "—" and fmt.number(None) == "—"
