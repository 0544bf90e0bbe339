"""The methodology as a function of its uncertain inputs, vectorised over draws.

The unchanged plugin is run on a ledger whose uncertain inputs carry an extra ``draw``
dimension: a parameter becomes a DataArray over ``draw``; a monitored series is multiplied
by ``1 + delta`` with the systematic relative error ``delta`` over ``(draw, meter...)``,
broadcast over time (one error per meter for the whole period), plus, if declared, an
independent error per reading over ``(time, ..., draw)``. Every equation the plugin applies
through ``ledger.apply`` broadcasts over ``draw`` like over any other dimension, so no
plugin code changes; ER per draw is the sum of the ER quantity over every dimension but
``draw``, over every part of the period.

The plugin sees the same :class:`~reductions.inputs.Inputs` as in an ordinary run (without
draws): a number it takes from ``inputs`` rather than from the ledger is not propagated.
:func:`Model.dependence` reads the ledger's equation graph to say which declared inputs ER
depends on through the ledger; the others are reported, never silently ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr
from xarray.structure.alignment import AlignmentError

from ..errors import MonitoringDataError
from ..inputs import Inputs
from ..ledger import Ledger, ledger_inputs
from ..methodology import Methodology
from ..monitoring import load, series_for
from ..project import Period, Project
from ..run import Available, check_findings, resolve

DRAW = "draw"


@dataclass(frozen=True)
class Part:
    """One part of the period (one side of a change of the GWP rule)."""

    inputs: Inputs
    template: Ledger  # the inputs the methodology starts from, as ledger_inputs records them
    central: Ledger  # the ordinary run of this part


@dataclass(frozen=True)
class Element:
    """One scalar uncertain input: a parameter, or the systematic error of one meter (one
    element of a monitored variable's dimensions beyond time)."""

    symbol: str
    label: str  # "EG_export" or "EG_export[meter=M1]"
    index: tuple[tuple[str, Any], ...] = ()


class Model:
    """A project's methodology, ready to be evaluated on many sets of input values."""

    def __init__(self, project: Project, available: Available | None = None) -> None:
        methodology, base, findings, choices = resolve(project, available)
        check_findings(project, findings)
        self.project = project
        self.methodology: type[Methodology] = methodology
        self.instance = methodology()
        check_findings(project, list(self.instance.applicability(base)))
        self.parameters = base.parameters
        loaded = load(project, methodology)
        parts = []
        for choice in choices:
            period = Period(
                choice.dates.start,
                choice.dates.end,
                project.period.timezone,
                project.period.reporting,
            )
            for common in (False, True):
                series, axes, _ = series_for(
                    loaded,
                    methodology,
                    period,
                    project.period,
                    project.baseline,
                    base.parameters,
                    common,
                )
                inputs = dataclasses.replace(
                    base,
                    gwp=choice.values,
                    gwp_rule=choice.rule,
                    period=period,
                    series=MappingProxyType(dict(series)),
                )
                template = Ledger(
                    methodology.label(),
                    sources=[s.code for s in methodology.sources],
                    axes=axes,
                    timezone=project.period.timezone,
                )
                ledger_inputs(
                    template,
                    base.parameters,
                    {p.symbol: p for p in methodology.parameters},
                    series,
                    {v.symbol: v for v in methodology.monitoring},
                    choice.values,
                    choice.rule,
                )
                central = self._quantify(inputs, template, {})
                if central is not None:
                    parts.append(Part(inputs, template, central))
                    break
            else:
                raise MonitoringDataError(
                    "the methodology combines series on different time axes",
                    variable=", ".join(series),
                    rule="see `reductions run` for the details",
                )
        self.parts = tuple(parts)

    # --- what the inputs are --------------------------------------------------------------

    def input_symbols(self) -> dict[str, str]:
        """Every input the ledger starts from: symbol -> role ("parameter" or "monitored")."""
        out: dict[str, str] = {}
        for part in self.parts:
            for q in part.template:
                out.setdefault(q.symbol, q.role)
        return out

    def numeric_value(self, symbol: str) -> float | None:
        q = self.parts[0].template[symbol] if symbol in self.parts[0].template else None
        if q is None or isinstance(q.value, xr.DataArray):
            return None
        return float(q.value)

    def elements(self, symbol: str, shared: bool) -> list[Element]:
        """The scalar inputs of one declaration: one for a parameter or a shared error, one
        per meter (element of the dimensions beyond time) otherwise."""
        q = self.parts[0].template[symbol]
        if q.role != "monitored" or not isinstance(q.value, xr.DataArray) or shared:
            return [Element(symbol, symbol)]
        extra = [str(d) for d in q.value.dims if d != "time"]
        if not extra:
            return [Element(symbol, symbol)]
        stacked = q.value.isel(time=0, drop=True).stack(_e=extra)
        out = []
        for key in stacked["_e"].values:
            key = key if isinstance(key, tuple) else (key,)
            idx = tuple(zip(extra, key, strict=True))
            out.append(Element(symbol, f"{symbol}[{', '.join(f'{d}={v}' for d, v in idx)}]", idx))
        return out

    def dependence(self) -> set[str]:
        """Symbols ER depends on through the ledger's equations (transitively)."""
        seen: set[str] = set()
        for part in self.parts:
            stack = ["ER"]
            while stack:
                s = stack.pop()
                if s in seen or s not in part.central:
                    continue
                seen.add(s)
                stack.extend(part.central[s].inputs)
        return seen

    def central_er(self) -> float:
        return float(sum(p.central["ER"].total() for p in self.parts))

    def readings(self, symbol: str) -> int:
        """How many readings (time steps x elements) a monitored variable has in all."""
        n = 0
        for part in self.parts:
            v = part.template[symbol].value
            n += int(v.size) if isinstance(v, xr.DataArray) else 1
        return n

    def steps(self) -> int:
        """The largest number of values per draw of any monitored series (sets the chunk)."""
        sizes = [
            int(q.value.size)
            for part in self.parts
            for q in part.template
            if isinstance(q.value, xr.DataArray)
        ]
        return max(sizes, default=1)

    # --- evaluation -----------------------------------------------------------------------

    def evaluate(
        self,
        n: int,
        parameters: Mapping[str, np.ndarray],
        systematic: Mapping[str, Mapping[tuple[tuple[str, Any], ...], np.ndarray]],
        random: Mapping[str, float] = MappingProxyType({}),
        rng: np.random.Generator | None = None,
        readings: Mapping[str, Sequence[np.ndarray]] = MappingProxyType({}),
        per_step: bool = False,
    ) -> Any:
        """ER over ``n`` draws [t CO2e].

        ``parameters`` gives each uncertain parameter's values (length ``n``);
        ``systematic`` each monitored variable's relative error per element (the key of
        :class:`Element`), each of length ``n``; ``random`` the relative standard
        uncertainty of each reading (drawn from ``rng``); ``readings`` explicit relative
        errors per reading, per part, of shape ``(time, ..., n)`` (for the sensitivity
        coefficients). With ``per_step``, the ER quantity of each part (a DataArray over
        ``draw`` and its own dims) is returned instead of the totals.
        """
        totals = np.zeros(n)
        steps = []
        for k, part in enumerate(self.parts):
            values: dict[str, Any] = {}
            for symbol, draws in parameters.items():
                values[symbol] = xr.DataArray(np.asarray(draws, dtype=float), dims=(DRAW,))
            for symbol in {*systematic, *random, *readings}:
                values[symbol] = self._perturbed(
                    part.template[symbol].value,
                    n,
                    systematic.get(symbol, {}),
                    random.get(symbol, 0.0),
                    rng,
                    readings[symbol][k] if symbol in readings else None,
                )
            ledger = self._quantify(part.inputs, part.template, values)
            if ledger is None:
                raise MonitoringDataError(
                    "the methodology combined series on different time axes with draws",
                    rule="reductions.uncertainty runs the plugin as `reductions run` does",
                )
            er = ledger["ER"].value
            if per_step:
                steps.append(er)
                continue
            if isinstance(er, xr.DataArray) and DRAW in er.dims:
                other = [d for d in er.dims if d != DRAW]
                totals += er.sum(dim=other).transpose(DRAW).values if other else er.values
            else:
                totals += ledger["ER"].total()
        return steps if per_step else totals

    @staticmethod
    def _perturbed(
        value: Any,
        n: int,
        errors: Mapping[tuple[tuple[str, Any], ...], np.ndarray],
        rel: float,
        rng: np.random.Generator | None,
        explicit: np.ndarray | None,
    ) -> Any:
        if not isinstance(value, xr.DataArray):
            return value
        extra = [str(d) for d in value.dims if d != "time"]
        factor: Any = 1.0
        if errors:
            if list(errors) == [()]:
                delta = xr.DataArray(np.asarray(errors[()], dtype=float), dims=(DRAW,))
            else:
                shape = [value.sizes[d] for d in extra]
                arr = np.zeros((n, *shape))
                coords = {d: value[d].values for d in extra if d in value.coords}
                template = xr.DataArray(np.zeros(shape), dims=extra, coords=coords)
                for key, draws in errors.items():
                    pos = tuple(int(np.flatnonzero(template[d].values == v)[0]) for d, v in key)
                    index: tuple[Any, ...] = (slice(None), *pos)
                    arr[index] = draws
                delta = xr.DataArray(arr, dims=(DRAW, *extra), coords=coords)
            factor = 1.0 + delta
        if rel > 0.0:
            if rng is None:
                raise ValueError("a random error per reading needs a generator")
            dims = (*value.dims, DRAW)
            eps = rng.standard_normal((*value.shape, n)) * rel
            factor = factor + xr.DataArray(eps, dims=dims)
        if explicit is not None:
            factor = factor + xr.DataArray(explicit, dims=(*value.dims, DRAW))
        out = value * factor
        return out.transpose(*value.dims, DRAW) if isinstance(out, xr.DataArray) else out

    def _quantify(
        self, inputs: Inputs, template: Ledger, values: Mapping[str, Any]
    ) -> Ledger | None:
        ledger = Ledger(
            template.methodology,
            sources=template.sources,
            axes=template.axes,
            timezone=template.timezone,
        )
        for q in template:
            ledger.add(
                q.symbol,
                values.get(q.symbol, q.value),
                q.unit,
                q.equation,
                q.inputs,
                q.description,
                role=q.role,
                extensive=q.extensive,
                notes=q.notes,
            )
        try:
            with xr.set_options(arithmetic_join="exact", keep_attrs=False):
                self.instance.quantify(inputs, ledger)
        except AlignmentError:
            return None
        return ledger
