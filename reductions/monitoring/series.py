"""One group of series read from the same rows: order, intervals, registers, period, gaps.

A group is a table's rows (or, in a long table, the rows of one key such as one meter):
one time per row and one value per variable. In order: check the time order (or sort),
turn rows into intervals (a timestamp labels the start or the end of its interval;
registers are differenced with declared rollovers and replacements), check signs, keep
the intervals inside a period (counting the rows outside), insert the gaps, and fill them
by the methodology's rule. No Python loop runs over rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ..errors import MonitoringDataError, ProjectFileError, UnitError
from ..methodology import MonitoringVariable
from ..project import RegisterEvent, TableSpec
from ..rules import FillContext
from ..timeutil import interval_offset, step_text, to_local, to_utc_naive
from ..units import convert, parse_unit, registry

NS0 = np.timedelta64(0, "ns")


def local_text(t: Any, tz: dt.tzinfo) -> str:
    """An instant (UTC ``datetime64``) as local ISO 8601 text."""
    return str(to_local(np.asarray([t], dtype="datetime64[ns]"), tz)[0].isoformat())


@dataclass(frozen=True)
class Gap:
    """A run of missing intervals of one variable, and what filled it under which rule."""

    variable: str
    start: str
    end: str
    intervals: int
    hours: float
    filled_by: str
    rule: str


@dataclass
class Prepared:
    """A group's intervals before the period is applied, values in canonical units."""

    start: np.ndarray
    end: np.ndarray
    values: dict[str, np.ndarray]
    rows: Any  # RowLabels of each interval
    step: np.timedelta64 | None  # fixed interval length, if any
    interval_note: str
    events: list[str] = field(default_factory=list)
    sorted_rows: bool = False
    register: bool = False
    #: (index of the first overlap or -1, intervals strictly increasing): computed once,
    #: by ``order``, for all the periods the group is selected for.
    _order: tuple[int, bool] | None = field(default=None, repr=False, compare=False)

    def order(self) -> tuple[int, bool]:
        """The first interval that the next one overlaps (``-1``: none), and whether the
        intervals are disjoint and of positive length, so that their starts and their
        ends both increase and a period's intervals are a slice found by bisection."""
        if self._order is None:
            start, end = self.start, self.end
            overlap = start[1:] < end[:-1]
            first = int(np.argmax(overlap)) if np.any(overlap) else -1
            positive = (
                self.step is not None and self.step > NS0
                if self.step is not None
                else bool(np.all(start < end))
            )
            self._order = (first, first < 0 and bool(positive))
        return self._order


@dataclass
class Selected:
    """A group's intervals inside a period, gaps inserted and filled."""

    start: np.ndarray
    end: np.ndarray
    values: dict[str, np.ndarray]
    gaps: list[Gap]
    filled: dict[str, int]
    #: The length of every interval when they tile ``[start[0], end[-1])`` without a
    #: break (``start`` is then that span's grid of this step); else ``None``.
    regular: np.timedelta64 | None = None


def check_order(times: np.ndarray, rows: Any, spec: TableSpec, what: str) -> None:
    if times.size == 0:
        raise MonitoringDataError(f"no rows of data{what}", file=", ".join(rows.files))
    if not np.any(times[1:] <= times[:-1]):
        return  # strictly increasing: neither check below finds anything
    step = np.diff(times)
    dup = step == NS0
    if np.any(dup):
        i = int(np.argmax(dup))
        raise MonitoringDataError(
            f"duplicate timestamp {local_text(times[i + 1], spec.timezone)}{what}",
            variable=spec.time,
            where=f"{rows[i]} and {rows[i + 1]}",
            rule="timestamps are unique",
        )
    back = step < NS0
    if np.any(back):
        i = int(np.argmax(back))
        raise MonitoringDataError(
            f"timestamp {local_text(times[i + 1], spec.timezone)} comes before the previous "
            f"row's {local_text(times[i], spec.timezone)}{what}",
            variable=spec.time,
            where=f"{rows[i + 1]}",
            rule=f"timestamps increase (or set {spec.where}.sort = true)",
        )


