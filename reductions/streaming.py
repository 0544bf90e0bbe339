"""Streaming ingest: a monitoring table too large for memory, read and reduced in chunks.

A table is streamed when its project file says ``chunks = "1D"`` (a length of time: the
rows of one day per chunk), or, without ``chunks``, when its files exceed
:data:`AUTO_BYTES` and it qualifies (``chunks = false`` keeps it in memory). CSV, NetCDF
and Zarr files are read in blocks of rows (:func:`reductions.readers.open_lazy`: dask
delayed blocks; NetCDF and Zarr through xarray's dask-backed arrays, without loading the
time coordinate), and each block runs, in parallel on dask's threads, the same steps as
the in-memory path (:mod:`reductions.monitoring.series`, ``resample``) on its rows:
blank rows, order, units, intervals, signs, rows outside the period, gaps (missing rows
and empty cells), the methodology's missing-data rule, and the reduction of every
variable to the resolution it declares (one-second flow summed to minutes, one-second
temperatures averaged by duration). Only interval-sized arrays leave a block: the
methodology gets the same arrays as from the in-memory path, and the same data-quality
record.

Equality with the in-memory path. A block keeps the values of the intervals it holds
whole; an interval (a minute) cut by a block boundary, or inside a run of missing rows
between blocks, is put together from its pieces and reduced at the end in the same
order, so every sum is taken over the same numbers in the same order as in memory: the
results are the same to the bit. Errors are collected from every block and the one the
in-memory path would raise first is raised (a bad value in a later chunk names its row).

What needs the whole table at once is not streamed, and says so: Excel files, registers
(``kind = "register"``), long tables with key columns or variables over a dimension,
``sort = true``, an undeclared or calendar interval, history tables, and the
"mean of adjacent values" rule. A declared resolution must be a whole number of the
table's intervals.

Progress: :func:`show_progress` turns on a ``dask.diagnostics.ProgressBar`` on stderr
(also when the environment sets ``REDUCTIONS_PROGRESS=1``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, MonitoringDataError, ProjectFileError
from .methodology import MonitoringVariable
from .project import Period, TableSpec
from .readers import ZARR_SUFFIXES, LazyTable, ReadOptions, Table
from .rules import FillContext, MeanOfAdjacent, NoFill
from .timeutil import interval_offset

__all__ = [
    "AUTO_BYTES",
    "DEFAULT_CHUNKS",
    "Streamed",
    "chunk_length",
    "show_progress",
    "stream_table",
]

#: A table whose files hold more bytes than this is streamed unless ``chunks = false``.
AUTO_BYTES = 1 << 31
#: The chunk length of a table streamed because of its size.
DEFAULT_CHUNKS = "1D"

_PROGRESS: list[bool] = []


def show_progress(on: bool = True) -> None:
    """Show a progress bar (dask's, on stderr) while a table is streamed (the CLI's)."""
    _PROGRESS[:] = [on]


def _progress_wanted() -> bool:
    if _PROGRESS:
        return _PROGRESS[0]
    return os.environ.get("REDUCTIONS_PROGRESS", "") not in ("", "0")


@contextmanager
def _progress() -> Iterator[None]:
    if not _progress_wanted():
        yield
        return
    from dask.diagnostics import ProgressBar

    with ProgressBar(out=sys.stderr, dt=0.5):
        yield


# --- which tables -----------------------------------------------------------------------


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.is_file() else 0


def why_not(spec: TableSpec, declared: Mapping[str, MonitoringVariable]) -> str | None:
    """Why the table cannot be streamed, or ``None`` if it can."""
    if spec.data is not None:
        return "in-memory data are not read in chunks"
    if spec.kind == "register":
        return "registers (kind = 'register') are differenced in memory"
    if any(v.dims for v in spec.variables.values()):
        return "variables over a dimension (meters, key columns) are read in memory"
    if spec.sort:
        return "sorting (sort = true) needs the whole table"
    if spec.period == "history":
        return "history tables are read in memory"
    if spec.interval is None or not isinstance(interval_offset(spec.interval), pd.Timedelta):
        return "the table's interval must be declared as a fixed length ('1s', '1min')"
    for f in spec.files:
        if Path(f).suffix.lower() not in (".csv", ".txt", ".nc", ".nc4", ".netcdf", ".cdf") + (
            ZARR_SUFFIXES
        ):
            return f"{f}: only CSV, NetCDF and Zarr files are read in chunks"
    for symbol in spec.variables:
        decl = declared[symbol]
        if isinstance(decl.missing, MeanOfAdjacent):
            return (
                f"{symbol}'s missing-data rule ({decl.missing.filled_by()}) needs the whole series"
            )
    return None


def chunk_length(
    root: Path, spec: TableSpec, declared: Mapping[str, MonitoringVariable], project_file: str
) -> pd.Timedelta | None:
    """The length of time per chunk if the table is streamed, else ``None``."""
    if spec.chunks is False or spec.data is not None:
        return None
    reason = why_not(spec, declared)
    if isinstance(spec.chunks, str):
        if reason is not None:
            raise ProjectFileError(
                f"table {spec.name!r} cannot be read in chunks: {reason}",
                file=project_file,
                variable=f"{spec.where}.chunks",
                rule="remove chunks to read the table in memory",
            )
        text = spec.chunks.strip()
        return pd.Timedelta(text[:-1] + "D" if text.endswith("d") else text)
    if reason is None and sum(_size(root / f) for f in spec.files) > AUTO_BYTES:
        return pd.Timedelta(DEFAULT_CHUNKS)
    return None


# --- the result ---------------------------------------------------------------------------


@dataclass
class Streamed:
    """A streamed table, reduced: what ``series_for`` needs, over the whole period.

    Slots are the table's intervals tiling ``[lo, hi)``: slot ``k`` starts at
    ``lo + k * step``. ``values`` are on each variable's grid (its declared resolution,
    or the slots), filled by its rule; ``missing`` the runs ``[a, b)`` of slots whose
    value was missing (no row, or an empty cell); ``absent`` the runs without a row.
    """

    lo: np.datetime64
    hi: np.datetime64
    step: np.timedelta64
    rows: int
    rows_before: int
    rows_after: int
    first_start: np.datetime64
    last_end: np.datetime64
    grids: dict[str, tuple[np.ndarray, np.ndarray]]
    values: dict[str, np.ndarray]
    how: dict[str, str]
    missing: dict[str, list[tuple[int, int]]]
    absent: list[tuple[int, int]]
    blocks: int
    detected: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    interval_note: str = ""

    def slot(self, t: Any) -> int:
        at = np.asarray(t, dtype="datetime64[ns]").astype(np.int64)
        lo = np.asarray(self.lo, dtype="datetime64[ns]").astype(np.int64)
        return int((at - lo) // np.asarray(self.step, dtype="timedelta64[ns]").astype(np.int64))


@dataclass
class _Group:
    """Variables reduced to one grid: bin ``b`` covers slots ``edges[b]:edges[b + 1]``."""

    resolution: str | None
    names: list[str]
    edges: np.ndarray
    start: np.ndarray
    end: np.ndarray


@dataclass
class _Context:
    spec: TableSpec
    names: list[str]  # symbols in table order
    columns: dict[str, str]
    units: dict[str, str]
    declared: dict[str, MonitoringVariable]
    parameters: Mapping[str, Any]
    lo: np.datetime64
    hi: np.datetime64
    step: np.timedelta64
    n: int
    groups: list[_Group]
    files: str


#: Error order: the in-memory path raises reader errors first, then order, signs, the
#: streaming grid, coverage, and fill rules.
_READ, _ORDER, _SIGN, _GRID, _FILL = 1, 2, 4, 5, 7


@dataclass
class _Out:
    errors: list[tuple[tuple[int, ...], InputError]] = field(default_factory=list)
    rows: int = 0
    before: int = 0
    after: int = 0
    first: tuple[Any, str] | None = None  # time and row label of the first row
    last: tuple[Any, str] | None = None
    first_start: Any = None
    last_end: Any = None
    own: tuple[int, int] | None = None  # slots [a, b] of the first and last rows inside
    interior: dict[int, tuple[int, dict[str, np.ndarray]]] = field(default_factory=dict)
    pieces: dict[int, list[tuple[int, int, dict[str, np.ndarray]]]] = field(default_factory=dict)
    missing: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    absent: list[tuple[int, int]] = field(default_factory=list)


def _runs(mask: np.ndarray, offset: int) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    a, b = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(x) + offset, int(y) + offset) for x, y in zip(a, b, strict=True)]


def _fill(
    ctx: _Context,
    group: _Group,
    raw: Mapping[str, np.ndarray],
    start: np.ndarray,
    end: np.ndarray,
) -> dict[str, np.ndarray]:
    """The rule of each variable of ``group`` on slots (a rule is applied slot by slot).
    NoFill is left NaN: its error is raised per period, with the count, as in memory."""
    from .monitoring.series import local_text

    out = {}
    tz = ctx.spec.timezone
    for name in group.names:
        arr = raw[name]
        mask = np.isnan(arr)
        rule = ctx.declared[name].missing
        if not mask.any() or isinstance(rule, NoFill):
            out[name] = arr
            continue
        fc = FillContext(
            name,
            arr,
            mask,
            start,
            end,
            dict(raw),
            ctx.parameters,
            lambda i: local_text(start[i], tz),
            "",
            ctx.columns.get(name, ""),
            ctx.files or "the data",
        )
        out[name] = rule.fill(fc)
    return out


def _reduce(
    ctx: _Context,
    group: _Group,
    values: Mapping[str, np.ndarray],
    start: np.ndarray,
    end: np.ndarray,
    bins: np.ndarray,
) -> dict[str, np.ndarray]:
    from .monitoring.resample import resample

    out = {}
    for name in group.names:
        if group.resolution is None:
            out[name] = values[name]
            continue
        arr, _ = resample(
            values[name],
            start,
            end,
            group.start[bins],
            group.end[bins],
            ctx.declared[name].aggregate,
            name,
            ctx.spec.timezone,
        )
        out[name] = arr
    return out


def _block(ctx: _Context, index: int, table: Table | InputError) -> _Out:
    """One block of rows (or the error reading it): checked, placed on the slots,
    filled and reduced."""
    out = _Out()
    if isinstance(table, InputError):
        out.errors.append(((_READ, index), table))
        return out
    try:
        _place(ctx, index, table, out)
    except InputError as exc:
        out.errors.append(((_FILL, index), exc))
    return out


def _place(ctx: _Context, index: int, table: Table, out: _Out) -> None:
    from .monitoring.series import check_order, local_text
    from .units import convert

    spec = ctx.spec
    times, rows = table.times, table.rows
    n = int(times.size)
    out.rows = n
    if n == 0:
        return
    out.first = (times[0], str(rows[0]))
    out.last = (times[-1], str(rows[n - 1]))
    try:
        check_order(times, rows, spec, "")
    except MonitoringDataError as exc:
        out.errors.append(((_ORDER, int(rows.line[0])), exc))
        return
    values = {}
    for name in ctx.names:
        values[name] = convert(
            table.numbers[ctx.columns[name]],
            ctx.units[name],
            ctx.declared[name].unit,
            variable=name,
            where=f"table {spec.name!r}, column {ctx.columns[name]!r}",
        )
    step = ctx.step
    start, end = (times - step, times) if spec.label == "end" else (times, times + step)
    out.first_start, out.last_end = start[0], end[-1]
    for k, name in enumerate(ctx.names):
        if ctx.declared[name].nonnegative:
            neg = values[name] < 0
            if neg.any():
                i = int(np.argmax(neg))
                out.errors.append(
                    (
                        (_SIGN, k, int(rows.line[i])),
                        MonitoringDataError(
                            f"negative value {float(values[name][i])!r} {ctx.declared[name].unit}",
                            variable=name,
                            where=f"{rows[i]} (interval from "
                            f"{local_text(start[i], spec.timezone)})",
                            rule=f"{name} ({ctx.declared[name].unit}) cannot be negative",
                        ),
                    )
                )
    if out.errors:
        return
    out.before = int(np.count_nonzero(end <= ctx.lo))
    out.after = int(np.count_nonzero(start >= ctx.hi))
    inside = (start >= ctx.lo) & (end <= ctx.hi)
    offset = (start - np.asarray(ctx.lo)) % step
    off_grid = inside & (offset != np.timedelta64(0, "ns"))
    if off_grid.any():
        i = int(np.argmax(off_grid))
        out.errors.append(
            (
                (_GRID, int(rows.line[i])),
                MonitoringDataError(
                    f"interval from {local_text(start[i], spec.timezone)} is not on the grid of "
                    f"{spec.interval} intervals from the start of the period",
                    where=str(rows[i]),
                    rule="a table read in chunks has its rows on the grid of its interval "
                    "(remove chunks to read it in memory)",
                ),
            )
        )
        return
    if not inside.any():
        return
    slots = ((start[inside] - np.asarray(ctx.lo)) // step).astype(np.int64)
    a, b = int(slots[0]), int(slots[-1])
    out.own = (a, b)
    length = b - a + 1
    present = np.zeros(length, dtype=bool)
    present[slots - a] = True
    out.absent = _runs(~present, a)
    raw = {}
    for name in ctx.names:
        dense = np.full(length, np.nan)
        dense[slots - a] = values[name][inside]
        raw[name] = dense
        out.missing[name] = _runs(np.isnan(dense), a)
    slot_start = ctx.lo + (np.arange(a, b + 1, dtype=np.int64) * step)
    slot_end = slot_start + step
    for g, group in enumerate(ctx.groups):
        edges = group.edges
        b_lo = int(np.searchsorted(edges, a, side="right")) - 1
        b_hi = int(np.searchsorted(edges, b, side="right")) - 1
        first = b_lo if edges[b_lo] == a else b_lo + 1
        last = b_hi if edges[b_hi + 1] == b + 1 else b_hi - 1
        if first <= last:
            s0, s1 = int(edges[first]) - a, int(edges[last + 1]) - a
            seg = {k: v[s0:s1] for k, v in raw.items()}
            st, en = slot_start[s0:s1], slot_end[s0:s1]
            filled = _fill(ctx, group, seg, st, en)
            bins = np.arange(first, last + 1)
            out.interior[g] = (first, _reduce(ctx, group, filled, st, en, bins))
        parts = []
        for bin_ in sorted({b_lo, b_hi} - set(range(first, last + 1))):
            s0 = max(int(edges[bin_]), a) - a
            s1 = min(int(edges[bin_ + 1]), b + 1) - a
            parts.append((bin_, s0 + a, {k: raw[k][s0:s1] for k in ctx.names}))
        out.pieces[g] = parts


def _merge(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(runs):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def stream_table(
    spec: TableSpec,
    options: ReadOptions,
    names: Mapping[str, str],
    units: Mapping[str, str],
    declared: Mapping[str, MonitoringVariable],
    bounds: tuple[Any, Any],
    period: Period,
    parameters: Mapping[str, Any],
    opened: list[LazyTable],
    name_read_error: Callable[[InputError], InputError] = lambda exc: exc,
) -> Streamed:
    """Read, check and reduce a table in chunks (``opened``: its files, from
    :func:`reductions.readers.open_lazy`) over ``bounds`` (UTC; the whole period, whose
    time zone ``period`` gives calendar resolutions). ``names`` maps each symbol to its
    column, ``units`` to the unit of its column; ``name_read_error`` names the table in a
    reader's error."""
    import dask

    offset = interval_offset(str(spec.interval))
    assert isinstance(offset, pd.Timedelta)
    step = offset.to_timedelta64().astype("m8[ns]")
    lo, hi = np.datetime64(bounds[0], "ns"), np.datetime64(bounds[1], "ns")
    n = int((hi - lo) // step)
    if lo + n * step != hi:
        raise MonitoringDataError(
            f"the period is not a whole number of {spec.interval} intervals",
            variable=f"{spec.where}.interval",
            rule="a table read in chunks tiles its period with its interval",
        )
    groups = _groups(spec, declared, lo, hi, step, n, period)
    ctx = _Context(
        spec,
        list(names),
        dict(names),
        dict(units),
        {s: declared[s] for s in names},
        parameters,
        lo,
        hi,
        step,
        n,
        groups,
        ", ".join(spec.files),
    )
    tasks = [
        dask.delayed(_block)(ctx, k, blk)
        for k, blk in enumerate(b for t in opened for b in t.blocks)
    ]
    with _progress():
        outs: Sequence[_Out] = dask.compute(*tasks, scheduler="threads")
    return _assemble(ctx, outs, opened, name_read_error)


def _groups(
    spec: TableSpec,
    declared: Mapping[str, MonitoringVariable],
    lo: np.datetime64,
    hi: np.datetime64,
    step: np.timedelta64,
    n: int,
    period: Period,
) -> list[_Group]:
    from .monitoring.resample import grid

    by: dict[str | None, list[str]] = {}
    for symbol in spec.variables:
        by.setdefault(declared[symbol].resolution, []).append(symbol)
    out = []
    for resolution, names in by.items():
        if resolution is None:
            edges = np.arange(n + 1, dtype=np.int64)
            start = lo + np.arange(n, dtype=np.int64) * step
            out.append(_Group(None, names, edges, start, start + step))
            continue
        ts, te = grid(lo, hi, resolution, period.timezone, "period")
        ts = np.asarray(ts, dtype="datetime64[ns]")
        te = np.asarray(te, dtype="datetime64[ns]")
        edges = np.concatenate([(ts - lo) // step, [n]]).astype(np.int64)
        if np.any((ts - lo) % step != np.timedelta64(0, "ns")) or np.any(np.diff(edges) < 1):
            raise ProjectFileError(
                f"{', '.join(names)}: the resolution {resolution} is not a whole number of the "
                f"table's {spec.interval} intervals",
                variable=f"{spec.where}.chunks",
                rule="a table read in chunks is reduced to resolutions its intervals tile "
                "(remove chunks to read it in memory)",
            )
        out.append(_Group(resolution, names, edges, ts, te))
    return out


def _assemble(
    ctx: _Context,
    outs: Sequence[_Out],
    opened: list[LazyTable],
    name_read_error: Callable[[InputError], InputError],
) -> Streamed:
    from .monitoring.series import local_text

    spec = ctx.spec
    errors = [e for o in outs for e in o.errors]
    # Order across blocks.
    prev: _Out | None = None
    for o in outs:
        if o.first is None:
            continue
        if prev is not None and prev.last is not None and o.first[0] <= prev.last[0]:
            t_prev, r_prev = prev.last
            t_next, r_next = o.first
            if t_next == t_prev:
                exc = MonitoringDataError(
                    f"duplicate timestamp {local_text(t_next, spec.timezone)}",
                    variable=spec.time,
                    where=f"{r_prev} and {r_next}",
                    rule="timestamps are unique",
                )
            else:
                exc = MonitoringDataError(
                    f"timestamp {local_text(t_next, spec.timezone)} comes before the previous "
                    f"row's {local_text(t_prev, spec.timezone)}",
                    variable=spec.time,
                    where=r_next,
                    rule=f"timestamps increase (or set {spec.where}.sort = true)",
                )
            errors.append(((_ORDER, _line(r_next)), exc))
        prev = o
    if errors:
        rank, error = min(errors, key=lambda e: e[0])
        raise (name_read_error(error) if rank[0] == _READ else error) from None
    rows = sum(o.rows for o in outs)
    if rows == 0:
        raise MonitoringDataError("no rows of data", file=ctx.files or None)
    # Slots without a row between blocks, and around them.
    own = [o.own for o in outs if o.own is not None]
    absent = [r for o in outs for r in o.absent]
    between = []
    cursor = 0
    for a, b in own:
        if a > cursor:
            between.append((cursor, a))
        cursor = b + 1
    if cursor < ctx.n:
        between.append((cursor, ctx.n))
    absent = _merge(absent + between)
    missing = {
        name: _merge([r for o in outs for r in o.missing.get(name, [])] + between)
        for name in ctx.names
    }
    values: dict[str, np.ndarray] = {}
    grids: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    how: dict[str, str] = {}
    for g, group in enumerate(ctx.groups):
        nb = group.start.size
        result = {name: np.full(nb, np.nan) for name in group.names}
        done = np.zeros(nb, dtype=bool)
        for o in outs:
            if g in o.interior:
                first, arrs = o.interior[g]
                for name, arr in arrs.items():
                    result[name][first : first + arr.size] = arr
                done[first : first + next(iter(arrs.values())).size] = True
        # The rest: bins cut by a block boundary, or with no row at all.
        todo = np.flatnonzero(~done)
        if todo.size:
            lengths = group.edges[todo + 1] - group.edges[todo]
            total = int(lengths.sum())
            slot = np.repeat(group.edges[todo], lengths) + (
                np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            )
            raw = {name: np.full(total, np.nan) for name in ctx.names}
            for o in outs:
                for _bin, first_slot, arrs in o.pieces.get(g, []):
                    at = int(np.searchsorted(slot, first_slot))
                    for name, arr in arrs.items():
                        raw[name][at : at + arr.size] = arr
            st = ctx.lo + slot * ctx.step
            en = st + ctx.step
            filled = _fill(ctx, group, raw, st, en)
            reduced = _reduce(ctx, group, filled, st, en, todo)
            for name in group.names:
                result[name][todo] = reduced[name]
        for name in group.names:
            values[name] = result[name]
            grids[name] = (group.start, group.end)
            if group.resolution is None or bool(np.all(np.diff(group.edges) == 1)):
                how[name] = ""
            else:
                how[name] = (
                    "summed"
                    if ctx.declared[name].aggregate == "sum"
                    else ("duration-weighted mean")
                )
    first_start = next(o.first_start for o in outs if o.first_start is not None)
    last_end = next(o.last_end for o in reversed(outs) if o.last_end is not None)
    units = {k: v for t in opened for k, v in t.units.items()}
    detected = {f"{t.label}: {k}": v for t in opened for k, v in t.detected.items()}
    return Streamed(
        ctx.lo,
        ctx.hi,
        ctx.step,
        rows,
        sum(o.before for o in outs),
        sum(o.after for o in outs),
        first_start,
        last_end,
        grids,
        values,
        how,
        missing,
        absent,
        len(outs),
        detected,
        units,
    )


def _line(label: str) -> int:
    tail = label.rsplit(":", 1)[-1].rsplit("[", 1)[-1].rstrip("]")
    return int(tail) if tail.isdigit() else 0
