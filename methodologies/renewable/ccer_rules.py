"""Rules the CCER renewable methodologies share (CCER-01-001-V01, CCER-01-002-V01).

Both MEE texts (October 2023) fix the same rules with their own table numbers: the grid
factors' publication year, meters of accuracy class 0.5 or better, and a crediting period
of at most 10 years. Each function takes the clause of the text that calls it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from reductions.plugin import Finding, Inputs, Parameter, ParameterError, Status


def grid_and_meter_parameters(
    doc: str, om_table: str, bm_table: str, vintage_tables: str
) -> tuple[Parameter, ...]:
    """The parameters both texts declare: the regional grid's OM and BM (from the MEE's
    publication, Tables ``om_table``/``bm_table``), the weights of Tables 2-3 (default
    0.5 each, prescribed), the publication year, the electricity meters' class MPE and the
    crediting period's first day. ``doc`` is ``"CCER-01-002-V01"`` or ``"CCER-01-001-V01"``."""

    def margin(symbol: str, what: str, table: str, kind: str) -> Parameter:
        return Parameter(
            symbol,
            f"{what} emission factor of the regional grid{table}",
            unit="t/MWh",
            minimum=0.0,
            maximum=2.0,
            published_kinds=(kind,),
        )

    def weight(symbol: str, margin_name: str, table: str) -> Parameter:
        return Parameter(
            symbol,
            f"Weight omega_{margin_name} of the {'operating' if margin_name == 'OM' else 'build'}"
            " margin",
            unit="1",
            default=0.5,
            default_source=f"{doc} {table} (omega_{margin_name}, 默认值 default value 0.5)",
            minimum=0.0,
            maximum=1.0,
            prescribed=True,
        )

    def mpe(meter: str) -> Parameter:
        return Parameter(
            f"MPE_{meter}",
            f"Maximum permissible error of the {meter} meter's accuracy class",
            unit="1",
            minimum=0.0,
            maximum=0.05,
            required=False,
        )

    return (
        margin("EF_grid_OM_y", "Operating margin (电量边际)", om_table, "OM"),
        margin("EF_grid_BM_y", "Build margin (容量边际)", bm_table, "BM"),
        weight("w_OM", "OM", "Table 2"),
        weight("w_BM", "BM", "Table 3"),
        Parameter(
            "EF_grid_vintage",
            f"Year of the MEE publication the OM and BM are taken from ({vintage_tables})",
            kind="integer",
            minimum=2000,
            maximum=2100,
            required=False,
        ),
        mpe("export"),
        mpe("import"),
        Parameter(
            "crediting_period_start",
            "First day of the crediting period",
            kind="date",
            required=False,
        ),
    )


#: Para. 5.2.2 of both texts: the crediting period lasts at most 10 years.
MAX_CREDITING_YEARS = 10
#: Meters of accuracy class 0.5 or better (不低于0.5级).
MAX_METER_MPE = 0.005


def vintage_finding(prefix: str, inputs: Inputs, clause: str) -> Finding:
    """The MEE's factors for year y, or the latest published before y (CCER-01-002-V01
    Tables 6-7, CCER-01-001-V01 Tables 9-10): the stated publication year, or the
    vintages of factors taken from packaged tables."""
    given = inputs.parameters.get("EF_grid_vintage")
    last = inputs.full_period.end.year
    tables = {
        s: pv.vintage
        for s in ("EF_grid_OM_y", "EF_grid_BM_y")
        if (pv := inputs.parameters.get(s)) is not None and pv.vintage is not None
    }
    if len(set(tables.values())) > 1:
        return Finding(
            prefix + "factor_vintage",
            clause,
            Status.FAIL,
            f"the OM and BM come from publications of different years {tables}",
            dict(tables),
        )
    if given is None and tables:
        vintage = next(iter(tables.values()))
        return Finding(
            prefix + "factor_vintage",
            clause,
            Status.PASS,
            f"OM and BM from the MEE's {vintage} publication (not later than {last})",
            {"vintage": vintage, "period_end_year": last, **tables},
        )
    if given is None:
        return Finding(
            prefix + "factor_vintage",
            clause,
            Status.UNCHECKED,
            "EF_grid_vintage not given: the validator checks that the OM and BM are the MEE's "
            f"factors for {last}, or the latest published before it",
        )
    if given.value > last:
        raise ParameterError(
            f"the grid factors are from the {given.value} publication, later than the "
            f"period's last year {last}",
            variable="parameters.EF_grid_vintage",
            rule=f"{clause}: the factors for year y, or the latest published before y",
        )
    return Finding(
        prefix + "factor_vintage",
        clause,
        Status.PASS,
        f"OM and BM from the MEE's {given.value} publication (not later than {last})",
        {"EF_grid_vintage": given.value, "period_end_year": last},
    )


