"""A capture-transport-storage chain run over a time series, with a CO2 mass balance at
every node and every time step.

Each node takes the mass handed over by the node before it (t per time step) and returns
what it passes on (``out``), what it emits by cause (vented, fugitive, leaked, boil-off),
its change of inventory (line-pack, cargo in transit, reservoir) and its energy use. The
balance

.. math:: m_{in} = m_{out} + \\sum_c m_{emitted,c} + \\Delta M_{inventory}

holds at every node and step to rounding; :func:`check_balance` measures it. CO2 from fuel
burned by a node (ships, trucks) is reported as ``combustion``: it is an emission of the
node but not part of the CO2 stream, so it is outside the stream balance.

Time steps may be irregular: every node uses the actual duration of each step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from ccus import compression as _comp
from ccus import pipeline as _pipe
from ccus import shipping as _ship
from ccus import storage as _stor
from ccus.errors import CCUSInputError

__all__ = [
    "EMISSION_CAUSES",
    "NodeFlows",
    "Node",
    "Capture",
    "Compression",
    "PipelineTransport",
    "LiquidTransport",
    "StorageSite",
    "LinePackError",
    "Chain",
    "check_balance",
]

FloatArray = NDArray[np.float64]

#: Causes under which a node's stream emissions are reported.
EMISSION_CAUSES: tuple[str, ...] = ("vented", "fugitive", "leaked", "boil_off")


class LinePackError(CCUSInputError):
    """The quasi-steady line-pack change would make a pipeline's outflow negative."""


@dataclass
class StepContext:
    """Time axis handed to every node.

    Attributes
    ----------
    time : numpy.ndarray
        Label (start) of each step.
    edges : numpy.ndarray
        Step edges relative to the first edge, n + 1 values. [s]
    duration : numpy.ndarray
        Length of each step. [s]
    """

    time: NDArray[Any]
    edges: FloatArray
    duration: FloatArray

    def label(self, i: int) -> str:
        """Readable time label of step i."""
        return f"{self.time[i]} (index {i})"


@dataclass
class NodeFlows:
    """What a node did in each time step (t per step unless stated).

    Attributes
    ----------
    out : numpy.ndarray
        Mass passed to the next node (or transferred out of the boundary). [t]
    emitted : dict of str to numpy.ndarray
        Stream emissions by cause (keys from :data:`EMISSION_CAUSES`). [t]
    inventory_change : numpy.ndarray
        Change of the node's inventory over the step. [t]
    energy : numpy.ndarray
        Energy used (electric or shaft). [MWh]
    combustion : numpy.ndarray
        CO2 from fuel burned by the node; not part of the stream balance. [t]
    """

    out: FloatArray
    emitted: dict[str, FloatArray]
    inventory_change: FloatArray
    energy: FloatArray
    combustion: FloatArray


class Node(Protocol):
    """A chain node: a name and a ``process`` method."""

    name: str

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """Process the mass handed over in each step."""
        ...


def _series(x: ArrayLike | None, n: int, node: str, var: str, ctx: StepContext) -> FloatArray:
    """Broadcast a scalar or length-n series and reject NaN or negative values."""
    if x is None:
        return np.zeros(n)
    a = np.asarray(x.values if isinstance(x, xr.DataArray) else x, dtype=float)
    try:
        a = np.broadcast_to(a, (n,)).astype(float)
    except ValueError as exc:
        raise CCUSInputError(
            f"node {node!r}: {var} must be a scalar or have one value per time step ({n}); "
            f"got shape {a.shape}"
        ) from exc
    nan = np.isnan(a)
    if np.any(nan):
        i = int(np.argmax(nan))
        raise CCUSInputError(f"node {node!r}: {var} is NaN at time {ctx.label(i)}")
    neg = a < 0
    if np.any(neg):
        i = int(np.argmax(neg))
        raise CCUSInputError(f"node {node!r}: {var} = {a[i]} < 0 at time {ctx.label(i)}")
    return a


def _fraction(x: float, node: str, var: str) -> float:
    if not 0.0 <= float(x) <= 1.0:
        raise CCUSInputError(f"node {node!r}: {var} must be a fraction in [0, 1]; got {x}")
    return float(x)


def _emitted(**kw: FloatArray) -> dict[str, FloatArray]:
    return {k: np.asarray(v, dtype=float) for k, v in kw.items()}


