"""The ledger: every number behind ER, with its unit, equation and inputs.

Every quantity that contributes to ER is recorded here: symbol, value (a scalar or an
``xarray.DataArray`` over time and any other dimension: ``meter``, ``node``,
``waste_type``), unit, the equation that produced it and the symbols it was computed from
(DESIGN.md, "The ledger"). The totals BE, PE, LE and ER are quantities like any other:
a total reduces over every dimension; reporting intervals group over time. The report
prints the ledger, ``verify`` recomputes it, the identity ER = BE - PE - LE is checked at
every time step, and chains that move mass call :meth:`Ledger.balance`.

Series over time carry two coordinates on ``time``: the start of each interval (the
index, UTC) and ``time_end``. Arithmetic between series on different time axes is an
error (``arithmetic_join="exact"`` while a methodology quantifies), never a silent inner
join.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from .equation import EquationTag, arguments, tags_of
from .errors import ReductionsError
from .methodology import Finding, Status

Role = Literal["parameter", "monitored", "calculated", "total"]
Value = float | xr.DataArray

TOTALS = ("BE", "PE", "LE", "ER")
#: Relative tolerance of the ledger's identities and balances (rounding only).
BALANCE_RTOL = 1e-9


#: Values summed pairwise (by numpy) before the block sums are added exactly.
_BLOCK = 4096


def exact_sum(values: Any) -> float:
    """An accurate, deterministic sum.

    Up to 4,096 values: correctly rounded (``math.fsum``). Beyond, blocks of 4,096 values
    are summed pairwise (relative error of order 1e-15 per block) and the block sums are
    added exactly, so long series cost one vectorised pass. Data are always in time order,
    so the result does not depend on the order the rows came in.
    """
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size <= _BLOCK:
        return math.fsum(arr.tolist())
    n = arr.size // _BLOCK * _BLOCK
    blocks = arr[:n].reshape(-1, _BLOCK).sum(axis=1)
    return math.fsum([*blocks.tolist(), *arr[n:].tolist()])


class LedgerError(ReductionsError):
    """A methodology broke the ledger's rules (unknown input, duplicate symbol, imbalance)."""


#: One unit of each kind of amount: mass, energy, volume and gas volumes at reference
#: conditions.
_AMOUNT_UNITS = ("t", "GJ", "m**3", "Nm3", "sm3", "scf")


@lru_cache(maxsize=256)
def is_amount(unit: str) -> bool:
    """Whether a quantity in ``unit`` adds up over time (mass, energy, volume)."""
    from .units import parse_unit

    def dims(u: str) -> object:
        try:
            return parse_unit(u, variable="unit").dimensionality
        except ReductionsError:
            return None

    return dims(unit) in {dims(u) for u in _AMOUNT_UNITS} - {None}


@dataclass(frozen=True, eq=False)
class TimeAxis:
    """Monitoring intervals: UTC start and end of each (``datetime64[ns]``).

    ``index`` is built once: series that share it combine without xarray comparing
    their time coordinates again.
    """

    start: np.ndarray
    end: np.ndarray

    @cached_property
    def index(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.start, name="time")

    def coords(self) -> dict[str, Any]:
        return {"time": self.index, "time_end": ("time", self.end)}

    @cached_property
    def template(self) -> xr.DataArray:
        """An empty series on this axis, whose coordinates new series share (xarray
        builds and copies the index once, not for every series)."""
        return xr.DataArray(
            np.broadcast_to(np.float64(0.0), self.start.shape), dims=("time",), coords=self.coords()
        )

    def series(self, values: np.ndarray, dims: tuple[str, ...] = (), **labels: Any) -> xr.DataArray:
        """``values`` (time first) as a DataArray on this axis, with labelled extra dims."""
        if not dims:
            return self.template.copy(deep=False, data=values)
        da = xr.DataArray(values, dims=("time", *dims), coords=labels)
        return da.assign_coords(self.template.coords)

    def matches(self, time: Any) -> bool:
        if isinstance(time, pd.Index) and time is self.index:
            return True
        time = np.asarray(time)
        return time.shape == self.start.shape and bool(np.array_equal(time, self.start))


