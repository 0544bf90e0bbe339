"""Conformance and invariance checks for any methodology, built-in or third-party.

A plugin's own test suite calls these on its class and on a small in-memory project::

    from reductions.testing import check_methodology, check_invariance

    def test_conforms():
        check_methodology(MyMethod)

    def test_invariance():
        check_invariance("gs.my-method", parameters={...}, monitoring=ds,
                         period=(date(2024, 1, 1), date(2024, 1, 31)), available=...)

Each check raises ``AssertionError`` naming what is wrong. The built-in methodologies
pass them (``tests/test_conformance.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .equation import tags_of
from .errors import ReductionsError
from .ledger import TOTALS
from .methodology import PERIOD_KINDS, Equation, Methodology
from .report import digest
from .rules import MissingDataRule
from .run import Available, Result, quantify
from .timeutil import interval_offset
from .units import parse_unit

#: Another unit of the same dimension for common canonical units, and the factor from
#: the canonical unit to it (value in the other unit = value x factor).
OTHER_UNITS: dict[str, tuple[str, float]] = {
    "t": ("kg", 1e3),
    "MWh": ("kWh", 1e3),
    "GJ": ("MJ", 1e3),
    "m**3": ("L", 1e3),
    "m3": ("L", 1e3),
    "Pa": ("kPa", 1e-3),
    "kWh": ("MWh", 1e-3),
    "kg": ("t", 1e-3),
}
#: Relative tolerance of the invariance checks: sums in another order or in parts.
RTOL = 1e-9


def _fail(cls: type[Methodology], what: str) -> AssertionError:
    return AssertionError(f"{getattr(cls, 'id', cls)}: {what}")


def check_methodology(cls: type[Methodology]) -> None:
    """The class declares what the engine and the report need, consistently."""
    for attr in ("id", "version", "title"):
        if not isinstance(getattr(cls, attr, None), str) or not getattr(cls, attr):
            raise _fail(cls, f"{attr} must be a non-empty string")
    if not re.fullmatch(r"[a-z0-9]+\.[a-z0-9][a-z0-9.\-]*", cls.id):
        raise _fail(cls, "id is '<programme>.<id>' in lower case (cdm.acm0002)")
    if not cls.sources:
        raise _fail(cls, "sources name the documents it implements")
    symbols = [p.symbol for p in cls.parameters] + [v.symbol for v in cls.monitoring]
    dup = {s for s in symbols if symbols.count(s) > 1}
    if dup:
        raise _fail(cls, f"symbols declared twice: {sorted(dup)}")
    for p in cls.parameters:
        if p.unit:
            parse_unit(p.unit, variable=p.symbol)
        if p.prescribed and (p.default is None or not p.default_source):
            raise _fail(cls, f"{p.symbol} is prescribed: it needs a default and its source")
        if p.default is not None and p.kind == "number":
            d = float(p.default)
            if (p.minimum is not None and d < p.minimum) or (
                p.maximum is not None and d > p.maximum
            ):
                raise _fail(cls, f"{p.symbol}: default {d} outside its declared range")
        if p.kind == "choice" and p.default is not None and p.default not in (p.choices or ()):
            raise _fail(cls, f"{p.symbol}: default {p.default!r} is not one of its choices")
    for v in cls.monitoring:
        parse_unit(v.unit, variable=v.symbol)
        if v.aggregate not in ("sum", "mean"):
            raise _fail(cls, f"{v.symbol}: aggregate is 'sum' or 'mean'")
        if v.period not in PERIOD_KINDS:
            raise _fail(cls, f"{v.symbol}: period is one of {PERIOD_KINDS}")
        if v.resolution is not None:
            interval_offset(v.resolution)
        if not isinstance(v.missing, MissingDataRule) or not v.missing.clause:
            raise _fail(cls, f"{v.symbol}: its missing-data rule names its clause")
    if not cls.equations:
        raise _fail(cls, "equations lists the tagged functions it applies")
    codes = {s.code for s in cls.sources}
    for item in cls.equations:
        if isinstance(item, Equation):
            continue
        tags = tags_of(item)
        if not tags:
            raise _fail(cls, f"{getattr(item, '__name__', item)!r} is not a tagged equation")
        if not any(t.document in codes for t in tags) and len(tags) > 1:
            raise _fail(cls, f"{item.__name__}: none of its tags is one of the sources")
        for t in tags:
            parse_unit(t.unit, variable=t.symbol)
    if not cls.equation_list():
        raise _fail(cls, "describe would list no equation")


def check_result(result: Result) -> None:
    """A result is traceable and consistent: ER = BE - PE - LE in total and per reporting
    interval, every input of every quantity is recorded before it, the report's digest
    matches, and the report is plain JSON."""
    ledger = result.ledger
    seen: set[str] = set()
    for q in ledger:
        missing = [s for s in q.inputs if s not in seen]
        if missing:
            raise AssertionError(f"{q.symbol}: inputs {missing} are not recorded before it")
        if not q.equation:
            raise AssertionError(f"{q.symbol}: no equation or source")
        seen.add(q.symbol)
    t = result.totals
    scale = abs(t["BE"]) + abs(t["PE"]) + abs(t["LE"]) + 1.0
    if abs(t["ER"] - (t["BE"] - t["PE"] - t["LE"])) > 1e-12 * scale:
        raise AssertionError(f"total ER != BE - PE - LE: {t}")
    report = result.report()
    json.dumps(report, allow_nan=False)
    for row in report["intervals"]:
        be, pe, le, er = (row[s] for s in TOTALS)
        if abs(er - (be - pe - le)) > 1e-12 * (abs(be) + abs(pe) + abs(le) + 1.0):
            raise AssertionError(f"interval {row['label']}: ER != BE - PE - LE")
    for s in TOTALS:
        parts = math.fsum(row[s] for row in report["intervals"])
        if abs(parts - t[s]) > 1e-9 * (abs(t[s]) + 1.0):
            raise AssertionError(f"{s}: the reporting intervals do not sum to the total")
    if digest(report) != report["digest"]:
        raise AssertionError("the report's digest does not match its content")


def _close(a: Mapping[str, float], b: Mapping[str, float], what: str) -> None:
    for s in TOTALS:
        tol = RTOL * (abs(a["BE"]) + abs(a["PE"]) + abs(a["LE"]) + 1.0)
        if abs(a[s] - b[s]) > tol:
            raise AssertionError(f"{what}: {s} {a[s]!r} != {b[s]!r}")


def _frame(data: Any) -> pd.DataFrame:
    if isinstance(data, xr.Dataset):
        frame = data.to_dataframe().reset_index()
        frame.attrs["units"] = {
            str(k): str(v.attrs["units"]) for k, v in data.data_vars.items() if "units" in v.attrs
        }
        return frame
    return data.copy()


def check_invariance(
    methodology: str,
    *,
    parameters: Mapping[str, Any],
    monitoring: xr.Dataset,
    period: tuple[dt.date, dt.date],
    available: Available | None = None,
    split: bool = True,
    **options: Any,
) -> Result:
    """The same project gives the same totals in other units, in reversed row order, and
    (``split``) as the sum of two halves of its period. Returns the base result.

    ``monitoring`` is one ``xarray.Dataset`` whose variables carry ``attrs["units"]``;
    ``options`` go to :func:`reductions.quantify` (``timezone``, ``tables``, ``gwp``...).
    """
    run: Callable[..., Result] = lambda data, p=period, **kw: quantify(  # noqa: E731
        methodology,
        parameters=parameters,
        monitoring=data,
        period=p,
        available=available,
        **{**options, **kw},
    )
    base = run(monitoring)
    check_result(base)
    # Units: every variable in another unit of its dimension.
    scaled = monitoring.copy()
    changed = 0
    for name, da in monitoring.data_vars.items():
        unit = str(da.attrs.get("units", ""))
        if unit in OTHER_UNITS:
            other, factor = OTHER_UNITS[unit]
            scaled[name] = da * factor
            scaled[name].attrs = {**da.attrs, "units": other}
            changed += 1
    if changed:
        _close(base.totals, run(scaled).totals, "in other units")
    # Row order: the rows reversed, sorted by the engine.
    frame = _frame(monitoring)
    reversed_frame = frame.iloc[::-1].reset_index(drop=True)
    reversed_frame.attrs = frame.attrs
    tables = dict(options.get("tables", {}))
    data_settings = {**tables.get("data", {}), "sort": True}
    tables["data"] = data_settings
    try:
        again = run(reversed_frame, tables=tables)
    except ReductionsError as exc:
        raise AssertionError(f"reversed rows: {exc}") from None
    _close(base.totals, again.totals, "rows in reverse order")
    if split and (period[1] - period[0]).days >= 1:
        mid = period[0] + (period[1] - period[0]) // 2 + dt.timedelta(days=1)
        first = run(monitoring, p=(period[0], mid - dt.timedelta(days=1)))
        second = run(monitoring, p=(mid, period[1]))
        summed = {s: first.totals[s] + second.totals[s] for s in TOTALS}
        _close(base.totals, summed, f"the period split at {mid}")
    return base


def example_dataset(
    variables: Mapping[str, tuple[np.ndarray, str]], start: str, freq: str
) -> xr.Dataset:
    """A Dataset of ``symbol: (values, unit)`` from ``start`` every ``freq`` (for tests)."""
    n = len(next(iter(variables.values()))[0])
    time = pd.date_range(start, periods=n, freq=freq)
    return xr.Dataset(
        {k: ("time", np.asarray(v, dtype=float), {"units": u}) for k, (v, u) in variables.items()},
        coords={"time": time},
    )