@dataclass
class Capture:
    """Capture plant: the source of the chain.

    Attributes
    ----------
    name : str
        Node name.
    captured : array_like
        CO2 captured in each step (enters the chain here). [t]
    vented : array_like, optional
        CO2 vented at the capture plant in each step (upsets, purges). [t]
    fugitive_fraction : float
        Fugitive loss as a fraction of the captured CO2. [t/t]
    specific_energy : float or array_like
        Energy per tonne captured (heat and power of the capture unit, as the user books
        it). [MWh/t]
    """

    name: str
    captured: ArrayLike
    vented: ArrayLike | None = None
    fugitive_fraction: float = 0.0
    specific_energy: ArrayLike = 0.0

    def source(self, ctx: StepContext) -> FloatArray:
        """Captured mass per step, validated. [t]"""
        return _series(self.captured, ctx.duration.size, self.name, "captured", ctx)

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """Remove vented and fugitive CO2 from the captured stream."""
        n = mass_in.size
        fug = mass_in * _fraction(self.fugitive_fraction, self.name, "fugitive_fraction")
        vent = _series(self.vented, n, self.name, "vented", ctx)
        out = mass_in - fug - vent
        if np.any(out < 0):
            i = int(np.argmax(out < 0))
            raise CCUSInputError(
                f"node {self.name!r}: vented + fugitive exceed the captured mass at time "
                f"{ctx.label(i)}"
            )
        energy = mass_in * _series(self.specific_energy, n, self.name, "specific_energy", ctx)
        return NodeFlows(
            out=out,
            emitted=_emitted(vented=vent, fugitive=fug),
            inventory_change=np.zeros(n),
            energy=energy,
            combustion=np.zeros(n),
        )


@dataclass
class Compression:
    """Compression (and pumping) train, see :func:`ccus.compression.multistage_compression`.

    Attributes
    ----------
    name : str
        Node name.
    p_in, T_in, p_out : float or array_like
        Suction pressure [Pa], suction temperature [K] and delivery pressure [Pa]; scalars
        or one value per time step.
    options : dict
        Further keyword arguments of ``multistage_compression`` (n_stages, eta_is,
        T_intercooler, p_cutoff, eta_pump, eta_mechanical, composition, method, ...).
    fugitive_fraction : float
        Fugitive loss (seals, blowdowns) as a fraction of throughput. [t/t]
    vented : array_like, optional
        CO2 vented in each step. [t]
    """

    name: str
    p_in: ArrayLike
    T_in: ArrayLike
    p_out: ArrayLike
    options: Mapping[str, Any] = field(default_factory=dict)
    fugitive_fraction: float = 0.0
    vented: ArrayLike | None = None
    specific_work: FloatArray | None = field(default=None, init=False, repr=False)

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """Energy from the real-gas specific work; losses by fraction and series."""
        n = mass_in.size
        res = _comp.multistage_compression(self.p_in, self.T_in, self.p_out, **dict(self.options))
        w = (
            np.broadcast_to(res.specific_work, (n,))
            if res.specific_work.ndim == 0
            else (np.asarray(res.specific_work))
        )
        if w.shape != (n,):
            raise CCUSInputError(
                f"node {self.name!r}: compression conditions must be scalars or length {n}"
            )
        self.specific_work = np.asarray(w)
        fug = mass_in * _fraction(self.fugitive_fraction, self.name, "fugitive_fraction")
        vent = _series(self.vented, n, self.name, "vented", ctx)
        out = mass_in - fug - vent
        if np.any(out < 0):
            i = int(np.argmax(out < 0))
            raise CCUSInputError(
                f"node {self.name!r}: losses exceed the throughput at time {ctx.label(i)}"
            )
        return NodeFlows(
            out=out,
            emitted=_emitted(vented=vent, fugitive=fug),
            inventory_change=np.zeros(n),
            energy=_comp.compression_energy_mwh(mass_in, w),
            combustion=np.zeros(n),
        )