@dataclass(frozen=True)
class Quantity:
    """A named quantity: value with unit, and where it came from.

    ``extensive`` quantities (energy, mass, emissions per interval) add up over time and
    every other dimension; intensive ones (emission factors, fractions) do not.
    """

    symbol: str
    value: Value
    unit: str
    equation: str
    inputs: tuple[str, ...]
    description: str
    role: Role
    extensive: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_array(self) -> bool:
        return isinstance(self.value, xr.DataArray)

    @property
    def is_series(self) -> bool:
        return isinstance(self.value, xr.DataArray) and "time" in self.value.dims

    @property
    def dims(self) -> tuple[str, ...]:
        return (
            tuple(str(d) for d in self.value.dims) if isinstance(self.value, xr.DataArray) else ()
        )

    @cached_property
    def _total(self) -> float:
        return exact_sum(self.value.values) if isinstance(self.value, xr.DataArray) else 0.0

    def total(self) -> float:
        """Sum over every dimension of an extensive quantity; the value of a scalar."""
        if isinstance(self.value, xr.DataArray):
            if not self.extensive:
                if self.value.size == 1:
                    return float(self.value.values.ravel()[0])
                raise LedgerError(f"{self.symbol} is intensive: it has no total")
            return self._total
        return float(self.value)


class Ledger:
    """An ordered collection of :class:`Quantity`, keyed by symbol, with findings."""

    def __init__(
        self,
        methodology: str = "",
        *,
        sources: Sequence[str] = (),
        axes: Sequence[TimeAxis] = (),
        timezone: Any = None,
    ) -> None:
        self.methodology = methodology
        self.timezone = timezone
        self.sources = tuple(sources)
        self.axes = list(axes)
        self.findings: list[Finding] = []
        self._quantities: dict[str, Quantity] = {}

    # --- recording -------------------------------------------------------------------

    def add(
        self,
        symbol: str,
        value: Value | np.ndarray | float,
        unit: str,
        equation: str,
        inputs: Sequence[str] = (),
        description: str = "",
        *,
        role: Role = "calculated",
        extensive: bool | None = None,
        notes: Sequence[str] = (),
        like: xr.DataArray | None = None,
    ) -> Value:
        """Record a quantity and return its value (for the next equation to use).

        A plain array is given the coordinates of ``like`` (same shape); ``extensive``
        is inferred from the unit when not given.
        """
        if symbol in self._quantities:
            raise LedgerError(f"{symbol} is already in the ledger")
        missing = [s for s in inputs if s not in self._quantities]
        if missing:
            raise LedgerError(f"{symbol}: inputs {missing} are not in the ledger")
        stored = self._store(symbol, value, unit, like)
        q = Quantity(
            symbol,
            stored,
            unit,
            equation,
            tuple(inputs),
            description,
            role,
            is_amount(unit) if extensive is None else extensive,
            tuple(notes),
        )
        self._quantities[symbol] = q
        return stored

    def _store(self, symbol: str, value: Any, unit: str, like: xr.DataArray | None) -> Value:
        if isinstance(value, xr.DataArray):
            # A shallow copy: the ledger's own name and attributes, the same data (the
            # engine never writes into a recorded array).
            stored = value if value.dtype == float else value.astype(float)
            stored = stored.copy(deep=False)
        elif isinstance(value, np.ndarray) and value.ndim > 0:
            if like is None or like.shape != value.shape:
                raise LedgerError(
                    f"{symbol}: a plain array needs the coordinates of an input of its shape"
                )
            stored = like.copy(data=np.asarray(value, dtype=float))
        else:
            arr = np.asarray(value, dtype=float)
            if arr.ndim > 0:
                raise LedgerError(f"{symbol}: a sequence needs coordinates (give a DataArray)")
            return float(arr)
        if stored.ndim == 0:
            return float(stored.values)
        stored.name = symbol
        stored.attrs = {"units": unit}
        if "time" in stored.dims and "time_end" not in stored.coords:
            axis = self.axis_of(stored)
            if axis is None:
                raise LedgerError(f"{symbol}: its time axis is not one of the monitored axes")
            stored = stored.assign_coords(axis.coords())
        return stored

    def apply(
        self,
        fn: Callable[..., Any],
        *,
        returns: str | None = None,
        source: str | None = None,
        description: str | None = None,
        notes: Sequence[str] = (),
        **symbols: str,
    ) -> Value:
        """Apply a tagged equation function and record its result.

        The function's arguments are looked up in the ledger by name, or by the symbol
        given for them (``ledger.apply(net, EG_export="EG_export_y")``). The tag gives
        the reference, the symbol returned (``returns`` renames it) and the unit. A
        function tagged for several documents uses the tag of ``source`` or of the
        methodology's sources.
        """
        tag = self._tag(fn, source)
        names = arguments(fn)
        unknown = sorted(set(symbols) - set(names))
        if unknown:
            raise LedgerError(f"{fn.__name__} has no argument(s) {unknown}")
        used = [symbols.get(n, n) for n in names]
        missing = [s for s in used if s not in self._quantities]
        if missing:
            raise LedgerError(
                f"{tag.reference} ({fn.__name__}): inputs {missing} are not in the ledger"
            )
        values = [self._quantities[s].value for s in used]
        result = fn(*values)
        like = None
        if isinstance(result, np.ndarray) and result.ndim > 0:
            arrays = [v for v in values if isinstance(v, xr.DataArray)]
            if arrays:
                like = xr.broadcast(*arrays)[0] if len(arrays) > 1 else arrays[0]
        return self.add(
            returns or tag.symbol,
            result,
            tag.unit,
            tag.reference,
            tuple(dict.fromkeys(used)),
            description if description is not None else tag.description,
            extensive=tag.extensive,
            notes=notes,
            like=like,
        )

    def _tag(self, fn: Callable[..., Any], source: str | None) -> EquationTag:
        tags = tags_of(fn)
        if not tags:
            raise LedgerError(
                f"{getattr(fn, '__name__', fn)!r} is not a tagged equation "
                "(decorate it with reductions.plugin.equation)"
            )
        if source is not None:
            chosen = [t for t in tags if t.document == source]
        elif len(tags) == 1:
            return tags[0]
        else:
            chosen = [t for t in tags if t.document in self.sources][:1]
        if len(chosen) != 1:
            docs = [t.document for t in tags]
            raise LedgerError(
                f"{fn.__name__} is tagged for {docs}; name one with source= "
                f"(methodology sources: {list(self.sources)})"
            )
        return chosen[0]

    def resample(
        self,
        symbol: str,
        like: str,
        *,
        returns: str,
        reference: str,
        how: str | None = None,
        description: str = "",
    ) -> Value:
        """Record ``symbol`` on the time axis of ``like``: summed (an amount) or a
        duration-weighted mean (a state) over finer steps, held over coarser ones.

        ``how`` is ``"sum"`` or ``"mean"`` (by default: sum for an extensive quantity);
        ``reference`` names the clause that asks for it (TOOL06's hourly mean, say).
        """
        from .monitoring.resample import resample

        q, target = self._quantities[symbol], self._quantities[like]
        if not (isinstance(q.value, xr.DataArray) and isinstance(target.value, xr.DataArray)):
            raise LedgerError(f"resample {symbol} like {like}: both must be series over time")
        src, dst = self.axis_of(q.value), self.axis_of(target.value)
        if src is None or dst is None:
            raise LedgerError(f"resample {symbol} like {like}: not on a monitored time axis")
        how = how or ("sum" if q.extensive else "mean")
        arr = q.value.transpose("time", ...)
        values, note = resample(
            arr.values, src.start, src.end, dst.start, dst.end, how, symbol, self.timezone
        )
        other: dict[str, Any] = {
            str(d): arr[d].values for d in arr.dims if d != "time" and d in arr.coords
        }
        out = dst.series(values, tuple(str(d) for d in arr.dims[1:]), **other)
        return self.add(
            returns,
            out,
            q.unit,
            f"{reference}; {note or 'same intervals'} of {symbol} over the intervals of {like}",
            (symbol, like),
            description or f"{symbol} on the time steps of {like}",
            extensive=q.extensive,
        )

    def parameter(
        self, symbol: str, value: float, unit: str, source: str, description: str = ""
    ) -> Value:
        """Record a fixed value (a table default, a declared zero) with its source."""
        return self.add(
            symbol, value, unit, source, (), description, role="parameter", extensive=False
        )

    def finding(self, finding: Finding) -> None:
        """Record a finding made while quantifying (a failed sufficiency check, an override)."""
        self.findings.append(finding)

    # --- access ----------------------------------------------------------------------

    def __getitem__(self, symbol: str) -> Quantity:
        return self._quantities[symbol]

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._quantities

    def __iter__(self) -> Iterator[Quantity]:
        return iter(self._quantities.values())

    def __len__(self) -> int:
        return len(self._quantities)

    def symbols(self) -> list[str]:
        return list(self._quantities)

    def value(self, symbol: str) -> Value:
        return self._quantities[symbol].value

    def series(self, symbol: str) -> np.ndarray:
        """A quantity over time as a plain array (other dimensions kept after time); an
        intensive scalar is broadcast over the first time axis."""
        q = self._quantities[symbol]
        if isinstance(q.value, xr.DataArray) and "time" in q.value.dims:
            return np.asarray(q.value.transpose("time", ...).values, dtype=float)
        if q.extensive and q.total() != 0.0:
            raise LedgerError(f"{symbol} is an extensive scalar; it cannot be spread over time")
        n = self.axes[0].start.size if self.axes else 1
        return np.full(n, q.total())

    def totals(self) -> dict[str, float]:
        """BE, PE, LE and ER over the whole period [t CO2e]."""
        return {s: self._quantities[s].total() for s in TOTALS}

    def axis_of(self, value: xr.DataArray) -> TimeAxis | None:
        if "time" not in value.dims:
            return None
        time = value.indexes["time"] if "time" in value.indexes else value["time"].values
        for axis in self.axes:
            if axis.matches(time):
                return axis
        return None

    # --- checks ----------------------------------------------------------------------

    def check(self, rtol: float = 1e-12) -> None:
        """BE, PE, LE, ER exist, in t, and ER = BE - PE - LE at every step and in total."""
        missing = [s for s in TOTALS if s not in self._quantities]
        if missing:
            raise LedgerError(f"{self.methodology}: the ledger lacks {missing}")
        be, pe, le, er = (self._quantities[s].value for s in TOTALS)
        residual: Any
        # Rounding is judged against the largest magnitude of BE, PE and LE.
        scale = sum(float(np.max(np.abs(np.asarray(v)))) for v in (be, pe, le)) + 1.0
        try:
            with xr.set_options(arithmetic_join="exact"):
                residual = er - (be - pe - le)
        except ValueError:
            residual = None  # on different time axes: the totals are checked below
        if isinstance(residual, xr.DataArray):
            bad = abs(residual) > rtol * scale
            if bool(bad.any()):
                flat = int(np.argmax(bad.values.ravel()))
                where = np.unravel_index(flat, bad.shape)
                at = ", ".join(
                    f"{d} {i}" if d != "time" else f"step {i}"
                    for d, i in zip(bad.dims, where, strict=True)
                )
                raise LedgerError(
                    f"{self.methodology}: ER != BE - PE - LE at {at} "
                    f"(residual {float(residual.values.ravel()[flat])!r})"
                )
        elif residual is not None and abs(residual) > rtol * scale:
            raise LedgerError(f"{self.methodology}: ER != BE - PE - LE (residual {residual!r})")
        t = self.totals()
        if abs(t["ER"] - (t["BE"] - t["PE"] - t["LE"])) > rtol * (
            abs(t["BE"]) + abs(t["PE"]) + abs(t["LE"]) + 1.0
        ):
            raise LedgerError(f"{self.methodology}: total ER != BE - PE - LE")

    def balance(
        self,
        name: str,
        *,
        inflow: Sequence[str],
        outflow: Sequence[str],
        emitted: Sequence[str] = (),
        inventory_change: Sequence[str] = (),
        clause: str,
        rtol: float = BALANCE_RTOL,
    ) -> Finding:
        """Check a mass balance at every node and step: in = out + emitted + change.

        Each argument lists ledger symbols (summed); they broadcast over their shared
        dimensions (``time``, ``node``, ``meter``...). The result is a finding: ``pass``
        with the largest relative residual, or ``fail`` naming the node and the step
        (local time) where the residual is largest, with the values involved. A failed
        balance stops the run like any failed condition, unless the project overrides it.
        """
        groups = {
            "inflow": inflow,
            "outflow": outflow,
            "emitted": emitted,
            "inventory_change": inventory_change,
        }
        for symbols in groups.values():
            for s in symbols:
                if s not in self._quantities:
                    raise LedgerError(f"balance {name}: {s} is not in the ledger")

        def total(symbols: Sequence[str]) -> Any:
            out: Any = 0.0
            for s in symbols:
                out = out + self._quantities[s].value
            return out

        with xr.set_options(arithmetic_join="exact"):
            i, o, e, c = (total(groups[k]) for k in groups)
            residual = i - o - e - c
            magnitude: Any = abs
            scale = magnitude(i) + magnitude(o) + magnitude(e) + magnitude(c) + 1e-300
        rel = np.asarray(magnitude(residual) / scale, dtype=float)
        flat = int(np.argmax(rel.ravel())) if rel.size else 0
        worst = float(rel.ravel()[flat]) if rel.size else 0.0
        values: dict[str, object] = {
            "max_relative_residual": worst,
            "rtol": rtol,
            **{k: list(v) for k, v in groups.items()},
        }
        if worst <= rtol:
            f = Finding(name, clause, Status.PASS, f"balance closes to {worst:.1e}", values)
        else:
            at = []
            if isinstance(residual, xr.DataArray):
                idx = np.unravel_index(flat, residual.shape)
                for d, k in zip(residual.dims, idx, strict=True):
                    label = residual[d].values[k]
                    if d == "time":
                        label = self.local_time(label)
                        values["time"] = label
                    else:
                        values[str(d)] = str(label)
                    at.append(f"{d} {label}")
            r = float(np.asarray(residual).ravel()[flat])
            values["residual"] = r
            where = f" at {', '.join(at)}" if at else ""
            f = Finding(
                name,
                clause,
                Status.FAIL,
                f"balance does not close{where}: in - out - emitted - change = {r!r} "
                f"({worst:.2e} of the flows, beyond {rtol:.1e})",
                values,
            )
        self.findings.append(f)
        return f

    def local_time(self, t: Any) -> str:
        """An instant (UTC) as local ISO 8601 text in the ledger's time zone."""
        ts = pd.Timestamp(t).tz_localize("UTC")
        return (ts.tz_convert(self.timezone) if self.timezone is not None else ts).isoformat()


