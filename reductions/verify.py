"""``verify``: recompute a report from the files named in it and compare.

An auditor's check (DESIGN.md, "Files"): the report's own digest must match its content
(a report edited by hand fails), every input the project names must be listed with its
sha256, and every quantity, total, parameter, finding and data-quality record is
recomputed and compared at the library's own tolerance (a report cannot loosen it).
Software versions that differ are noted, not failed. A malformed report is an input
error (exit 2), never a traceback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, ReductionsError
from .report import LOCATION_FILE, SCHEMA, VERIFY_RTOL, digest, sha256

#: Parts of the report verify recomputes and compares.
COMPARED = (
    "project",
    "kind",
    "methodology",
    "period",
    "unit",
    "totals",
    "intervals",
    "quantities",
    "parameters",
    "gwp",
    "findings",
    "compliance",
    "data_quality",
    "inputs",
)

#: The shape a report must have before anything is compared: key -> type.
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "schema": str,
    "created": str,
    "digest": str,
    "project": dict,
    "kind": str,
    "methodology": dict,
    "period": dict,
    "unit": str,
    "totals": dict,
    "intervals": list,
    "quantities": list,
    "parameters": list,
    "gwp": list,
    "findings": list,
    "compliance": dict,
    "data_quality": dict,
    "inputs": list,
    "software": dict,
    "verify": dict,
}


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
    return type(a) is type(b) and bool(a == b)


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
            key: Any = i
            if isinstance(a, dict):
                key = a.get("symbol", a.get("label", a.get("name", a.get("path", i))))
            _compare(f"{path}[{key}]", a, b, rtol, out)
    elif not _close(old, new, rtol):
        out.append(f"{path}: report has {old!r}, recomputed {new!r}")


def read_report(path: str | Path) -> dict[str, Any]:
    """A report, checked for shape; a malformed one is an :class:`InputError`."""
    rp = Path(path)
    label = str(path)
    if not rp.is_file():
        raise InputError("report not found", file=label)
    try:
        old = json.loads(rp.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a JSON report: {exc}", file=label) from None
    if not isinstance(old, dict):
        raise InputError("not a report: the JSON is not an object", file=label)
    if old.get("schema") != SCHEMA:
        raise InputError(
            f"not a {SCHEMA} report (schema {old.get('schema')!r})",
            file=label,
            variable="schema",
            rule="verify reads reports this version of reductions writes",
        )
    for key, kind in REQUIRED.items():
        if key not in old:
            raise InputError(
                f"malformed report: missing key {key!r}",
                file=label,
                variable=key,
                rule=f"a {SCHEMA} report has {', '.join(REQUIRED)}",
            )
        if not isinstance(old[key], kind):
            raise InputError(
                f"malformed report: {key!r} is a {type(old[key]).__name__}, not a "
                f"{getattr(kind, '__name__', kind)}",
                file=label,
                variable=key,
                rule=f"the {SCHEMA} format",
            )
    for i, entry in enumerate(old["inputs"]):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("path"), str)
            and isinstance(entry.get("sha256"), str)
        ):
            raise InputError(
                "malformed report: each input is {path, sha256}",
                file=label,
                variable=f"inputs[{i}]",
            )
    if old["project"].get("file", "") is None:
        raise InputError(
            "this report was computed from Python objects (reductions.quantify), not from a "
            "project file, so there is nothing to rerun",
            file=label,
            variable="project.file",
            rule="write the result with Result.to_project(folder), run that project file and "
            "verify its report",
        )
    if not isinstance(old["project"].get("file"), str):
        raise InputError(
            "malformed report: project.file is not a file name", file=label, variable="project"
        )
    return old


def _find_project(rp: Path, report: dict[str, Any], label: str) -> Path:
    """The project file of a report: from the side file written with it, else beside it."""
    side = rp.parent / LOCATION_FILE
    if side.is_file():
        candidate = rp.parent / side.read_text(encoding="utf-8").strip()
        if candidate.is_file():
            return candidate
    name = str(report["project"]["file"])
    for folder in (rp.parent.parent, rp.parent):
        if (folder / name).is_file():
            return folder / name
    raise InputError(
        "cannot find the report's project file beside it",
        file=label,
        rule="pass --project PROJECT.toml",
    )


def verify(
    report_path: str | Path,
    project_path: str | Path | None = None,
    *,
    allow_outside: Sequence[str | Path] = (),
) -> Verification:
    """Check a report's digest, inputs and every recomputed number.

    Files are read only under the project file's folder and the folders in
    ``allow_outside`` (:mod:`reductions.safety`).
    """
    from .run import run_project
    from .safety import allowed_folders, confine

    label = str(report_path)
    old = read_report(report_path)
    result = Verification(label)
    if digest(old) != old["digest"]:
        result.differences.append(
            "digest: the report's content does not match its digest (edited after it was written)"
        )
    rtol = VERIFY_RTOL
    if old["verify"] != {"rtol": VERIFY_RTOL}:
        result.differences.append(
            f"verify: the report states {old['verify']!r}; verify compares at the library's "
            f"rtol {VERIFY_RTOL!r} and nothing else"
        )
    for key in sorted(set(old) - set(REQUIRED)):
        result.differences.append(f"{key}: not part of a {SCHEMA} report")
    project_file = (
        Path(project_path)
        if project_path is not None
        else _find_project(Path(report_path), old, label)
    )
    root = project_file.parent
    allow = allowed_folders(allow_outside)
    for i, entry in enumerate(old["inputs"]):
        f = confine(root, entry["path"], key=f"inputs[{i}].path", file=label, allow=allow)
        if not f.exists():
            result.differences.append(f"input {entry['path']}: file not found")
            continue
        found = sha256(f)
        if found != entry["sha256"]:
            result.differences.append(
                f"input {entry['path']}: sha256 {found} differs from the report's {entry['sha256']}"
            )
    try:
        new = run_project(project_file, allow_outside=allow).report()
    except ReductionsError as exc:
        result.differences.append(f"recomputation failed: {exc}")
        return result
    diffs: list[str] = []
    diffs.extend(compare_models(old, new))
    for key in COMPARED:
        _compare(key, _without_models(old, key), _without_models(new, key), rtol, diffs)
    result.differences.extend(diffs)
    for name in sorted(set(old["software"]) | set(new["software"])):
        was, now = old["software"].get(name), new["software"].get(name)
        if was is None:
            result.differences.append(f"software.{name}: missing from the report")
        elif now is None:
            result.differences.append(f"software.{name}: not a version this library records")
        elif now != was:
            result.notes.append(f"software {name}: report {was}, here {now}")
    return result


# --- fitted baseline models ---------------------------------------------------------------

#: Formats of fitted models a finding may carry in ``values["model"]`` (a change-point
#: baseline: :meth:`reductions.baselines.ChangePointModel.to_dict`).
MODEL_FORMATS = ("reductions.baselines.changepoint/1",)
#: Keys of a stored model that must be equal in the refit: what kind of model it is.
MODEL_EXACT = (
    "model_type",
    "interval",
    "temperature_unit",
    "heating_balance_point",
    "cooling_balance_point",
    "settings",
    "n_periods",
    "n_excluded",
)
#: Relative tolerance of the refitted coefficients and statistics. The fit is ordinary
#: least squares on a fixed balance-point grid (no iterative optimiser), so a refit of the
#: same data reproduces the coefficients to rounding (about 1e-13 relative on the
#: examples); the library's own 1e-9 leaves room for another BLAS and no more, and a
#: report cannot loosen it.
MODEL_RTOL = VERIFY_RTOL


def _models(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for f in report.get("findings") or []:
        values = f.get("values") if isinstance(f, dict) else None
        model = values.get("model") if isinstance(values, dict) else None
        if isinstance(model, dict) and model.get("format") in MODEL_FORMATS:
            out[str(f.get("name"))] = model
    return out


def _without_models(report: dict[str, Any], key: str) -> Any:
    """The report's ``key`` section, without the models :func:`compare_models` checks."""
    section = report.get(key)
    if key != "findings" or not isinstance(section, list):
        return section
    out = []
    for f in section:
        values = f.get("values") if isinstance(f, dict) else None
        model = values.get("model") if isinstance(values, dict) else None
        if isinstance(values, dict) and isinstance(model, dict):
            if model.get("format") in MODEL_FORMATS:
                f = {**f, "values": {k: v for k, v in values.items() if k != "model"}}
        out.append(f)
    return out


def compare_models(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Differences between the fitted models stored in a report and those of the refit.

    The same model type, interval, temperature scale, balance points, settings and data
    counts; coefficients, p-values, standard errors and statistics within
    :data:`MODEL_RTOL`.
    """
    was, now = _models(old), _models(new)
    diffs = []
    for name in sorted(set(was) | set(now)):
        if name not in now:
            diffs.append(f"model {name}: in the report, not refitted")
            continue
        if name not in was:
            diffs.append(f"model {name}: refitted, not in the report")
            continue
        a, b = was[name], now[name]
        for k in MODEL_EXACT:
            if a.get(k) != b.get(k):
                diffs.append(
                    f"model {name}: {k} is {a.get(k)!r} in the report, {b.get(k)!r} refitted"
                )
        if any(d.startswith(f"model {name}: model_type") for d in diffs):
            continue
        rest: list[str] = []
        for k in ("intercept", "beta_hdd", "beta_cdd", "p_values", "std_errors", "statistics"):
            _compare(k, a.get(k), b.get(k), MODEL_RTOL, rest)
        diffs += [f"model {name}: {d}" for d in rest]
    return diffs