@dataclass
class PipelineTransport:
    """Pipeline, see :func:`ccus.pipeline.march`.

    Attributes
    ----------
    name : str
        Node name.
    pipeline : ccus.pipeline.Pipeline
        The segmented line.
    p_in, T_in : float or array_like
        Inlet pressure [Pa] and temperature [K], scalars or one value per step.
    options : dict
        Further keyword arguments of ``march`` (method, friction, phase_check, ...).
    leak_fraction : float
        Fugitive loss from the line as a fraction of throughput. [t/t]
    leaked : array_like, optional
        Mass lost by leaks (incidents) in each step. [t]
    line_pack : bool
        Book the change of line-pack as inventory change (quasi-steady); False keeps the
        inventory constant (out = in - losses).
    initial_inventory : float, optional
        Line-pack before the first step; default the line-pack of the first step. [t]
    """

    name: str
    pipeline: _pipe.Pipeline
    p_in: ArrayLike
    T_in: ArrayLike
    options: Mapping[str, Any] = field(default_factory=dict)
    leak_fraction: float = 0.0
    leaked: ArrayLike | None = None
    line_pack: bool = True
    initial_inventory: float | None = None
    result: _pipe.PipelineResult | None = field(default=None, init=False, repr=False)

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """March the line at the step's mean flow; line-pack change is the inventory change."""
        n = mass_in.size
        opts = {"keep_profiles": False, **dict(self.options)}
        mdot = mass_in * 1e3 / ctx.duration
        res = _pipe.march(self.pipeline, mdot, self.p_in, self.T_in, **opts)
        self.result = res
        inv = np.broadcast_to(res.inventory, (n,))
        if self.line_pack:
            start = inv[0] if self.initial_inventory is None else float(self.initial_inventory)
            d_inv = np.diff(np.concatenate([[start], inv]))
        else:
            d_inv = np.zeros(n)
        fug = mass_in * _fraction(self.leak_fraction, self.name, "leak_fraction")
        leak = _series(self.leaked, n, self.name, "leaked", ctx)
        out = mass_in - fug - leak - d_inv
        if np.any(out < -1e-9 * np.maximum(1.0, mass_in)):
            i = int(np.argmax(out < -1e-9 * np.maximum(1.0, mass_in)))
            raise LinePackError(
                f"node {self.name!r}: line-pack change {d_inv[i]:.6g} t exceeds the inflow "
                f"{mass_in[i]:.6g} t less losses at time {ctx.label(i)}; the quasi-steady "
                "line-pack model does not hold for this step (use line_pack=False or finer "
                "steps)"
            )
        energy = np.broadcast_to(res.booster_power, (n,)) * ctx.duration / 3.6e9
        return NodeFlows(
            out=out,
            emitted=_emitted(fugitive=fug, leaked=leak),
            inventory_change=d_inv,
            energy=np.asarray(energy),
            combustion=np.zeros(n),
        )


@dataclass
class LiquidTransport:
    """Ship or truck transport, see :func:`ccus.shipping.liquid_transport_series`.

    Attributes
    ----------
    name : str
        Node name.
    transit_time : float
        Loading to delivery. [s]
    boil_off_fraction : float
        Boil-off per voyage, fraction of the loaded cargo. [t/t]
    reliquefied_fraction, loading_vent_fraction, unloading_vent_fraction : float
        See :func:`ccus.shipping.voyage_balance`. [t/t]
    distance_km : float
        One-way distance. [km]
    fuel_per_tonne_km : float
        Fuel per tonne and km. [t/(t km)]
    emission_factor : float
        Carbon factor of the fuel (state its source). [t/t]
    specific_energy : float
        Electricity per tonne handled (liquefaction, loading pumps), if booked here. [MWh/t]
    """

    name: str
    transit_time: float
    boil_off_fraction: float
    reliquefied_fraction: float = 0.0
    loading_vent_fraction: float = 0.0
    unloading_vent_fraction: float = 0.0
    distance_km: float = 0.0
    fuel_per_tonne_km: float = 0.0
    emission_factor: float = 0.0
    specific_energy: float = 0.0

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """Delay by the transit time; vent at loading, boil-off and unloading."""
        s = _ship.liquid_transport_series(
            ctx.edges,
            mass_in,
            transit_time=self.transit_time,
            boil_off_fraction=self.boil_off_fraction,
            reliquefied_fraction=self.reliquefied_fraction,
            loading_vent_fraction=self.loading_vent_fraction,
            unloading_vent_fraction=self.unloading_vent_fraction,
            distance_km=self.distance_km,
            fuel_per_tonne_km=self.fuel_per_tonne_km,
            emission_factor=self.emission_factor,
        )
        return NodeFlows(
            out=s.out,
            emitted=_emitted(
                vented=s.loading_vented + s.unloading_vented, boil_off=s.boil_off_vented
            ),
            inventory_change=s.inventory_change,
            energy=mass_in * float(self.specific_energy),
            combustion=s.fuel_co2,
        )


