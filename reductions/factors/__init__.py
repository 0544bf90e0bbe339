"""Versioned data tables with their sources (GWP sets, grid factors, defaults).

Each table is a CSV file whose name carries source and vintage, with fixed columns and
a source for every row (CONVENTIONS.md, "Parameters and data tables"). The same number
lives in one table only; code reads it from there.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..errors import ParameterError

GWP_TABLE = "ipcc-gwp-100yr.csv"
GWP_SETS = ("AR2", "AR4", "AR5", "AR6")


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of the packaged table ``name`` as dictionaries of strings."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class GWP:
    """A 100-year global warming potential with its source."""

    gas: str
    set: str
    value: float
    source: str
    table: str

    @property
    def reference(self) -> str:
        return f"{self.source}, {self.table}"


def gwp(gas: str, gwp_set: str) -> GWP:
    """The 100-year GWP of ``gas`` (``"CH4"``, ``"N2O"``) in ``gwp_set`` (``"AR5"``...).

    Values from the IPCC assessment reports; see ``ipcc-gwp-100yr.csv`` for the table of
    each value.
    """
    for row in read_table(GWP_TABLE):
        if row["gas"] == gas and row["set"] == gwp_set:
            return GWP(gas, gwp_set, float(row["value"]), row["source"], row["table"])
    known = sorted({r["set"] for r in read_table(GWP_TABLE)})
    raise ParameterError(
        f"no GWP for {gas!r} in set {gwp_set!r}; known sets: {known}",
        variable="gwp",
        rule="GWP sets AR2, AR4, AR5, AR6",
    )


#: Rule of the CDM Executive Board for GWPs, by the date the reductions were achieved.
CDM_GWP_RULE = (
    "CDM: AR2 for reductions up to 31 Dec 2012; AR4 from 1 Jan 2013 to 31 Dec 2020; "
    "from 1 Jan 2021 the lowest of AR2, AR4 and AR5 (EB 108, temporary measures)"
)


def cdm_gwp(gas: str, period_start: dt.date) -> GWP:
    """The GWP the CDM prescribes for reductions achieved from ``period_start``.

    Notes
    -----
    For reductions achieved on or after 1 January 2021, CDM EB 108 requires the lowest
    100-year GWP among IPCC AR2, AR4 and AR5 (https://cdm.unfccc.int/Reference/CDM_note.html).
    Before that, AR4 applied in the second commitment period (2013-2020) and AR2 before.
    """
    if period_start >= dt.date(2021, 1, 1):
        return min((gwp(gas, s) for s in ("AR2", "AR4", "AR5")), key=lambda g: g.value)
    if period_start >= dt.date(2013, 1, 1):
        return gwp(gas, "AR4")
    return gwp(gas, "AR2")
