"""Versioned data tables with their sources (GWP sets, grid factors, defaults).

Each table is a CSV file whose name carries source and vintage, with fixed columns and
a source for every row (CONVENTIONS.md, "Parameters and data tables"). The same number
lives in one table only; code reads it from there.

GWP table
---------
``ipcc-gwp-100yr.csv`` holds 100-year GWPs [t CO2e/t], one row per gas and set, with the
columns ``gas, set, value, unit, source, table, checked_against``: ``source`` and
``table`` name the IPCC report and table the value comes from, ``checked_against`` the
published transcriptions the value was compared with. A gas a report gives no value for
has no row for that set (no SAR value for NF3, HFC-245fa and HFC-365mfc; AR6 gives
``CH4-fossil`` and ``CH4-non-fossil`` beside the single ``CH4`` of Table 7.SM.7).

Gas names
---------
:func:`gwp` takes the gas names of the table (:func:`gases`) and, unambiguously, other
common spellings: case, hyphens, underscores and spaces are ignored (``"hfc134a"``,
``"HFC_134a"``, ``"ch4 fossil"``), ASHRAE refrigerant numbers of the HFCs are read as the
HFC (``"R-134a"`` is HFC-134a, ``"R32"`` HFC-32), and :data:`GAS_ALIASES` lists the other
names accepted (``"PFC-14"`` is CF4). Blends (R-404A, R-410A...) are not gases of the table
and are refused. A spelling that would fit two gases is refused, naming both.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from ..errors import ParameterError

GWP_TABLE = "ipcc-gwp-100yr.csv"
GWP_SETS = ("AR2", "AR4", "AR5", "AR6")

#: Other names of gases of the GWP table, beyond the spelling rules of :func:`gwp`.
GAS_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "PFC-14": "CF4",
        "R-14": "CF4",
        "PFC-116": "C2F6",
        "R-116": "C2F6",
    }
)


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
    #: Published transcriptions the value was checked against (``checked_against``).
    checked_against: str = ""
    #: How a rule chose this value among sets, if one did (see :func:`cdm_gwp`).
    note: str = ""

    @property
    def reference(self) -> str:
        return f"{self.source}, {self.table}"


@cache
def _gwp_rows() -> Mapping[tuple[str, str], GWP]:
    """The GWP table by (gas, set), in the table's order."""
    rows: dict[tuple[str, str], GWP] = {}
    for row in read_table(GWP_TABLE):
        key = (row["gas"], row["set"])
        rows[key] = GWP(
            row["gas"],
            row["set"],
            float(row["value"]),
            row["source"],
            row["table"],
            row.get("checked_against") or "",
        )
    return MappingProxyType(rows)


def gases() -> tuple[str, ...]:
    """The gases of the GWP table, in the table's order (``"CO2"``, ``"CH4"``...)."""
    return tuple(dict.fromkeys(gas for gas, _ in _gwp_rows()))


def gwp_sets_of(gas: str) -> tuple[str, ...]:
    """The GWP sets that give a value for ``gas`` (any accepted spelling)."""
    canonical = canonical_gas(gas)
    return tuple(s for s in GWP_SETS if (canonical, s) in _gwp_rows())


def _spelling_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).upper()


@cache
def _spellings() -> Mapping[str, frozenset[str]]:
    """Spelling key -> the gases of the table it names (more than one: ambiguous)."""
    index: dict[str, set[str]] = {}
    for gas in gases():
        index.setdefault(_spelling_key(gas), set()).add(gas)
    for alias, gas in GAS_ALIASES.items():
        index.setdefault(_spelling_key(alias), set()).add(gas)
    return MappingProxyType({k: frozenset(v) for k, v in index.items()})


def canonical_gas(gas: str) -> str:
    """The name in the GWP table of ``gas``, given in any accepted spelling.

    Raises
    ------
    ParameterError
        ``gas`` names no gas of the table, or could name more than one.
    """
    known = gases()
    if gas in known:
        return gas
    key = _spelling_key(gas)
    candidates = _spellings().get(key, frozenset())
    if not candidates and re.fullmatch(r"R\d.*", key):
        # ASHRAE number of an HFC: R-134a is HFC-134a.
        candidates = _spellings().get("HFC" + key[1:], frozenset())
    if len(candidates) == 1:
        return next(iter(candidates))
    if len(candidates) > 1:
        raise ParameterError(
            f"gas {gas!r} is ambiguous: it could be {', '.join(sorted(candidates))}",
            variable="gwp",
            rule="give the gas as named in the GWP table",
        )
    raise ParameterError(
        f"unknown gas {gas!r}; known gases: {', '.join(known)}",
        variable="gwp",
        where=GWP_TABLE,
        rule="gases of the GWP table, or their aliases (reductions.factors.GAS_ALIASES)",
    )


