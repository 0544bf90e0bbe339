"""A result as a project file plus data, so that ``reductions run`` reproduces it.

Tables given as files are copied beside the new project file; tables given in memory
(a Dataset or DataFrame through :func:`reductions.quantify`) are written as CSV with
ISO 8601 UTC timestamps and every value at full precision (Python's shortest repr,
which reads back to the same float).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import tomli_w

from .project import TableSpec
from .timeutil import tz_name

if TYPE_CHECKING:
    from .run import Result


def _parameters(result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for symbol, raw in result.project.raw_parameters.items():
        if isinstance(raw, dict) or hasattr(raw, "items"):
            out[symbol] = {k: v for k, v in raw.items()}
        else:
            out[symbol] = raw
    return out


def _memory_frame(spec: TableSpec) -> pd.DataFrame:
    data = spec.data
    frame = data.to_dataframe().reset_index() if hasattr(data, "to_dataframe") else data
    if spec.time not in frame.columns and isinstance(frame.index, pd.DatetimeIndex):
        frame = frame.reset_index(names=spec.time)
    stamps = pd.DatetimeIndex(pd.to_datetime(frame[spec.time]))
    if stamps.tz is None:
        stamps = stamps.tz_localize(spec.timezone)
    out = pd.DataFrame({spec.time: stamps.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")})
    for v in spec.variables.values():
        for c in v.columns():
            out[c] = np.asarray(frame[c], dtype=float)
        for d in v.dims:
            if d.key:
                out[d.key] = frame[d.key].astype(str).to_numpy()
    return out


def _table(spec: TableSpec, result: Result, folder: Path) -> dict[str, Any]:
    t: dict[str, Any] = {
        "time": spec.time,
        "timezone": tz_name(spec.timezone),
        "label": spec.label,
        "kind": spec.kind,
        "period": spec.period,
    }
    if spec.interval is not None:
        t["interval"] = spec.interval
    if spec.sort:
        t["sort"] = True
    if spec.data is not None:
        name = f"{spec.name}.csv"
        _memory_frame(spec).to_csv(folder / name, index=False)
        t["file"] = name
        units = (
            getattr(spec.data, "attrs", {}).get("units", {}) if hasattr(spec.data, "attrs") else {}
        )
    else:
        for f in spec.files:
            target = folder / f
            target.parent.mkdir(parents=True, exist_ok=True)
            if (result.project.root / f).resolve() != target.resolve():
                shutil.copyfile(result.project.root / f, target)
        t["files"] = list(spec.files)
        units = {}
        for key in ("delimiter", "decimal", "sheet"):
            if getattr(spec, key) is not None:
                t[key] = getattr(spec, key)
    variables: dict[str, Any] = {}
    for symbol, v in spec.variables.items():
        entry: dict[str, Any] = {}
        if v.column is not None:
            entry["column"] = v.column
        unit = v.unit
        if unit is None and spec.data is not None:
            da = spec.data[v.column] if v.column in getattr(spec.data, "variables", {}) else None
            unit = (da.attrs.get("units") if da is not None else None) or (
                units.get(v.column) if isinstance(units, dict) else None
            )
        if unit is not None:
            entry["unit"] = unit
        for d in v.dims:
            entry[d.name] = d.key if d.key else dict(d.columns)
        variables[symbol] = entry
    t["variables"] = variables
    if spec.events:
        t["events"] = [{k: v for k, v in e.__dict__.items() if v is not None} for e in spec.events]
    if spec.calibrations:
        t["calibrations"] = [
            {k: v for k, v in c.__dict__.items() if v is not None} for c in spec.calibrations
        ]
    return t


def write_project(result: Result, folder: Path) -> Path:
    """Write ``project.toml`` and the data of every table into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    p = result.project
    doc: dict[str, Any] = {
        "project": {
            "name": p.name,
            "methodology": result.methodology.id,
            "methodology_version": result.methodology.version,
        },
        "period": {
            "start": p.period.start,
            "end": p.period.end,
            "timezone": tz_name(p.period.timezone),
            "reporting": p.period.reporting,
        },
    }
    if p.gwp is not None:
        doc["project"]["gwp"] = p.gwp
    if p.baseline is not None:
        doc["period"]["baseline"] = {"start": p.baseline.start, "end": p.baseline.end}
    params = _parameters(result)
    if params:
        doc["parameters"] = params
    doc["monitoring"] = {name: _table(t, result, folder) for name, t in p.tables.items()}
    if p.adjustments:
        doc["adjustment"] = [
            {
                "name": a.name,
                "value": a.value,
                "unit": a.unit,
                "start": a.start,
                "end": a.end,
                "kind": a.kind,
                "reason": a.reason,
                "source": a.source,
            }
            for a in p.adjustments
        ]
    if p.overrides:
        doc["override"] = [{"finding": o.finding, "reason": o.reason} for o in p.overrides]
    path = folder / "project.toml"
    path.write_text(
        f"# Written by reductions from {p.file_label}\n" + tomli_w.dumps(doc),
        encoding="utf-8",
    )
    return path
