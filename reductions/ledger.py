"""The ledger: every number behind ER, with its unit, equation and inputs.

Every quantity that contributes to ER is recorded here: symbol, value (a scalar or an
``xarray.DataArray`` over ``time``), unit, the equation that produced it and the symbols
it was computed from (DESIGN.md, "The ledger"). The totals BE, PE, LE and ER are
quantities like any other. The report prints the ledger, ``verify`` recomputes it, and
the identity ER = BE - PE - LE is checked at every time step.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import xarray as xr

from .errors import ReductionsError

Role = Literal["parameter", "monitored", "calculated", "total"]
Value = float | xr.DataArray

TOTALS = ("BE", "PE", "LE", "ER")


def exact_sum(values: np.ndarray) -> float:
    """Correctly rounded sum (``math.fsum``): independent of the order of the values, so a
    total does not change when the same data come in another order or split otherwise."""
    return math.fsum(np.asarray(values, dtype=float).ravel().tolist())


def group_sums(values: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Correctly rounded sum of ``values`` per group code (0 .. groups - 1)."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(1, groups))
    parts = np.split(np.asarray(values, dtype=float)[order], bounds)
    return np.asarray([exact_sum(part) for part in parts])


class LedgerError(ReductionsError):
    """A methodology broke the ledger's rules (unknown input, duplicate symbol, imbalance)."""


@dataclass(frozen=True)
class Quantity:
    """A named quantity: value with unit, and where it came from.

    ``extensive`` quantities (energy, mass, emissions per interval) add up over time;
    intensive ones (emission factors, fractions) do not.
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
    def is_series(self) -> bool:
        return isinstance(self.value, xr.DataArray) and "time" in self.value.dims

    def total(self) -> float:
        """Sum over time of an extensive quantity; the value of a scalar."""
        if self.is_series:
            if not self.extensive:
                raise LedgerError(f"{self.symbol} is intensive: it has no total over time")
            return exact_sum(np.asarray(self.value, dtype=float))
        return float(np.asarray(self.value, dtype=float))


class Ledger:
    """An ordered collection of :class:`Quantity`, keyed by symbol."""

    def __init__(self, methodology: str, time: xr.DataArray | None = None) -> None:
        self.methodology = methodology
        self.time = time
        self._quantities: dict[str, Quantity] = {}

    # --- recording -------------------------------------------------------------------

    def add(
        self,
        symbol: str,
        value: Value | np.ndarray,
        unit: str,
        equation: str,
        inputs: Sequence[str] = (),
        description: str = "",
        *,
        role: Role = "calculated",
        extensive: bool = True,
        notes: Sequence[str] = (),
    ) -> Value:
        """Record a quantity and return its value (for the next equation to use)."""
        if symbol in self._quantities:
            raise LedgerError(f"{symbol} is already in the ledger")
        missing = [s for s in inputs if s not in self._quantities]
        if missing:
            raise LedgerError(f"{symbol}: inputs {missing} are not in the ledger")
        stored: Value
        if isinstance(value, xr.DataArray):
            stored = value.copy()
            stored.attrs = {"units": unit}
            stored.name = symbol
        elif isinstance(value, np.ndarray) and value.ndim > 0:
            if self.time is None:
                raise LedgerError(f"{symbol}: an array value needs the ledger's time axis")
            stored = xr.DataArray(
                value.astype(float),
                coords={"time": self.time},
                dims=("time",),
                name=symbol,
                attrs={"units": unit},
            )
        else:
            stored = float(np.asarray(value, dtype=float))
        q = Quantity(
            symbol,
            stored,
            unit,
            equation,
            tuple(inputs),
            description,
            role,
            extensive,
            tuple(notes),
        )
        self._quantities[symbol] = q
        return stored

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

    def totals(self) -> dict[str, float]:
        """BE, PE, LE and ER over the whole period [t CO2e]."""
        return {s: self._quantities[s].total() for s in TOTALS}

    def series(self, symbol: str) -> np.ndarray:
        """The quantity as an array over the ledger's time axis (scalars broadcast)."""
        q = self._quantities[symbol]
        if q.is_series:
            return np.asarray(q.value, dtype=float)
        if self.time is None:
            return np.asarray([q.total()])
        n = self.time.size
        if q.extensive and q.total() != 0.0:
            raise LedgerError(f"{symbol} is an extensive scalar; it cannot be spread over time")
        return np.full(n, q.total())

    # --- checks ----------------------------------------------------------------------

    def check(self, rtol: float = 1e-12) -> None:
        """Check that BE, PE, LE, ER exist and ER = BE - PE - LE at every time step."""
        missing = [s for s in TOTALS if s not in self._quantities]
        if missing:
            raise LedgerError(f"{self.methodology}: the ledger lacks {missing}")
        be, pe, le, er = (self.series(s) for s in TOTALS)
        residual = er - (be - pe - le)
        scale = np.maximum.reduce([np.abs(be), np.abs(pe), np.abs(le), np.ones_like(be)])
        bad = np.abs(residual) > rtol * scale
        if np.any(bad):
            i = int(np.argmax(bad))
            raise LedgerError(
                f"{self.methodology}: ER != BE - PE - LE at step {i} (residual {residual[i]!r})"
            )

    def dataset(self) -> xr.Dataset:
        """Every time-series quantity as one Dataset (for ``results.nc``)."""
        data = {q.symbol: q.value for q in self if q.is_series}
        ds = xr.Dataset(data)
        for q in self:
            if q.is_series:
                ds[q.symbol].attrs = {
                    "units": q.unit,
                    "equation": q.equation,
                    "inputs": " ".join(q.inputs),
                    "long_name": q.description,
                }
        return ds


def start_ledger(methodology: type, project: object, monitoring: xr.Dataset) -> Ledger:
    """A ledger holding the project's numeric parameters and monitored series.

    Parameters enter as intensive scalars with their source as the equation; monitored
    variables as series over ``time`` with the file column they came from.
    """
    from .methodology import Methodology
    from .project import Project

    assert issubclass(methodology, Methodology) and isinstance(project, Project)
    ledger = Ledger(f"{methodology.label()}", time=monitoring["time"])
    for p in project.parameters.values():
        decl = methodology.parameter(p.symbol)
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
    for v in methodology.monitoring:
        if v.symbol in monitoring:
            da = monitoring[v.symbol]
            ledger.add(
                v.symbol,
                da,
                v.unit,
                f"monitored; column {da.attrs.get('column', v.symbol)!r} "
                f"in {da.attrs.get('source_units', v.unit)}",
                (),
                v.description,
                role="monitored",
                extensive=v.aggregate == "sum",
            )
    return ledger