def gwp_symbol(gas: str) -> str:
    """``"GWP_CH4"``, ``"GWP_HFC_134a"``: the ledger symbol of a gas's GWP."""
    return "GWP_" + "".join(c if c.isalnum() else "_" for c in gas)


def ledger_inputs(
    ledger: Ledger,
    parameters: Mapping[str, Any],
    declared: Mapping[str, Any],
    series: Mapping[str, xr.DataArray],
    monitoring: Mapping[str, Any],
    gwp: Mapping[str, Any] = MappingProxyType({}),
    gwp_rule: str = "",
) -> None:
    """Record what a methodology starts from: the numeric parameters, the GWP of each gas
    it uses (``GWP_CH4``...), and the monitored series.

    ``declared`` maps a parameter symbol to its declaration; ``monitoring`` a variable
    symbol to its declaration.
    """
    for gas, g in sorted(gwp.items()):
        ledger.add(
            gwp_symbol(gas),
            float(g.value),
            "1",
            f"{g.set}: {g.reference}; chosen by: {gwp_rule}",
            (),
            f"100-year global warming potential of {gas} [t CO2e/t]",
            role="parameter",
            extensive=False,
        )
    for p in parameters.values():
        decl = declared[p.symbol]
        if decl.kind in ("number", "integer"):
            ledger.add(
                p.symbol,
                float(p.value),
                p.unit or "1",
                f"parameter; source: {p.source}",
                (),
                decl.description,
                role="parameter",
                extensive=False,
            )
    for symbol, da in series.items():
        v = monitoring[symbol]
        ledger.add(
            symbol,
            da,
            v.unit,
            da.attrs.get("provenance", "monitored"),
            (),
            v.description,
            role="monitored",
            extensive=v.aggregate == "sum",
        )
