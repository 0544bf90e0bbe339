"""results.nc as CF data (issue 13, item 2).

:func:`conform` takes the dataset :func:`reductions.report.results_dataset` built and
adds what the CF conventions (1.8) ask for, so that general tools read it and a reader can
recompute a result from the file alone:

- global ``Conventions``, ``title``, ``institution``-free ``source`` (this library and its
  version), ``references`` (the methodology's documents) and ``comment``;
- the reporting intervals as time: ``interval_time`` (the start of each interval, seconds
  since 1970-01-01 UTC, ``standard_name = "time"``) with ``bounds = "time_bnds"``, and
  ``time_bnds(interval, nv)`` (start and end); the labels stay in ``interval``;
- ``cell_methods`` on every value per interval (``time: sum``: the amount over the
  interval, summed over every other dimension) and on every series (``--series``: the
  amount or the mean over each monitoring interval);
- every scalar of the ledger (parameters, factors, GWPs, scalar results) as a 0-d variable
  with its unit, description, source or equation and inputs. With the per-interval
  amounts this lets BE be recomputed: in ACM0002, ``BE = EG_PJ_y * EF_grid_CM_y`` per
  interval, from ``EG_PJ_y(interval)`` and the scalar ``EF_grid_CM_y``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

if TYPE_CHECKING:
    from .run import Result

CONVENTIONS = "CF-1.8"
EPOCH_UNITS = "seconds since 1970-01-01 00:00:00 UTC"

#: Units the ledger writes that UDUNITS spells otherwise.
_UDUNITS = {"tCO2e": "t", "t CO2e": "t", "": "1"}


def udunits(unit: str) -> str:
    """The ledger's unit as UDUNITS reads it (``tCO2e`` -> ``t``; pint's ``**`` is fine)."""
    return _UDUNITS.get(unit, unit)


def _seconds(stamps: list[str]) -> np.ndarray:
    """ISO 8601 instants with offsets -> seconds since 1970-01-01 UTC [s]."""
    t = pd.to_datetime(stamps, utc=True)
    return np.asarray((t - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1), dtype="f8")


def conform(ds: xr.Dataset, result: Result, report: dict[str, Any], series: bool) -> xr.Dataset:
    """``ds`` with CF metadata, interval bounds, cell methods and the ledger's scalars."""
    from . import __version__

    intervals = report["intervals"]
    start = _seconds([i["start"] for i in intervals])
    end = _seconds([i["end"] for i in intervals])
    ds = ds.assign_coords(
        interval_time=(
            "interval",
            start,
            {
                "standard_name": "time",
                "long_name": "start of the reporting interval",
                "units": EPOCH_UNITS,
                "calendar": "standard",
                "bounds": "time_bnds",
            },
        )
    )
    ds["time_bnds"] = xr.DataArray(
        np.stack([start, end], axis=1),
        dims=("interval", "nv"),
        attrs={"long_name": "start and end of the reporting interval"},
    )
    ds["interval"].attrs.update(long_name="reporting interval (local time)")
    for coord in ("interval_start", "interval_end"):
        if coord in ds.coords:
            which = coord.split("_")[1]
            ds[coord].attrs.update(long_name=f"{which} of the reporting interval, ISO 8601")
    entries = {q["symbol"]: q for q in report["quantities"]}
    for name, var in ds.data_vars.items():
        if var.dims == ("interval",):
            entry = entries.get(str(name))
            if entry is not None and "equation" not in var.attrs:  # BE, PE, LE, ER
                var.attrs["equation"] = entry["equation"]
                var.attrs["inputs"] = " ".join(entry["inputs"])
            var.attrs["units"] = udunits(str(var.attrs.get("units", "")))
            var.attrs["cell_methods"] = "time: sum"
            var.attrs.setdefault(
                "comment", "amount over each reporting interval, summed over every other dimension"
            )
    if series:
        _series_attrs(ds, result)
    _scalars(ds, result, report)
    sources = "; ".join(s.cite() for s in result.methodology.sources)
    ds.attrs.update(
        {
            "Conventions": CONVENTIONS,
            "title": f"{result.project.name}: {result.methodology.label()}, {report['kind']}",
            "source": f"reductions {__version__}",
            "references": sources or result.methodology.id,
            "comment": "Totals BE, PE, LE, ER in t CO2e. Every scalar of the ledger "
            "(parameters, factors, GWPs) is a variable without dimensions; each variable "
            "names its equation and inputs, so a result can be recomputed from this file.",
        }
    )
    return ds


def _series_attrs(ds: xr.Dataset, result: Result) -> None:
    """cell_methods and CF units on the series written with ``--series``."""
    for q in result.ledger:
        if q.symbol not in ds.data_vars or not isinstance(q.value, xr.DataArray):
            continue
        var = ds[q.symbol]
        dims = [d for d in var.dims if str(d).startswith("time")]
        if not dims or var.dims == ("interval",):
            continue
        var.attrs["units"] = udunits(q.unit)
        var.attrs["cell_methods"] = f"{dims[0]}: {'sum' if q.extensive else 'mean'}"
    for name in list(ds.coords):
        if str(name).startswith("time") and np.issubdtype(ds[name].dtype, np.datetime64):
            ds[name].attrs.setdefault("standard_name", "time")


def _scalars(ds: xr.Dataset, result: Result, report: dict[str, Any]) -> None:
    """Every scalar quantity of the ledger as a 0-d variable."""
    sources = {p["symbol"]: p["source"] for p in report["parameters"]}
    for q in result.ledger:
        if q.symbol in ds.variables or q.is_array:
            continue
        try:
            value = float(q.total())
        except (TypeError, ValueError):
            continue
        attrs = {
            "units": udunits(q.unit),
            "long_name": q.description or q.symbol,
            "role": q.role,
            "equation": q.equation,
        }
        if q.inputs:
            attrs["inputs"] = " ".join(q.inputs)
        if q.symbol in sources:
            attrs["source"] = str(sources[q.symbol])
        ds[q.symbol] = xr.DataArray(value, attrs=attrs)
