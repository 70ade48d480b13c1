"""The publication's number formatters: one module, used by the report and the claims alike."""

import pytest

from vaelab.publish import claims, formatting, report_methods, report_view
from vaelab.publish.claims import core, engine, sources, study, study_checks


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.0511521, "0.05115"),
        (403730, "403,730"),
        (403730.0, "403,730"),  # a whole float is a count: exact, not 4.037e+05
        (12345.6, "1.235e+04"),
        (2.0, "2"),
        (True, "True"),
        (None, "None"),
        ("ae", "ae"),
    ],
)
def test_fmt_number(value, shown):
    assert formatting.fmt_number(value) == shown


def test_fmt_percent_cell_and_seconds():
    assert formatting.fmt_percent(0.98712) == "98.7%" and formatting.fmt_percent(0.05) == "5.0%"
    assert formatting.fmt_cell("0.0511521") == "0.05115"
    assert formatting.fmt_cell("403730") == "403730" and formatting.fmt_cell("ae") == "ae"
    assert formatting.fmt_seconds(19.41) == "19.4 s" and formatting.fmt_seconds(600) == "10.0 min"
    assert formatting.fmt_seconds(7200) == "2.0 h"


def test_the_report_and_the_claims_use_the_same_formatters():
    for module in (study_checks, report_methods):
        assert module.fmt_number is formatting.fmt_number, module.__name__
    for module in (study_checks, sources):
        assert module.fmt_percent is formatting.fmt_percent, module.__name__
    assert report_view.fmt_cell is formatting.fmt_cell and report_view.fmt_seconds is formatting.fmt_seconds
    for module in (claims, core, engine, sources, study, study_checks):
        for name in ("_fmt", "_pct"):
            assert not hasattr(module, name), f"{module.__name__}.{name} is back: use vaelab.publish.formatting"