def prepare(
    times: np.ndarray,
    rows: Any,
    values: Mapping[str, np.ndarray],
    units: Mapping[str, str],
    declared: Mapping[str, MonitoringVariable],
    spec: TableSpec,
    project_file: str,
    columns: Mapping[str, str],
    what: str = "",
) -> Prepared:
    """Order, units, intervals or register differences, and signs of one group.

    ``values`` are keyed by series name (``symbol`` or ``symbol[label]``); ``declared``
    maps the same names to the variable's declaration.
    """
    sorted_rows = False
    if spec.sort:
        order = np.argsort(times, kind="stable")
        if np.any(order != np.arange(order.size)):
            sorted_rows = True
            times, rows = times[order], rows[order]
            values = {k: v[order] for k, v in values.items()}
    check_order(times, rows, spec, what)
    canonical = {}
    for name, arr in values.items():
        decl = declared[name]
        try:
            canonical[name] = _to_canonical(
                arr,
                units[name],
                decl.unit,
                variable=name,
                where=f"table {spec.name!r}, column {columns.get(name, name)!r}",
            )
        except UnitError as exc:
            # The unit was declared in the project file, or in a NetCDF file's attributes.
            declared_in = project_file if spec.variables[name.split("[", 1)[0]].unit else None
            raise UnitError(
                exc.message,
                file=declared_in or ", ".join(spec.files) or None,
                variable=exc.variable,
                where=exc.where,
                rule=exc.rule,
            ) from None
    if spec.kind == "register":
        events: list[str] = []
        start, end, diffs, rows_out = _difference_registers(
            times, rows, canonical, values, units, declared, spec, events
        )
        prepared = Prepared(
            start,
            end,
            diffs,
            rows_out,
            None,
            "between register readings",
            events,
            sorted_rows,
            register=True,
        )
    else:
        step, note = _interval(times, rows, spec)
        if isinstance(step, pd.Timedelta):
            # A fixed length (seconds to hours): the same in UTC as in local time.
            td = step.to_timedelta64()
            start, end = (times - td, times) if spec.label == "end" else (times, times + td)
            fixed: Any = np.timedelta64(td, "ns")  # end - start of every interval, exactly
        else:
            local = pd.DatetimeIndex(times).tz_localize("UTC").tz_convert(spec.timezone)
            s, e = (local - step, local) if spec.label == "end" else (local, local + step)
            start, end = to_utc_naive(s), to_utc_naive(e)
            widths = np.unique(end - start)
            fixed = widths[0] if widths.size == 1 else None
        given = "" if spec.label_given else f" (the default: {spec.where}.label not given)"
        prepared = Prepared(
            start,
            end,
            canonical,
            rows,
            fixed,
            f"{note}; timestamps label the {spec.label}{given}",
            [],
            sorted_rows,
        )
    for name, arr in prepared.values.items():
        if declared[name].nonnegative:
            neg = arr < 0
            if np.any(neg):
                i = int(np.argmax(neg))
                raise MonitoringDataError(
                    f"negative value {float(arr[i])!r} {declared[name].unit}",
                    variable=name,
                    where=f"{prepared.rows[i]} (interval from "
                    f"{local_text(prepared.start[i], spec.timezone)})",
                    rule=f"{name} ({declared[name].unit}) cannot be negative",
                )
    return prepared


def _to_canonical(
    values: np.ndarray, unit: str, to: str, *, variable: str, where: str
) -> np.ndarray:
    """``units.convert`` of a column, with one new array instead of pint's temporaries.

    The units are checked by ``convert`` itself (on no values: the same errors); nothing
    to convert returns the column, as ``convert`` does. Otherwise pint converts a copy in
    place (``UnitRegistry.convert(..., inplace=True)``): the same operations in the same
    order as its ``Quantity.to`` (``x * scale + offset``, then ``* factor``), so the same
    values to the last bit.
    """
    convert(np.empty(0), unit, to, variable=variable, where=where)
    arr = np.asarray(values, dtype=float)
    src = parse_unit(unit, variable=variable, where=where)
    dst = parse_unit(to, variable=variable, where=where)
    if src == dst:
        return arr
    out = np.array(arr, dtype=float)
    return np.asarray(registry().convert(out, src, dst, inplace=True), dtype=float)


def _interval(times: np.ndarray, rows: Any, spec: TableSpec) -> tuple[Any, str]:
    if spec.interval is not None:
        return interval_offset(spec.interval), f"{spec.interval}, declared"
    return _infer_interval(times, rows, spec)


