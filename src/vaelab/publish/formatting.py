"""How the publication writes a number for a reader: the report's tables and the claims' evidence."""

from __future__ import annotations

import re


def fmt_number(x) -> str:
    """4 significant digits; a whole number exactly, with thousands separators (a count such
    as 403,730 parameters, not 4.037e+05); booleans, None and text as they are."""
    if isinstance(x, bool) or x is None:
        return str(x)
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if x == int(x) and abs(x) < 1e15:
            return f"{int(x):,}"
        return f"{x:.4g}"
    return str(x)


def fmt_percent(share: float) -> str:
    """A share in [0, 1] as a percentage with one decimal: 0.9871 -> '98.7%'."""
    return f"{100 * share:.1f}%"


def fmt_cell(text: str) -> str:
    """A CSV cell: numbers to 4 significant digits (`fmt_number`), integers and the rest as written."""
    try:
        value = float(text)
    except ValueError:
        return text
    return text if re.fullmatch(r"-?\d+", text.strip()) else fmt_number(value)


def fmt_seconds(s: float) -> str:
    """A duration in the unit a reader thinks in: seconds below 90, minutes below 90, else hours."""
    s = float(s)
    if s < 90:
        return f"{s:.1f} s"
    if s < 5400:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"
