"""The figures published in the reply held against the registry: each figure's registry value read from
the statistics on the figure's own reference date, rounded to its precision and compared."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reports.choices import Comparison, FigureUnit
from reports.models import PublishedFigure
from reports.selectors import SECTIONS, value_at


def _round_to(value: Decimal, precision: Decimal) -> Decimal:
    return (value / precision).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * precision


def as_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def figure_in_unit(value: Decimal | None, unit: str):
    """A value in the JSON type its unit takes: counts whole numbers, ratios and averages numbers,
    amounts of money strings with two decimals (as every amount in the API)."""
    if value is None:
        return None
    if unit == FigureUnit.YUAN:
        return f"{value.quantize(Decimal('0.01'))}"
    if unit in (FigureUnit.COUNT, FigureUnit.PERSONS) and value == value.to_integral_value():
        return int(value)
    return float(value)


def _plain_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True)
class FigureCheck:
    """A published figure, the registry's value on its reference date, and how they compare."""

    figure: PublishedFigure
    registry_value: Decimal | None
    difference: Decimal | None
    faithful: bool | None


def compare(figure: PublishedFigure, registry_value) -> FigureCheck:
    """Hold the registry's value against a published figure under the figure's rule.

    Exact figures are compared at the precision the reply states them (26 per community against
    26.02); the difference of an approximate figure is the plain difference.
    """
    published = figure.value
    registry = as_decimal(registry_value)
    if figure.comparison == Comparison.REFERENCE_ONLY or registry is None:
        return FigureCheck(figure, registry, None, None)
    rounded = _round_to(registry, figure.precision)
    if figure.comparison == Comparison.EXACT:
        difference = rounded - published
        faithful = difference == 0
    elif figure.comparison == Comparison.ABOUT:
        difference = registry - published
        faithful = rounded == published
    elif figure.comparison == Comparison.NEARLY:  # "近1.5万": 14,500–14,999; "近50%": 0.45 up to 0.5
        difference = registry - published
        faithful = published - figure.precision / 2 <= registry < published
    elif figure.comparison == Comparison.ODD:  # "150余": more than 150, fewer than 160
        difference = registry - published
        faithful = published < registry < published + figure.precision
    elif figure.comparison == Comparison.MORE_THAN:
        difference = registry - published
        faithful = registry > published
    else:  # at least
        difference = registry - published
        faithful = registry >= published
    return FigureCheck(figure, registry, difference, faithful)


def published_comparisons(district: str | None = None) -> list[FigureCheck]:
    """Every published figure (of `district` only, when given) against the registry on its reference date.

    Each section is computed once per reference date and district it is needed for.
    """
    figures = PublishedFigure.objects.select_related("district").order_by("id")
    if district:
        figures = figures.filter(district_id=district)
    computed: dict[tuple, dict] = {}
    results = []
    for figure in figures:
        section = figure.key.split(".", 1)[0]
        value = None
        if section in SECTIONS and figure.comparison != Comparison.REFERENCE_ONLY:
            cache_key = (section, figure.reference_date, figure.district_id)
            if cache_key not in computed:
                computed[cache_key] = {section: SECTIONS[section](figure.reference_date, figure.district_id)}
            value = value_at(computed[cache_key], figure.key)
        results.append(compare(figure, value))
    return results


def comparison_row(result: FigureCheck) -> dict:
    """One published figure against the registry, as the API shows it."""
    figure = result.figure
    return {
        "key": figure.key,
        "label": figure.label,
        "district": figure.district_id,
        "value": figure_in_unit(figure.value, figure.unit),
        "unit": figure.unit,
        "precision": _plain_number(figure.precision),
        "reference_date": figure.reference_date.isoformat(),
        "comparison": figure.comparison,
        "approximate": figure.approximate,
        "registry_value": figure_in_unit(result.registry_value, figure.unit),
        "difference": figure_in_unit(result.difference, figure.unit),
        "faithful": result.faithful,
        "sentence": figure.sentence,
        "note": figure.note,
    }