@dataclass
class StorageSite:
    """Injection and storage, see :func:`ccus.storage.storage_balance`.

    Attributes
    ----------
    name : str
        Node name.
    separated : array_like, optional
        CO2 separated from produced fluids in each step (EOR). [t]
    entrained_ratio : float
        X of RR-9. [t/t]
    recycle_vent_fraction : float
        Vented or leaked at the recycling facilities, fraction of separated. [t/t]
    equipment_injection, equipment_production : array_like, optional
        FI and FP in each step. [t]
    surface_leakage : array_like, optional
        Surface leakage in each step. [t]
    injection_energy : float
        Energy per tonne injected (injection pumps). [MWh/t]
    recycle_energy : float
        Energy per tonne recycled (recycle compression). [MWh/t]
    """

    name: str
    separated: ArrayLike | None = None
    entrained_ratio: float = 0.0
    recycle_vent_fraction: float = 0.0
    equipment_injection: ArrayLike | None = None
    equipment_production: ArrayLike | None = None
    surface_leakage: ArrayLike | None = None
    injection_energy: float = 0.0
    recycle_energy: float = 0.0
    balance: _stor.StorageBalance | None = field(default=None, init=False, repr=False)

    def process(self, mass_in: FloatArray, ctx: StepContext) -> NodeFlows:
        """Reservoir change from the RR-11 form; entrained CO2 leaves as ``out``."""
        n = mass_in.size
        try:
            b = self._balance(mass_in, ctx)
        except CCUSInputError as exc:
            raise CCUSInputError(f"node {self.name!r}: {exc}") from exc
        self.balance = b
        return NodeFlows(
            out=b.entrained,
            emitted=_emitted(
                fugitive=b.equipment_injection + b.equipment_production,
                vented=b.recycle_vented,
                leaked=b.surface_leakage,
            ),
            inventory_change=b.stored,
            energy=b.injected * self.injection_energy + b.recycled * self.recycle_energy,
            combustion=np.zeros(n),
        )

    def _balance(self, mass_in: FloatArray, ctx: StepContext) -> _stor.StorageBalance:
        n = mass_in.size
        return _stor.storage_balance(
            mass_in,
            separated=_series(self.separated, n, self.name, "separated", ctx),
            entrained_ratio=self.entrained_ratio,
            recycle_vent_fraction=_fraction(
                self.recycle_vent_fraction, self.name, "recycle_vent_fraction"
            ),
            equipment_injection=_series(self.equipment_injection, n, self.name, "FI", ctx),
            equipment_production=_series(self.equipment_production, n, self.name, "FP", ctx),
            surface_leakage=_series(self.surface_leakage, n, self.name, "surface_leakage", ctx),
        )


def _edges_seconds(time_edges: ArrayLike) -> tuple[NDArray[Any], FloatArray]:
    if isinstance(time_edges, pd.DatetimeIndex) and time_edges.tz is not None:
        time_edges = time_edges.tz_convert("UTC").tz_localize(None)  # instants, in UTC
    te = np.asarray(time_edges.values if isinstance(time_edges, xr.DataArray) else time_edges)
    if te.ndim != 1 or te.size < 2:
        raise CCUSInputError("time_edges must be 1-D with at least two values (one step)")
    if np.issubdtype(te.dtype, np.datetime64):
        sec = (te - te[0]) / np.timedelta64(1, "s")
    else:
        sec = te.astype(float) - float(te[0])
    sec = np.asarray(sec, dtype=float)
    d = np.diff(sec)
    if np.any(~(d > 0)):
        i = int(np.argmax(~(d > 0)))
        raise CCUSInputError(
            f"time_edges must be strictly increasing; step {i} ({te[i]} -> {te[i + 1]}) is not"
        )
    return te, sec