def _infer_interval(times: np.ndarray, rows: Any, spec: TableSpec) -> tuple[Any, str]:
    """The interval of undeclared interval data, from the spacing of the timestamps.

    Accepted only where the spacing leaves no doubt: the smallest step is also the most
    common one and divides every step (missing rows then show as gaps), or calendar
    months starting at local midnight on the 1st. Anything else must be declared.
    """
    if times.size < 2:
        raise MonitoringDataError(
            "one row cannot show the interval it covers",
            file=", ".join(rows.files),
            variable=f"{spec.where}.interval",
            rule="declare the interval (e.g. '15min', '1h', 'month')",
        )
    local = pd.DatetimeIndex(times).tz_localize("UTC").tz_convert(spec.timezone)
    months = np.asarray(local.year * 12 + local.month)
    on_month_starts = bool(
        np.all((local.day == 1) & (local.hour == 0) & (local.minute == 0) & (local.second == 0))
    )
    if on_month_starts and np.all(np.diff(months) >= 1):
        return pd.DateOffset(months=1), "1 month, inferred: timestamps on local month starts"
    midnights = bool(np.all((local.hour == 0) & (local.minute == 0) & (local.second == 0)))
    if midnights and isinstance(spec.timezone, ZoneInfo):
        days = np.diff(np.asarray(local.tz_localize(None).normalize().values, dtype="M8[D]"))
        if days.size and days.min() == np.timedelta64(1, "D"):
            # Local days are 23 or 25 hours where clocks change.
            return pd.DateOffset(days=1), "1 local day, inferred: timestamps on local midnights"
    step = np.diff(times)
    smallest = step.min()
    vals, counts = np.unique(step, return_counts=True)
    most_common = vals[int(np.argmax(counts))]
    if most_common == smallest and np.all(step % smallest == NS0):
        td = pd.Timedelta(smallest)
        return td, (
            f"{step_text(td)}, inferred: the most common and smallest spacing of the timestamps, "
            "which divides every step"
        )
    odd = (step % smallest != NS0) if most_common == smallest else (step != smallest)
    i = int(np.argmax(odd))
    raise MonitoringDataError(
        f"timestamps are unevenly spaced ({pd.Timedelta(step[i])} after "
        f"{local_text(times[i], spec.timezone)}, smallest step {pd.Timedelta(smallest)})",
        file=", ".join(rows.files),
        variable=f"{spec.where}.interval",
        rule=f"declare {spec.where}.interval when the spacing does not show it",
    )


def _event_for(ev: RegisterEvent, name: str) -> bool:
    """An event names the series ``symbol`` or, for a variable with a dimension,
    ``symbol[label]`` (one meter: a rollover never happens on every meter at once)."""
    return ev.variable == name


def _event_time(ev: RegisterEvent, spec: TableSpec) -> Any:
    """The UTC instant of an event's time (local to the table unless it has an offset)."""
    t = pd.Timestamp(ev.time)
    try:
        t = t.tz_localize(spec.timezone) if t.tzinfo is None else t
        t = t.tz_convert("UTC").tz_localize(None)
    except ValueError as exc:  # pandas' nonexistent or ambiguous local time
        raise ProjectFileError(
            f"event time {ev.time.isoformat()} is not one instant in "
            f"{getattr(spec.timezone, 'key', spec.timezone)}: {exc}",
            variable=f"{spec.where}.events.time",
            rule="where clocks change, write the event time with its UTC offset",
        ) from None
    return t.to_datetime64().astype("datetime64[ns]")


