"""report.json, results.nc and report.html; and ``verify``.

The report holds everything an auditor needs to rerun and check a result (DESIGN.md,
"Files"): the project, methodology and version, period, totals and per-interval values,
every ledger quantity with its equation and inputs, every parameter with its source,
the applicability findings, the data-quality record, the sha256 of every input file
(named relative to the project file) and the software versions. The same project on
the same inputs gives the same report byte for byte, apart from ``created``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import os
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError, ReductionsError
from .ledger import TOTALS, Quantity, exact_sum, group_sums
from .timeutil import to_local

if TYPE_CHECKING:
    from .run import Result

SCHEMA = "reductions.report/1"
#: Side file beside report.json with the project file's path relative to it.
LOCATION_FILE = "project-location.txt"
#: Relative tolerance ``verify`` compares recomputed numbers at.
VERIFY_RTOL = 1e-9


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def software_versions() -> dict[str, str]:
    """Versions of this library, Python and the numerical stack (and CoolProp)."""
    out = {"python": platform.python_version()}
    for dist in ("reductions", "numpy", "xarray", "pandas", "pint", "scipy", "CoolProp"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _num(x: float) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def _quantity_entry(q: Quantity, codes: np.ndarray, order: list[str]) -> dict[str, Any]:
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
    if q.is_series:
        arr = np.asarray(q.value, dtype=float)
        summary: dict[str, Any] = {
            "n": int(arr.size),
            "min": _num(arr.min()),
            "max": _num(arr.max()),
            "mean": _num(arr.mean()),
        }
        if q.extensive:
            summary["total"] = _num(exact_sum(arr))
            sums = group_sums(arr, codes, len(order))
            entry["by_interval"] = {lab: _num(sums[k]) for k, lab in enumerate(order)}
        entry["summary"] = summary
    else:
        entry["value"] = _num(q.total())
    return entry


def _group(labels: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Reporting-interval labels in time order, the code of each step, first and last step."""
    uniq, first, codes = np.unique(labels.astype(str), return_index=True, return_inverse=True)
    by_time = np.argsort(first, kind="stable")
    rank = np.empty_like(by_time)
    rank[by_time] = np.arange(by_time.size)
    codes = rank[codes]
    last = np.zeros(uniq.size, dtype=np.int64)
    np.maximum.at(last, codes, np.arange(codes.size))
    return [str(u) for u in uniq[by_time]], codes, first[by_time], last