def class_finding(
    name: str, clause: str, what: str, stated: Mapping[str, float], limit: float
) -> Finding:
    """Pass if every stated MPE of a meter is within ``limit``; cannot be checked if none."""
    if not stated:
        return Finding(
            name,
            clause,
            Status.UNCHECKED,
            f"neither a parameter nor a calibration record states the {what}'s accuracy class",
        )
    worst = max(stated, key=lambda k: stated[k])
    ok = stated[worst] <= limit + 1e-12
    return Finding(
        name,
        clause,
        Status.PASS if ok else Status.FAIL,
        f"the {what}'s maximum permissible error is at most {limit:.1%}"
        if ok
        else f"the {what}'s maximum permissible error {stated[worst]:.2%} ({worst}) is above "
        f"{limit:.1%}",
        dict(stated),
    )


def meter_class_findings(prefix: str, inputs: Inputs, clause: str) -> list[Finding]:
    """Export and import meters of accuracy class 0.5 or better (不低于0.5级): CCER-01-002-V01
    Tables 4-5, CCER-01-001-V01 Tables 7-8."""
    out = []
    for meter in ("export", "import"):
        stated = (
            {f"MPE_{meter}": inputs.value(f"MPE_{meter}")} if inputs.given(f"MPE_{meter}") else {}
        )
        stated.update(
            {
                f"calibration {c.date.isoformat()}": c.mpe
                for c in inputs.calibrations_of(f"EG_{meter}")
            }
        )
        out.append(
            class_finding(
                f"{prefix}meter_class_{meter}", clause, f"{meter} meter", stated, MAX_METER_MPE
            )
        )
    return out


def crediting_period_finding(prefix: str, inputs: Inputs, clause: str) -> Finding:
    """At most 10 years (para. 5.2.2 of both texts), and not before grid connection when
    ``grid_connection_date`` is given (CCER-01-001-V01 para. 5.2.1)."""
    period = inputs.full_period
    start = inputs.parameters.get("crediting_period_start")
    connected = inputs.parameters.get("grid_connection_date")
    values: dict[str, object] = {}
    if connected is not None:
        values["grid_connection_date"] = connected.value.isoformat()
        first = start.value if start is not None else period.start
        if first < connected.value:
            what = "crediting period" if start is not None else "period"
            return Finding(
                prefix + "crediting_period",
                clause,
                Status.FAIL,
                f"the {what} starts on {first}, before grid connection on {connected.value} "
                "(the start of the project's lifetime)",
                values,
            )
    if start is None:
        return Finding(
            prefix + "crediting_period",
            clause,
            Status.UNCHECKED,
            "crediting_period_start not given: the 10-year limit is not checked",
            values,
        )
    values["crediting_period_start"] = start.value.isoformat()
    limit = (pd.Timestamp(start.value) + pd.DateOffset(years=MAX_CREDITING_YEARS)).date()
    last = limit - dt.timedelta(days=1)
    inside = start.value <= period.start and period.end < limit
    return Finding(
        prefix + "crediting_period",
        clause,
        Status.PASS if inside else Status.FAIL,
        f"the period lies inside the crediting period {start.value} to {last}"
        if inside
        else f"the period {period.start} to {period.end} is outside the crediting period "
        f"{start.value} to {last} (at most 10 years)",
        values,
    )