def _difference_registers(
    times: np.ndarray,
    rows: Any,
    canonical: Mapping[str, np.ndarray],
    raw: Mapping[str, np.ndarray],
    units: Mapping[str, str],
    declared: Mapping[str, MonitoringVariable],
    spec: TableSpec,
    events: list[str],
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], Any]:
    if times.size < 2:
        raise MonitoringDataError("a register needs at least two readings", where=str(rows[0]))
    out: dict[str, np.ndarray] = {}
    for name, reading in canonical.items():
        nan = np.isnan(reading)
        if np.any(nan):
            i = int(np.argmax(nan))
            raise MonitoringDataError(
                "missing register reading",
                variable=name,
                where=f"{rows[i]} ({local_text(times[i], spec.timezone)})",
                rule="a register is read at every row; delete the row and the next difference "
                "spans the gap",
            )
        diff = np.diff(reading)
        for ev in (e for e in spec.events if _event_for(e, name)):
            # A declared modulus or reading is in the register's own unit (as the meter
            # shows it); ``reading`` is already canonical.
            modulus, final, initial = (
                None
                if x is None
                else float(convert(x, units[name], declared[name].unit, variable=name))
                for x in (ev.modulus, ev.final_reading, ev.initial_reading)
            )
            t = _event_time(ev, spec)
            k = int(np.searchsorted(times, t, side="left")) - 1
            if k < 0 or k >= diff.size:
                raise ProjectFileError(
                    f"{ev.kind} at {ev.time} is outside the readings",
                    variable=f"{spec.where}.events.{name}",
                )
            if ev.kind == "rollover":
                assert modulus is not None
                diff[k] += modulus
            else:
                assert final is not None and initial is not None
                diff[k] = (final - reading[k]) + (reading[k + 1] - initial)
            events.append(
                f"{name}: {ev.kind} at {ev.time.isoformat()} applied between "
                f"{rows[k]} and {rows[k + 1]}"
            )
        back = diff < 0
        if np.any(back):
            i = int(np.argmax(back))
            raise MonitoringDataError(
                f"register decreases from {float(raw[name][i])!r} to "
                f"{float(raw[name][i + 1])!r} {units[name]}",
                variable=name,
                where=f"{rows[i + 1]} ({local_text(times[i + 1], spec.timezone)})",
                rule=f"a rollover or meter replacement must be declared in {spec.where}.events",
            )
        out[name] = diff
    return times[:-1], times[1:], out, rows[1:]