def build_report(result: Result, created: str | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    project, meth, ledger = result.project, result.methodology, result.ledger
    labels = result.interval_labels()
    order, codes, firsts, lasts = _group(labels)
    ds = result.monitoring
    start, end = ds["time"].values, ds["time_end"].values
    intervals = []
    sums = {s: group_sums(ledger.series(s), codes, len(order)) for s in TOTALS}
    for k, lab in enumerate(order):
        first, last = int(firsts[k]), int(lasts[k])
        row: dict[str, Any] = {
            "label": lab,
            "start": to_local(start[first : first + 1], project.period.timezone)[0].isoformat(),
            "end": to_local(end[last : last + 1], project.period.timezone)[0].isoformat(),
        }
        for s in TOTALS:
            row[s] = _num(sums[s][k])
        intervals.append(row)
    inputs = [{"path": project.path.name, "sha256": sha256(project.path)}]
    for f in project.monitoring.files:
        inputs.append({"path": Path(f).as_posix(), "sha256": sha256(project.root / f)})
    compliant = not project.noncompliance
    return {
        "schema": SCHEMA,
        "created": created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "project": {"name": project.name, "file": project.path.name},
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
        "period": {
            "start": project.period.start.isoformat(),
            "end": project.period.end.isoformat(),
            "timezone": ds.attrs.get("timezone", ""),
            "reporting": project.period.reporting,
        },
        "unit": "t CO2e",
        "totals": {s: _num(v) for s, v in ledger.totals().items()},
        "intervals": intervals,
        "quantities": [_quantity_entry(q, codes, order) for q in ledger],
        "parameters": [
            {
                "symbol": p.symbol,
                "value": p.value if not isinstance(p.value, dt.date) else p.value.isoformat(),
                "unit": p.unit,
                "source": p.source,
                "given": p.given,
                **(
                    {"given_value": p.given_value, "given_unit": p.given_unit}
                    if p.given_unit is not None
                    else {}
                ),
            }
            for p in project.parameters.values()
        ],
        "gwp": {
            "rule": result.gwp_rule,
            "values": {
                g: {"value": v.value, "set": v.set, "source": v.reference}
                for g, v in sorted(result.gwp.items())
            },
        },
        "applicability": [
            {
                "name": f.name,
                "clause": f.clause,
                "status": str(f.status),
                "message": f.message,
                "values": {k: _jsonable(v) for k, v in f.values.items()},
            }
            for f in result.findings
        ],
        "compliance": {"compliant": compliant, "notes": list(project.noncompliance)},
        "data_quality": result.quality.as_dict(),
        "inputs": inputs,
        "software": software_versions(),
        "verify": {"rtol": VERIFY_RTOL},
    }


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_outputs(result: Result, outdir: Path) -> dict[str, Path]:
    """Write report.json, results.nc and report.html into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    report = build_report(result)
    # Where the project file is, for ``verify`` on this machine: a side file, not part of
    # the report, which must not depend on the output folder nor name the host's folders.
    rel = os.path.relpath(result.project.path.resolve(), outdir.resolve())
    (outdir / LOCATION_FILE).write_text(Path(rel).as_posix() + "\n", encoding="utf-8")
    paths = {
        "report": outdir / "report.json",
        "results": outdir / "results.nc",
        "html": outdir / "report.html",
    }
    paths["report"].write_text(dumps(report), encoding="utf-8")
    ds = result.ledger.dataset()
    ds = ds.assign_coords(time_end=("time", result.monitoring["time_end"].values))
    ds.attrs = {
        "methodology": f"{result.methodology.id} {result.methodology.version}",
        "project": result.project.name,
        "time_zone_of_time": "UTC",
        "time": "start of each monitoring interval",
    }
    ds.to_netcdf(paths["results"], engine="h5netcdf")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths


def render_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page: totals, a bar chart of ER per interval, the ledger."""
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(i['label'])}</td>"
        + "".join(f"<td>{i[s]:,.3f}</td>" for s in TOTALS)
        + "</tr>"
        for i in report["intervals"]
    )
    ers = [i["ER"] for i in report["intervals"]]
    top = max([abs(e) for e in ers] + [1e-12])
    width = 24
    bars = "".join(
        f'<rect x="{k * width + 2}" y="{100 - max(e, 0) / top * 100:.2f}" width="{width - 4}" '
        f'height="{abs(e) / top * 100:.2f}" fill="{"#2b7" if e >= 0 else "#c33"}">'
        f"<title>{esc(report['intervals'][k]['label'])}: {e:,.3f} t CO2e</title></rect>"
        for k, e in enumerate(ers)
    )
    svg = (
        f'<svg width="{max(len(ers), 1) * width + 4}" height="104" role="img" '
        f'aria-label="ER per reporting interval">{bars}</svg>'
    )
    qrows = "".join(
        f"<tr><td><code>{esc(q['symbol'])}</code></td><td>{esc(q['unit'])}</td>"
        f"<td>{esc(_fmt(q))}</td><td>{esc(q['equation'])}</td>"
        f"<td>{esc(', '.join(q['inputs']))}</td></tr>"
        for q in report["quantities"]
    )
    totals = " &middot; ".join(f"{s} = {report['totals'][s]:,.3f}" for s in TOTALS)
    m = report["methodology"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(report["project"]["name"])}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child{{text-align:left}}
</style></head><body>
<h1>{esc(report["project"]["name"])}</h1>
<p>{esc(m["id"])} v{esc(m["version"])}: {esc(m["title"])}<br>
Period {esc(report["period"]["start"])} to {esc(report["period"]["end"])}
({esc(report["period"]["timezone"])})</p>
<h2>Totals [t CO2e]</h2><p>{totals}</p>
<h2>Emission reductions per reporting interval</h2>{svg}
<table><tr><th>interval</th>{"".join(f"<th>{s}</th>" for s in TOTALS)}</tr>{rows}</table>
<h2>Ledger</h2>
<table><tr><th>symbol</th><th>unit</th><th>value</th><th>equation</th><th>inputs</th></tr>
{qrows}</table>
<h2>Compliance</h2><p>{
        "compliant"
        if report["compliance"]["compliant"]
        else "NOT compliant: " + esc("; ".join(report["compliance"]["notes"]))
    }</p>
