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


def test_two_significant_digits_for_physical_effort():
    """Issue 13: « 33,28 bus », « +600,00 km » were false precision (hand-rounded expectations)."""
    from pma_eval.fmt import significant

    assert significant(33.28) == "33"
    assert significant(600.0, signed=True) == "+600"
    assert significant(1234.0) == "1\u202f200"
    assert significant(0.04567) == "0,046"
    assert significant(-2.345) == "−2,3"
    assert significant(0.0) == "0" and significant(float("nan")) == "—"


def test_numbers_are_written_as_babels_own_functions_write_them():
    """fmt parses each Babel pattern and the locale once (issue 24): the text is what ``format_decimal`` and
    ``format_percent`` give, as Babel documents them (``parse_pattern`` then ``apply``), for signed, rounded,
    trimmed and percent patterns, including a value that rounds half to even."""
    from babel.numbers import format_decimal, format_percent

    from pma_eval import fmt

    for x in (0.0, -0.04, 0.125, 1234.5, -98765.4321, 2.5, 1e7):
        for decimals in (0, 1, 2):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            assert fmt.number(x, decimals) == format_decimal(x, format=pattern, locale="fr_FR").replace("-", "−")
            signed = "+" + pattern + ";-" + pattern
            assert fmt.number(x, decimals, signed=True) == format_decimal(x, format=signed, locale="fr_FR").replace("-", "−")
            pct = pattern + "\u00a0%"
            assert fmt.percent(x, decimals) == format_percent(x, format=pct, locale="fr_FR").replace("-", "−")
        assert fmt.number_trimmed(x) == format_decimal(x, format="#,##0.###", locale="fr_FR").replace("-", "−")
    assert fmt.number(1234.5, 1) == "1\u202f234,5" and fmt.percent(0.263) == "26\u00a0%"