def gwp(gas: str, gwp_set: str) -> GWP:
    """The 100-year GWP of ``gas`` (``"CH4"``, ``"HFC-134a"``...) in ``gwp_set`` (``"AR5"``...).

    Values from the IPCC assessment reports; see ``ipcc-gwp-100yr.csv`` for the table of
    each value and the transcriptions it was checked against. ``gas`` may be given in any
    spelling the module documentation lists; the result carries the table's name.

    Raises
    ------
    ParameterError
        Unknown set, unknown or ambiguous gas (the message lists the known gases), or a
        set without a row for the gas (the message lists the sets that have one).
    """
    if gwp_set not in GWP_SETS:
        raise ParameterError(
            f"no GWP for {gas!r} in set {gwp_set!r}; known sets: {list(GWP_SETS)}",
            variable="gwp",
            rule="GWP sets AR2, AR4, AR5, AR6",
        )
    try:
        canonical = canonical_gas(gas)
    except ParameterError as err:
        raise ParameterError(
            f"no GWP for {gas!r} in set {gwp_set!r}: {err.message}",
            variable=err.variable,
            where=err.where,
            rule=err.rule,
        ) from None
    found = _gwp_rows().get((canonical, gwp_set))
    if found is None:
        available = gwp_sets_of(canonical)
        raise ParameterError(
            f"no GWP for {canonical!r} in set {gwp_set!r}: the table has no {gwp_set} row "
            f"for {canonical}; {canonical} has sets {list(available)}",
            variable="gwp",
            where=GWP_TABLE,
            rule="one row per gas and set, where the report gives a value",
        )
    return found


#: Rule of the CDM Executive Board for GWPs, by the date the reductions were achieved.
CDM_GWP_RULE = (
    "CDM: AR2 for reductions up to 31 Dec 2012; AR4 from 1 Jan 2013 to 31 Dec 2020; "
    "from 1 Jan 2021 the lowest of AR2, AR4 and AR5 among those giving a value for the gas "
    "(EB 108, temporary measures)"
)

_CDM_LOWEST_OF = ("AR2", "AR4", "AR5")


def cdm_gwp(gas: str, period_start: dt.date) -> GWP:
    """The GWP the CDM prescribes for reductions achieved from ``period_start``.

    Notes
    -----
    For reductions achieved on or after 1 January 2021, CDM EB 108 requires "the lowest
    value from the IPCC assessment reports for each greenhouse gas for a 100-year time
    horizon", tabulated as the lowest of AR2, AR4 and AR5
    (https://cdm.unfccc.int/Reference/CDM_note.html, paras 2-3). The note's table covers
    NF3, which AR2 does not give, so a report without a value for the gas is left out of
    the comparison; the result's ``note`` says which reports were compared and which gave
    no value. On equal values the earlier report is named. Before that, AR4 applied in the
    second commitment period (2013-2020) and AR2 before; a gas the prescribed report does
    not give (NF3, HFC-245fa, HFC-365mfc before 2013) is an error.

    Raises
    ------
    ParameterError
        Unknown gas, or no value in the report(s) the rule prescribes for the date.
    """
    canonical = canonical_gas(gas)
    if period_start >= dt.date(2021, 1, 1):
        have = [s for s in _CDM_LOWEST_OF if (canonical, s) in _gwp_rows()]
        if not have:
            raise ParameterError(
                f"no GWP for {canonical!r} in AR2, AR4 or AR5 (it has sets "
                f"{list(gwp_sets_of(canonical))}); the CDM prescribes the lowest of these "
                f"for reductions achieved on {period_start.isoformat()}",
                variable="gwp",
                rule=CDM_GWP_RULE,
            )
        lowest = min((gwp(canonical, s) for s in have), key=lambda g: g.value)
        missing = [s for s in _CDM_LOWEST_OF if s not in have]
        note = f"lowest of {', '.join(have)}"
        if missing:
            note += f" (no value for {canonical} in {', '.join(missing)})"
        return GWP(
            lowest.gas,
            lowest.set,
            lowest.value,
            lowest.source,
            lowest.table,
            lowest.checked_against,
            note,
        )
    gwp_set = "AR4" if period_start >= dt.date(2013, 1, 1) else "AR2"
    if (canonical, gwp_set) not in _gwp_rows():
        raise ParameterError(
            f"no {gwp_set} GWP for {canonical!r}, which the CDM prescribes for reductions "
            f"achieved on {period_start.isoformat()} ({canonical} has sets "
            f"{list(gwp_sets_of(canonical))})",
            variable="gwp",
            rule=CDM_GWP_RULE,
        )
    return gwp(canonical, gwp_set)