</body></html>
"""


def _fmt(q: dict[str, Any]) -> str:
    if "value" in q:
        return f"{q['value']:.6g}"
    s = q["summary"]
    if "total" in s:
        return f"total {s['total']:.6g}"
    return f"mean {s['mean']:.6g} (min {s['min']:.6g}, max {s['max']:.6g})"


# --- verify ---------------------------------------------------------------------------


@dataclass
class Verification:
    """Outcome of ``verify``: what differs (a failure) and what is only noted."""

    report: str
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _close(a: Any, b: Any, rtol: float) -> bool:
    if (
        isinstance(a, int | float)
        and isinstance(b, int | float)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=rtol * 1e-6)
    return bool(a == b)


def _compare(path: str, old: Any, new: Any, rtol: float, out: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            if k not in new:
                out.append(f"{path}.{k}: in the report, not recomputed")
            elif k not in old:
                out.append(f"{path}.{k}: recomputed, not in the report")
            else:
                _compare(f"{path}.{k}", old[k], new[k], rtol, out)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append(f"{path}: {len(old)} entries in the report, {len(new)} recomputed")
            return
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            key = a.get("symbol", a.get("label", a.get("name", i))) if isinstance(a, dict) else i
            _compare(f"{path}[{key}]", a, b, rtol, out)
    elif not _close(old, new, rtol):
        out.append(f"{path}: report has {old!r}, recomputed {new!r}")


def _find_project(rp: Path, report: dict[str, Any], label: str) -> Path:
    """The project file of a report: from the side file written with it, else beside it."""
    side = rp.parent / LOCATION_FILE
    if side.is_file():
        candidate = rp.parent / side.read_text(encoding="utf-8").strip()
        if candidate.is_file():
            return candidate
    name = str(report.get("project", {}).get("file", ""))
    if name:
        for folder in (rp.parent.parent, rp.parent):
            if (folder / name).is_file():
                return folder / name
    raise InputError(
        "cannot find the report's project file beside it",
        file=label,
        rule="pass --project PROJECT.toml",
    )


#: Parts of the report verify recomputes and compares.
COMPARED = (
    "methodology",
    "period",
    "unit",
    "totals",
    "intervals",
    "quantities",
    "parameters",
    "gwp",
    "applicability",
    "compliance",
    "data_quality",
)


def verify(report_path: str | Path, project_path: str | Path | None = None) -> Verification:
    """Check the inputs' hashes and recompute every quantity of a report.

    Differences in numbers (beyond the report's relative tolerance), in inputs or in
    findings make the verification fail; differences in software versions are noted.
    """
    from .run import run_project

    rp = Path(report_path)
    label = str(report_path)
    if not rp.is_file():
        raise InputError("report not found", file=label)
    try:
        old = json.loads(rp.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a JSON report: {exc}", file=label) from None
    if not isinstance(old, dict) or old.get("schema") != SCHEMA:
        raise InputError(f"not a {SCHEMA} report", file=label)
    if project_path is None:
        project_file = _find_project(rp, old, label)
    else:
        project_file = Path(project_path)
    result = Verification(label)
    rtol = float(old.get("verify", {}).get("rtol", VERIFY_RTOL))
    root = project_file.parent
    for entry in old.get("inputs", []):
        f = root / entry["path"]
        if not f.is_file():
            result.differences.append(f"input {entry['path']}: file not found")
            continue
        digest = sha256(f)
        if digest != entry["sha256"]:
            result.differences.append(
                f"input {entry['path']}: sha256 {digest} differs from the report's "
                f"{entry['sha256']}"
            )
    try:
        new = run_project(project_file).report()
    except (InputError, ReductionsError) as exc:
        result.differences.append(f"recomputation failed: {exc}")
        return result
    diffs: list[str] = []
    for key in COMPARED:
        _compare(key, old.get(key), new.get(key), rtol, diffs)
    result.differences.extend(diffs)
    for name, version in sorted(old.get("software", {}).items()):
        now = new["software"].get(name)
        if now != version:
            result.notes.append(f"software {name}: report {version}, here {now}")
    return result