@dataclass
class Chain:
    """Nodes in series, the first a :class:`Capture`.

    Attributes
    ----------
    nodes : sequence of Node
        Capture, then any of Compression, PipelineTransport, LiquidTransport, and a
        StorageSite (or any object with ``name`` and ``process``).
    """

    nodes: Sequence[Any]

    def __post_init__(self) -> None:
        if not self.nodes or not isinstance(self.nodes[0], Capture):
            raise CCUSInputError("the first node of a chain must be a Capture node")
        names = [n.name for n in self.nodes]
        if len(set(names)) != len(names):
            raise CCUSInputError(f"node names must be unique; got {names}")

    def run(self, time_edges: ArrayLike) -> xr.Dataset:
        """Run the chain over the time steps bounded by ``time_edges``.

        Parameters
        ----------
        time_edges : array_like
            n + 1 strictly increasing edges (datetime64, or seconds as floats); steps may be
            irregular.

        Returns
        -------
        xarray.Dataset
            Dims (time, node): ``in``, ``out``, ``emitted_<cause>`` for each cause,
            ``emitted`` (their sum), ``inventory_change``, ``inventory`` (cumulative change),
            ``energy`` [MWh], ``combustion``; ``duration`` (time) [s]. Masses in t per step.

        Raises
        ------
        CCUSInputError
            NaN or negative flows (the message names node and time), bad time edges, or a
            node that returns NaN.
        """
        te, sec = _edges_seconds(time_edges)
        ctx = StepContext(time=te[:-1], edges=sec, duration=np.diff(sec))
        n = ctx.duration.size
        m = self.nodes[0].source(ctx)
        cols: dict[str, list[FloatArray]] = {
            k: []
            for k in ("in", "out", "inventory_change", "energy", "combustion")
            + tuple(f"emitted_{c}" for c in EMISSION_CAUSES)
        }
        for node in self.nodes:
            f = node.process(m, ctx)
            unknown = set(f.emitted) - set(EMISSION_CAUSES)
            if unknown:
                raise CCUSInputError(f"node {node.name!r}: unknown emission causes {unknown}")
            row = {
                "in": m,
                "out": f.out,
                "inventory_change": f.inventory_change,
                "energy": f.energy,
                "combustion": f.combustion,
            }
            for c in EMISSION_CAUSES:
                row[f"emitted_{c}"] = f.emitted.get(c, np.zeros(n))
            for k, v in row.items():
                v = np.broadcast_to(np.asarray(v, dtype=float), (n,))
                bad = np.isnan(v)
                if np.any(bad):
                    i = int(np.argmax(bad))
                    raise CCUSInputError(f"node {node.name!r}: {k} is NaN at time {ctx.label(i)}")
                cols[k].append(v)
            m = np.asarray(f.out, dtype=float)
        names = [nd.name for nd in self.nodes]
        units = {"energy": "MWh"}
        ds = xr.Dataset(
            coords={"time": ctx.time, "node": names},
        )
        ds["duration"] = xr.DataArray(ctx.duration, dims=("time",), attrs={"units": "s"})
        for k, v in cols.items():
            ds[k] = xr.DataArray(
                np.stack(v, axis=1), dims=("time", "node"), attrs={"units": units.get(k, "t")}
            )
        ds["emitted"] = sum((ds[f"emitted_{c}"] for c in EMISSION_CAUSES), xr.zeros_like(ds["in"]))
        ds["emitted"].attrs["units"] = "t"
        ds["inventory"] = ds["inventory_change"].cumsum("time")
        ds["inventory"].attrs["units"] = "t"
        ds.attrs["balance"] = "in = out + emitted + inventory_change (combustion is outside)"
        return ds

    @staticmethod
    def check_balance(ds: xr.Dataset) -> float:
        """Largest absolute imbalance over nodes and steps; see :func:`check_balance`. [t]"""
        return check_balance(ds)


def check_balance(ds: xr.Dataset) -> float:
    """Largest absolute CO2 imbalance of a chain result over all nodes and time steps.

    Parameters
    ----------
    ds : xarray.Dataset
        Result of :meth:`Chain.run`.

    Returns
    -------
    float
        :math:`\\max |m_{in} - m_{out} - m_{emitted} - \\Delta M|`. [t]
    """
    r = ds["in"] - ds["out"] - ds["emitted"] - ds["inventory_change"]
    return float(np.abs(r).max())
