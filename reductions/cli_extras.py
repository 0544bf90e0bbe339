"""Pieces of the ``reductions`` command kept out of :mod:`reductions.cli` (issue 13).

- ``--allow-outside PATH`` for ``run``, ``estimate`` and ``verify`` (:mod:`reductions.safety`);
- ``--json`` for ``run``, ``verify`` and ``validate``: one JSON object on stdout with the
  keys listed in :data:`RUN_KEYS`, :data:`VERIFY_KEYS` and :data:`VALIDATE_KEYS`;
- ``describe ID --markdown [FILE]``: the methodology as Markdown (:func:`describe_markdown`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .methodology import Methodology, version_label

if TYPE_CHECKING:
    from .validation import Row
    from .verify import Verification

#: Keys of ``reductions run --json``.
RUN_KEYS = (
    "project",
    "methodology",
    "kind",
    "period",
    "unit",
    "totals",
    "intervals",
    "compliant",
    "findings",
    "outputs",
    "digest",
)
#: Keys of ``reductions verify --json``.
VERIFY_KEYS = ("report", "ok", "differences", "notes")
#: Keys of ``reductions validate --json``.
VALIDATE_KEYS = ("ok", "passed", "failed", "rows")


def add_allow_outside(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-outside",
        action="append",
        default=[],
        metavar="PATH",
        help="also read files under PATH, outside the project file's folder (repeatable; "
        "recorded in report.json)",
    )


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def print_json(obj: dict[str, Any]) -> None:
    json.dump(obj, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def run_payload(paths: dict[str, Path]) -> dict[str, Any]:
    """``run --json``: the report's head, the findings that did not pass, the outputs."""
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    return {
        "project": report["project"],
        "methodology": {k: report["methodology"][k] for k in ("id", "version", "title")},
        "kind": report["kind"],
        "period": report["period"],
        "unit": report["unit"],
        "totals": report["totals"],
        "intervals": report["intervals"],
        "compliant": report["compliance"]["compliant"],
        "findings": [f for f in report["findings"] if f["status"] != "pass"],
        "outputs": {k: str(v) for k, v in paths.items()},
        "digest": report["digest"],
    }


def verify_payload(v: Verification) -> dict[str, Any]:
    return {"report": v.report, "ok": v.ok, "differences": v.differences, "notes": v.notes}


def validate_payload(rows: list[Row], ok: bool) -> dict[str, Any]:
    passed = sum(r.passed for r in rows)
    return {
        "ok": ok,
        "passed": passed,
        "failed": len(rows) - passed,
        "rows": [dataclasses.asdict(r) for r in rows],
    }


# --- describe --markdown -------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _range(p: Any) -> str:
    parts = []
    if p.choices:
        parts.append("one of " + ", ".join(f"`{c}`" for c in p.choices))
    if p.minimum is not None:
        parts.append(f">= {p.minimum}")
    if p.maximum is not None:
        parts.append(f"<= {p.maximum}")
    return "; ".join(parts)


def describe_markdown(cls: type[Methodology]) -> str:
    """The methodology's sources, parameters, monitoring variables and equations, as the
    plugin declares them (symbols and equation references of the methodology text)."""
    out = [f"# {cls.id} {version_label(cls.version)}: {cls.title}", "", "## Sources", ""]
    for s in cls.sources:
        line = f"- {s.cite()}"
        if s.url:
            line += f" <{s.url}>"
        if s.note:
            line += f" ({s.note})"
        out.append(line)
    out += [
        "",
        "## Parameters",
        "",
        "| symbol | description | unit | default | source of the default | values |",
        "|---|---|---|---|---|---|",
    ]
    for p in cls.parameters:
        if p.default is not None:
            default = f"`{p.default!r}`" + (" (prescribed)" if p.prescribed else "")
        else:
            default = "required" if p.required else "optional"
        out.append(
            f"| `{p.symbol}` | {_cell(p.description)} | {_cell(p.unit)} | {default} | "
            f"{_cell(p.default_source or '')} | {_cell(_range(p))} |"
        )
    out += [
        "",
        "## Monitoring variables",
        "",
        "| symbol | description | unit | required | aggregate | dimensions | resolution "
        "| period | missing data |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for v in cls.monitoring:
        out.append(
            f"| `{v.symbol}` | {_cell(v.description)} | {_cell(v.unit)} | "
            f"{'yes' if v.required else 'no'} | {v.aggregate} | {', '.join(v.dims)} | "
            f"{v.resolution or ''} | {v.period} | {_cell(v.missing.describe())} |"
        )
    out += ["", "## Equations", ""]
    for e in cls.equation_list():
        out += [f"- **{e.reference}**", "", "  ```", f"  {e.text}", "  ```", ""]
    return "\n".join(out).rstrip() + "\n"
