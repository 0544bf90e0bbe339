"""report.json, results.nc and report.html.

The report holds everything an auditor needs to rerun and check a result (DESIGN.md,
"Files"): the project, methodology and version, periods, totals and per-interval values,
every ledger quantity with its equation and inputs, every parameter with its source, the
declared adjustments (``project.adjustments``: as written and in the methodology's unit),
the
GWPs and the rule that chose them, the findings (applicability, data sufficiency,
balances, overrides), the data-quality record of every table, the sha256 of every input
file (named relative to the project file), the software versions, and a digest of its own
content. The same project on the same inputs gives the same report byte for byte, apart
from ``created`` (and the digest, which covers it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from .ledger import TOTALS, Quantity
from .reporting import ReportingGroups

if TYPE_CHECKING:
    from .run import Result

SCHEMA = "reductions.report/2"
#: Side file written beside report.json: the project file's path relative to it, so that
#: ``reductions verify DIR/report.json`` finds the project wherever ``-o`` put the report.
#: It is not part of the report (which must not depend on the output folder).
LOCATION_FILE = "project-location.txt"
#: Relative tolerance ``verify`` compares recomputed numbers at: the library's own; a
#: report cannot loosen it.
VERIFY_RTOL = 1e-9


_HASHES: dict[tuple[str, int, int], str] = {}


def sha256(path: Path) -> str:
    """sha256 of a file; remembered for the same file, size and modification time (so
    that ``verify`` hashes each input once). A folder (a Zarr store) hashes the sorted
    relative paths of its files with each file's sha256."""
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(f"{f.relative_to(path).as_posix()}\0{sha256(f)}\n".encode())
        return h.hexdigest()
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def software_versions() -> dict[str, str]:
    """Versions of this library, Python and the numerical stack (and CoolProp)."""
    out = {"python": platform.python_version()}
    for dist in ("reductions", "numpy", "xarray", "pandas", "pint", "scipy", "CoolProp"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _num(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    return v


def digest(report: dict[str, Any]) -> str:
    """sha256 of the report's canonical JSON, without its ``digest`` field."""
    body = {k: v for k, v in report.items() if k != "digest"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _by_interval(q: Quantity, result: Result, groups: ReportingGroups) -> np.ndarray | None:
    """Sum of an extensive quantity per reporting interval (over every other dimension)."""
    n = len(groups.labels)
    if not q.is_array:
        total = q.total()
        if total == 0.0 or n == 1:
            out = np.zeros(n)
            out[:] = total if n == 1 else 0.0
            return out
        return None
    assert isinstance(q.value, xr.DataArray)
    if "time" not in q.value.dims:
        if n == 1:
            return np.asarray([q.total()])
        return None if q.total() != 0.0 else np.zeros(n)
    g = groups.of(result.ledger.axis_of(q.value))
    if g is None:
        return None
    arr = q.value.transpose("time", ...).values
    flat = arr.reshape(arr.shape[0], -1).sum(axis=1) if arr.ndim > 1 else arr
    return groups.sums(flat, g)


def _quantity_entry(q: Quantity, result: Result, groups: ReportingGroups) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "symbol": q.symbol,
        "unit": q.unit,
        "role": q.role,
        "equation": q.equation,
        "inputs": list(q.inputs),
        "description": q.description,
    }
    if q.notes:
        entry["notes"] = list(q.notes)
    if isinstance(q.value, xr.DataArray):
        arr = q.value.values
        entry["dims"] = {str(d): int(s) for d, s in zip(q.value.dims, arr.shape, strict=True)}
        summary: dict[str, Any] = {
            "n": int(arr.size),
            "min": _num(np.min(arr)),
            "max": _num(np.max(arr)),
            "mean": _num(np.mean(arr)),
        }
        if q.extensive:
            summary["total"] = _num(q.total())
            sums = _by_interval(q, result, groups)
            if sums is not None and "time" in q.value.dims:
                entry["by_interval"] = {lab: _num(sums[k]) for k, lab in enumerate(groups.labels)}
            for k, d in enumerate(q.value.dims):
                if d == "time":
                    continue
                # Plain numpy sums (xarray may hand them to numbagg or bottleneck, which
                # add in another order on another machine).
                per = np.moveaxis(arr, k, 0).reshape(arr.shape[k], -1).sum(axis=1)
                entry.setdefault("by_label", {})[str(d)] = {
                    str(lab): _num(v) for lab, v in zip(q.value[d].values, per, strict=True)
                }
        entry["summary"] = summary
    else:
        entry["value"] = _num(q.total())
    return entry


def _finding(f: Any) -> dict[str, Any]:
    return {
        "name": f.name,
        "clause": f.clause,
        "status": str(f.status),
        "message": f.message,
        "values": _jsonable(dict(f.values)),
    }


def build_report(result: Result, created: str | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    project, meth, ledger = result.project, result.methodology, result.ledger
    groups = result.groups
    sums = {}
    for s in TOTALS:
        per = _by_interval(ledger[s], result, groups)
        if per is None:
            from .errors import ProjectFileError

            raise ProjectFileError(
                f"{s} cannot be split into {project.period.reporting} reporting intervals",
                file=project.file_label,
                variable="period.reporting",
                rule="a total without time steps is reported for the whole period",
            )
        sums[s] = per
    intervals = []
    for k, lab in enumerate(groups.labels):
        row: dict[str, Any] = {"label": lab, "start": groups.starts[k], "end": groups.ends[k]}
        for s in TOTALS:
            row[s] = _num(sums[s][k])
        intervals.append(row)
    inputs = []
    if project.path is not None:
        inputs.append({"path": project.path.name, "sha256": sha256(project.path)})
    for f in project.files():
        inputs.append({"path": Path(f).as_posix(), "sha256": sha256(project.root / f)})
    period: dict[str, Any] = {
        "start": project.period.start.isoformat(),
        "end": project.period.end.isoformat(),
        "timezone": _tz(project),
        "reporting": project.period.reporting,
    }
    if project.baseline is not None:
        period["baseline"] = {
            "start": project.baseline.start.isoformat(),
            "end": project.baseline.end.isoformat(),
        }
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "created": created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "project": {
            "name": project.name,
            "file": project.path.name if project.path is not None else None,
            **_allowances(project),
            **(
                {"adjustments": [a.as_dict() for a in result.inputs.adjustments]}
                if result.inputs.adjustments
                else {}
            ),
        },
        "kind": "ex-ante estimate from expected annual values, not a monitored result"
        if project.estimate
        else "monitored result",
        "methodology": {
            "id": meth.id,
            "version": meth.version,
            "title": meth.title,
            "sources": [
                {
                    "code": s.code,
                    "title": s.title,
                    "version": s.version,
                    **({"url": s.url} if s.url else {}),
                    **({"note": s.note} if s.note else {}),
                }
                for s in meth.sources
            ],
        },
        "period": period,
        "unit": "t CO2e",
        "totals": {s: _num(v) for s, v in ledger.totals().items()},
        "intervals": intervals,
        "quantities": [_quantity_entry(q, result, groups) for q in ledger],
        "parameters": [
            {
                "symbol": p.symbol,
                "value": _jsonable(p.value),
                "unit": p.unit,
                "source": p.source,
                "given": p.given,
                **(
                    {"given_value": p.given_value, "given_unit": p.given_unit}
                    if p.given_unit is not None
                    else {}
                ),
                **({"vintage": p.vintage} if p.vintage is not None else {}),
            }
            for p in result.inputs.parameters.values()
        ],
        "gwp": [
            {
                "from": c.dates.start.isoformat(),
                "to": c.dates.end.isoformat(),
                "rule": c.rule,
                "values": {
                    g: {"value": v.value, "set": v.set, "source": v.reference}
                    for g, v in sorted(c.values.items())
                },
            }
            for c in result.gwp
        ],
        "findings": [_finding(f) for f in result.findings],
        "compliance": {
            "compliant": result.compliant,
            "overridden": [f.name for f in result.findings if str(f.status) == "overridden"],
        },
        "data_quality": result.quality.as_dict(),
        "inputs": inputs,
        "software": software_versions(),
        "verify": {"rtol": VERIFY_RTOL},
    }
    report = _jsonable(report)
    report["digest"] = digest(report)
    return report


def _allowances(project: Any) -> dict[str, Any]:
    """``allow_outside``: folders outside the project's that files were read from, if any."""
    from .safety import recorded

    return {"allow_outside": recorded(project)} if project.allow_outside else {}


def _tz(project: Any) -> str:
    from .timeutil import tz_name

    return tz_name(project.period.timezone)


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def results_dataset(result: Result, report: dict[str, Any], series: bool) -> xr.Dataset:
    """results.nc: every extensive quantity per reporting interval; the series if asked."""
    labels = [i["label"] for i in report["intervals"]]
    data = {
        s: xr.DataArray(
            [i[s] for i in report["intervals"]],
            dims=("interval",),
            attrs={"units": "t", "long_name": f"{s} per reporting interval (t CO2e)"},
        )
        for s in TOTALS
    }
    for entry in report["quantities"]:
        if "by_interval" in entry and entry["symbol"] not in TOTALS:
            data[entry["symbol"]] = xr.DataArray(
                [entry["by_interval"][lab] for lab in labels],
                dims=("interval",),
                attrs={
                    "units": entry["unit"],
                    "equation": entry["equation"],
                    "inputs": " ".join(entry["inputs"]),
                    "long_name": entry["description"],
                },
            )
    ds = xr.Dataset(
        data,
        coords={
            "interval": labels,
            "interval_start": ("interval", [i["start"] for i in report["intervals"]]),
            "interval_end": ("interval", [i["end"] for i in report["intervals"]]),
        },
    )
    if series:
        for k, axis in enumerate(result.ledger.axes):
            dim = "time" if k == 0 else f"time_{k}"
            for q in result.ledger:
                if isinstance(q.value, xr.DataArray) and result.ledger.axis_of(q.value) is axis:
                    da = q.value.rename({"time": dim}) if dim != "time" else q.value
                    if dim != "time":
                        da = da.rename({"time_end": f"{dim}_end"})
                    ds[f"{q.symbol}"] = da.assign_attrs(
                        units=q.unit, equation=q.equation, inputs=" ".join(q.inputs)
                    )
    ds.attrs = {
        "methodology": f"{result.methodology.id} {result.methodology.version}",
        "project": result.project.name,
        "interval": "reporting intervals, local time; start and end as ISO 8601 with offset",
    }
    if series:
        ds.attrs["time"] = "start of each monitoring interval, UTC (time_end: its end)"
    from .cf import conform

    return conform(ds, result, report, series)


def write_outputs(
    result: Result,
    outdir: Path,
    *,
    series: bool = False,
    uncertainty: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Write report.json, results.nc and report.html into ``outdir``.

    ``uncertainty`` (``reductions uncertainty``) is written beside report.json as
    uncertainty.json, tied to it by the report's digest (report.json itself stays what
    ``verify`` recomputes), and shown in report.html.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    report = build_report(result)
    if result.project.path is not None:
        rel = os.path.relpath(result.project.path.resolve(), outdir.resolve())
        (outdir / LOCATION_FILE).write_text(Path(rel).as_posix() + "\n", encoding="utf-8")
    paths = {
        "report": outdir / "report.json",
        "results": outdir / "results.nc",
        "html": outdir / "report.html",
    }
    paths["report"].write_text(dumps(report), encoding="utf-8")
    ds = results_dataset(result, report, series)
    encoding = {
        v: {"zlib": True, "complevel": 4}
        for v in ds.data_vars
        if np.issubdtype(ds[v].dtype, np.floating)
    }
    ds.to_netcdf(paths["results"], engine="h5netcdf", encoding=encoding)
    if uncertainty is not None:
        paths["uncertainty"] = outdir / "uncertainty.json"
        section = _jsonable({"report_digest": report["digest"], **uncertainty})
        paths["uncertainty"].write_text(dumps(section), encoding="utf-8")
    paths["html"].write_text(
        render_html(report, uncertainty, result=result, series=series), encoding="utf-8"
    )
    return paths


def render_html(
    report: dict[str, Any],
    uncertainty: dict[str, Any] | None = None,
    *,
    result: Result | None = None,
    series: bool = False,
) -> str:
    """The self-contained report.html (``reductions.html_report``): from report.json
    alone, or at write time from the run too (its meter calibrations, and with ``series``
    the monitored series at their own resolution)."""
    from .html_report import calibration_records, ledger_series, render

    return render(
        report,
        None if uncertainty is None else _jsonable(uncertainty),
        series=ledger_series(result) if result is not None and series else None,
        calibrations=calibration_records(result) if result is not None else None,
    )
