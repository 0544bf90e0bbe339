"""Run the validation cases: published figures, recomputed through ``reductions run``.

A case is a folder ``validation/cases/<case>/`` with ``project.toml``, its monitoring
data and ``expected.toml``::

    [source]
    document = "CDM standardized baseline ASB0038-2018, v01.0"
    where = "Table 1"
    url = "..."

    [[expect]]
    quantity = "EF_grid_CM_y"        # a ledger symbol, or BE / PE / LE / ER
    value = 0.4329
    unit = "t/MWh"
    atol = 5e-5                      # and/or rtol
    why = "published to 4 decimals: half a unit of the last digit"
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, ProjectFileError
from .run import Result, run_project
from .units import conversion_factor


@dataclass(frozen=True)
class Row:
    case: str
    quantity: str
    expected: float
    computed: float | None
    unit: str
    rel_diff: float | None
    passed: bool
    note: str = ""


def _value(result: Result, symbol: str) -> tuple[float, str]:
    q = result.ledger[symbol]
    if q.is_series and not q.extensive:
        arr = np.asarray(q.value, dtype=float)
        if not np.all(arr == arr[0]):
            raise ProjectFileError(f"{symbol} varies over time; compare a total instead")
        return float(arr[0]), q.unit
    return q.total(), q.unit


def run_case(folder: Path) -> list[Row]:
    name = folder.name
    exp_file = folder / "expected.toml"
    if not exp_file.is_file():
        raise ProjectFileError("expected.toml not found", file=str(exp_file))
    expected = tomllib.loads(exp_file.read_text(encoding="utf-8"))
    if "source" not in expected or "document" not in expected["source"]:
        raise ProjectFileError(
            "a case cites its source: [source] document = ...", file=str(exp_file)
        )
    try:
        result = run_project(folder / "project.toml")
    except InputError as exc:
        return [
            Row(
                name,
                e.get("quantity", "?"),
                float(e.get("value", math.nan)),
                None,
                e.get("unit", ""),
                None,
                False,
                f"run failed: {exc}",
            )
            for e in expected.get("expect", [])
        ]
    rows = []
    for e in expected.get("expect", []):
        rows.append(_check(name, result, e, str(exp_file)))
    return rows


def _check(name: str, result: Result, e: dict[str, Any], file: str) -> Row:
    symbol = e["quantity"]
    if symbol not in result.ledger:
        return Row(
            name,
            symbol,
            float(e["value"]),
            None,
            e.get("unit", ""),
            None,
            False,
            "not in the ledger",
        )
    value, unit = _value(result, symbol)
    want_unit = e.get("unit", unit)
    value *= conversion_factor(unit, want_unit, variable=symbol, where=file)
    want = float(e["value"])
    if "rtol" not in e and "atol" not in e:
        raise ProjectFileError(
            "each expectation states its tolerance (rtol or atol) and why",
            file=file,
            variable=symbol,
        )
    rtol, atol = float(e.get("rtol", 0.0)), float(e.get("atol", 0.0))
    passed = abs(value - want) <= max(atol, rtol * abs(want))
    rel = abs(value - want) / abs(want) if want != 0 else None
    return Row(name, symbol, want, value, want_unit, rel, passed, e.get("why", ""))


def packaged_cases() -> Path:
    """The folder of the validation cases shipped with the package."""
    from importlib import resources

    return Path(str(resources.files("validation").joinpath("cases")))


def run_cases(cases_dir: Path | None, names: list[str] | None = None) -> tuple[str, bool]:
    """Run the named cases (or all), return the printed table and whether all passed."""
    return table(case_rows(cases_dir, names))


def case_rows(cases_dir: Path | None, names: list[str] | None = None) -> list[Row]:
    """Run the named cases (or all, from the packaged cases if ``cases_dir`` is None)."""
    if cases_dir is None:
        cases_dir = packaged_cases()
    if not cases_dir.is_dir():
        raise ProjectFileError(
            "validation cases folder not found",
            file=str(cases_dir),
            rule="pass --cases-dir a folder of cases",
        )
    folders = sorted(p for p in cases_dir.iterdir() if (p / "expected.toml").is_file())
    if names:
        unknown = sorted(set(names) - {p.name for p in folders})
        if unknown:
            raise ProjectFileError(f"unknown case(s) {unknown}", file=str(cases_dir))
        folders = [p for p in folders if p.name in names]
    return [row for f in folders for row in run_case(f)]


def table(rows: list[Row]) -> tuple[str, bool]:
    """The printed table of ``rows`` and whether every row passed."""
    head = ("case", "quantity", "expected", "computed", "unit", "rel. diff", "result")
    body = [
        (
            r.case,
            r.quantity,
            f"{r.expected:.6g}",
            "-" if r.computed is None else f"{r.computed:.6g}",
            r.unit,
            "-" if r.rel_diff is None else f"{r.rel_diff:.2e}",
            ("pass" if r.passed else "FAIL") + (f" ({r.note})" if not r.passed and r.note else ""),
        )
        for r in rows
    ]
    widths = [
        max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)
    ]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*b) for b in body]
    passed = sum(r.passed for r in rows)
    lines.append(f"{passed} passed, {len(rows) - passed} failed")
    return "\n".join(lines), bool(rows) and passed == len(rows)