def register_gaps(start: np.ndarray, end: np.ndarray, spec: TableSpec) -> list[Gap]:
    """Readings further apart than the usual spacing: no amount is lost (the difference
    spans the gap), but its time profile is unknown, so the report lists them."""
    step = end - start
    if step.size < 2:
        return []
    vals, counts = np.unique(step, return_counts=True)
    usual = vals[int(np.argmax(counts))]
    long = np.flatnonzero(step > usual)
    return [
        Gap(
            "registers",
            local_text(start[i], spec.timezone),
            local_text(end[i], spec.timezone),
            int(step[i] // usual),
            float(step[i] / np.timedelta64(1, "h")),
            "the register difference spans it: amount kept, its profile unknown",
            f"readings usually {pd.Timedelta(usual)} apart",
        )
        for i in long
    ]


def select(
    p: Prepared,
    lo: Any,
    hi: Any,
    spec: TableSpec,
    declared: Mapping[str, MonitoringVariable],
    parameters: Mapping[str, Any],
    period_text: str,
    columns: Mapping[str, str],
    cover: bool = True,
    key: str = "period",
) -> Selected:
    """Keep the intervals in ``[lo, hi)``, insert gaps, and fill them by the rules.

    ``cover``: the data must cover ``[lo, hi)`` exactly (a reporting or baseline period);
    otherwise (a history table) they may start later and end earlier. ``lo`` may be
    ``None`` (no lower bound). ``key`` is the project-file key of the period.

    The intervals of a group are ordered (``Prepared.order``), so the period's intervals
    are found by bisection and kept as slices of the group's arrays (views: nothing in
    the engine writes into monitored values). The views are read-only, so that a
    period's series cannot change the group that later periods are selected from.
    """
    start, end = p.start, p.end
    first_overlap, ordered = p.order()
    if first_overlap >= 0:
        i = first_overlap
        raise MonitoringDataError(
            f"intervals overlap: {local_text(start[i + 1], spec.timezone)} starts before "
            f"{local_text(end[i], spec.timezone)}",
            where=str(p.rows[i + 1]),
            rule=f"each instant is covered by one interval (check {spec.where}.interval)",
        )
    if not ordered:
        return _select_masked(
            p, lo, hi, spec, declared, parameters, period_text, columns, cover, key
        )
    files = ", ".join(spec.files)
    source = f"the data in {files}" if files else "the in-memory data"
    n = start.size
    if cover:
        first, last = start[0], end[-1]
        if first > lo or last < hi:
            off = p.step is not None and (first - lo == p.step or hi - last == p.step)
            hint = (
                f" (one interval off: timestamps label the {spec.label} of their interval; "
                f"check {spec.where}.label)"
                if off
                else ""
            )
            raise MonitoringDataError(
                f"the {period_text} is not covered by {source}, which run from "
                f"{local_text(first, spec.timezone)} to {local_text(last, spec.timezone)}{hint}",
                variable=f"{key}.start" if first > lo else f"{key}.end",
                rule="the monitoring data cover the whole period",
            )
    # At most one interval straddles each bound: the first that ends after it.
    straddles = []
    if lo is not None:
        k = int(np.searchsorted(end, lo, side="right"))
        if k < n and start[k] < lo:
            straddles.append(k)
    k = int(np.searchsorted(end, hi, side="right"))
    if k < n and start[k] < hi:
        straddles.append(k)
    states = all(declared[name].aggregate == "mean" for name in p.values) and not p.register
    clipped = bool(straddles) and states
    if clipped:
        # A state (a laboratory fraction, a temperature) holds over its whole interval:
        # the part inside the period keeps its value. Nothing is pro-rated.
        i0 = int(np.searchsorted(end, lo, side="right")) if lo is not None else 0
        i1 = int(np.searchsorted(start, hi, side="left"))
        start = np.maximum(start[i0:i1], lo) if lo is not None else start[i0:i1]
        end = np.minimum(end[i0:i1], hi)
    elif straddles:
        i = straddles[0]
        raise MonitoringDataError(
            f"interval {local_text(start[i], spec.timezone)} to "
            f"{local_text(end[i], spec.timezone)} straddles the boundary of the {period_text}",
            where=str(p.rows[i]),
            rule="a period starts and ends on interval boundaries; nothing is pro-rated",
        )
    else:
        i0 = int(np.searchsorted(start, lo, side="left")) if lo is not None else 0
        i1 = max(i0, int(np.searchsorted(end, hi, side="right")))
        start, end = _frozen(start[i0:i1]), _frozen(end[i0:i1])
    values = {k: _frozen(v[i0:i1]) for k, v in p.values.items()}
    if start.size == 0:
        raise MonitoringDataError(
            f"no data in the {period_text}",
            file=files or None,
            rule="the data cover the period",
        )
    if cover and (start[0] != lo or end[-1] != hi):
        raise MonitoringDataError(
            f"the data do not start at the start of the {period_text} (local midnight), or do "
            "not end at its end",
            variable=key,
            rule="the monitoring data cover the whole period",
        )
    gaps = register_gaps(start, end, spec) if p.register else []
    start, end, values, whole = _insert_gaps(start, end, values, p.step)
    filled: dict[str, int] = {}
    _fill(start, end, values, declared, spec, parameters, gaps, filled, columns)
    # Each interval is ``step`` long and the gaps were filled by whole steps: the intervals
    # tile [start[0], end[-1]) in steps of ``step``.
    regular = p.step if p.step is not None and p.step > NS0 and whole and not clipped else None
    return Selected(start, end, values, gaps, filled, regular)


def _frozen(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a``."""
    v = a.view()
    v.flags.writeable = False
    return v


def _select_masked(
    p: Prepared,
    lo: Any,
    hi: Any,
    spec: TableSpec,
    declared: Mapping[str, MonitoringVariable],
    parameters: Mapping[str, Any],
    period_text: str,
    columns: Mapping[str, str],
    cover: bool,
    key: str,
) -> Selected:
    """``select`` of intervals that are not ordered (an interval of no length): by masks
    over all of them."""
    start, end = p.start, p.end
    files = ", ".join(spec.files)
    source = f"the data in {files}" if files else "the in-memory data"
    if cover:
        first, last = start.min(), end.max()
        if first > lo or last < hi:
            off = p.step is not None and (first - lo == p.step or hi - last == p.step)
            hint = (
                f" (one interval off: timestamps label the {spec.label} of their interval; "
                f"check {spec.where}.label)"
                if off
                else ""
            )
            raise MonitoringDataError(
                f"the {period_text} is not covered by {source}, which run from "
                f"{local_text(first, spec.timezone)} to {local_text(last, spec.timezone)}{hint}",
                variable=f"{key}.start" if first > lo else f"{key}.end",
                rule="the monitoring data cover the whole period",
            )
    straddle = (start < hi) & (end > hi)
    if lo is not None:
        straddle |= (start < lo) & (end > lo)
    states = all(declared[n].aggregate == "mean" for n in p.values) and not p.register
    if np.any(straddle) and states:
        start = np.maximum(start, lo) if lo is not None else start
        end = np.minimum(end, hi)
    elif np.any(straddle):
        i = int(np.argmax(straddle))
        raise MonitoringDataError(
            f"interval {local_text(start[i], spec.timezone)} to "
            f"{local_text(end[i], spec.timezone)} straddles the boundary of the {period_text}",
            where=str(p.rows[i]),
            rule="a period starts and ends on interval boundaries; nothing is pro-rated",
        )
    inside = (end <= hi) & (start < end)
    if lo is not None:
        inside &= start >= lo
    start, end = start[inside], end[inside]
    values = {k: v[inside] for k, v in p.values.items()}
    if start.size == 0:
        raise MonitoringDataError(
            f"no data in the {period_text}",
            file=files or None,
            rule="the data cover the period",
        )
    if cover and (start[0] != lo or end[-1] != hi):
        raise MonitoringDataError(
            f"the data do not start at the start of the {period_text} (local midnight), or do "
            "not end at its end",
            variable=key,
            rule="the monitoring data cover the whole period",
        )
    gaps = register_gaps(start, end, spec) if p.register else []
    start, end, values, _ = _insert_gaps(start, end, values, p.step)
    filled: dict[str, int] = {}
    _fill(start, end, values, declared, spec, parameters, gaps, filled, columns)
    return Selected(start, end, values, gaps, filled)


def _insert_gaps(
    start: np.ndarray, end: np.ndarray, values: dict[str, np.ndarray], step: Any
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], bool]:
    """Insert all-missing intervals wherever the intervals do not touch.

    With a fixed ``step`` a gap that is a whole number of steps becomes that many missing
    intervals (so filled intervals are counted as the meter would have reported them);
    otherwise it is one missing interval spanning the gap. The last item says whether
    every gap was a whole number of steps (or there was none).
    """
    gap = start[1:] > end[:-1]
    if not np.any(gap):
        return start, end, values, True
    k = np.flatnonzero(gap)
    length = start[k + 1] - end[k]
    if step is not None and step > NS0:
        whole = length % step == NS0
        pieces = np.where(whole, length // step, 1).astype(np.int64)
    else:
        whole = np.zeros(k.size, dtype=bool)
        pieces = np.ones(k.size, dtype=np.int64)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    j = np.arange(int(pieces.sum())) - first
    gap_start = np.repeat(end[k], pieces)
    piece_len = np.where(
        np.repeat(whole, pieces), step if step is not None else NS0, np.repeat(length, pieces)
    )
    ins_start = gap_start + j * piece_len
    ins_end = ins_start + piece_len
    where = np.repeat(k + 1, pieces)
    return (
        np.insert(start, where, ins_start),
        np.insert(end, where, ins_end),
        {s: np.insert(v, where, np.nan) for s, v in values.items()},
        bool(np.all(whole)),
    )


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _fill(
    start: np.ndarray,
    end: np.ndarray,
    values: dict[str, np.ndarray],
    declared: Mapping[str, MonitoringVariable],
    spec: TableSpec,
    parameters: Mapping[str, Any],
    gaps: list[Gap],
    filled: dict[str, int],
    columns: Mapping[str, str],
) -> None:
    original = {s: v.copy() for s, v in values.items() if np.isnan(v).any()}
    if not original:
        return
    when: Callable[[int], str] = lambda i: local_text(start[i], spec.timezone)  # noqa: E731
    for name in original:
        mask = np.isnan(original[name])
        rule = declared[name].missing
        label = name.split("[", 1)[1].rstrip("]") if "[" in name else ""
        others = {
            k.split("[", 1)[0]: original.get(k, v)
            for k, v in values.items()
            if _same_label(k, label)
        }
        ctx = FillContext(
            name.split("[", 1)[0],
            original[name],
            mask,
            start,
            end,
            others,
            parameters,
            when,
            label,
            columns.get(name, ""),
            ", ".join(spec.files) or "the data",
        )
        values[name] = rule.fill(ctx)
        for a, b in _runs(mask):
            gaps.append(
                Gap(
                    name,
                    local_text(start[a], spec.timezone),
                    local_text(end[b - 1], spec.timezone),
                    int(b - a),
                    float((end[b - 1] - start[a]) / np.timedelta64(1, "h")),
                    rule.filled_by(),
                    rule.clause,
                )
            )
        filled[name] = int(mask.sum())


def _same_label(name: str, label: str) -> bool:
    return (name.split("[", 1)[1].rstrip("]") if "[" in name else "") == label
