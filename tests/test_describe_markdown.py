"""``describe ID --markdown`` and ``--json`` of run, verify and validate (issue 13, item 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reductions import registry
from reductions.cli import main
from reductions.cli_extras import RUN_KEYS, VALIDATE_KEYS, VERIFY_KEYS, describe_markdown
from reductions.validation import packaged_cases
from tests._cli_project import expected_er_acm0002, make_project

METHODOLOGIES = sorted(registry.installed())


def _cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("key", METHODOLOGIES, ids=[f"{i}@{v}" for i, v in METHODOLOGIES])
def test_markdown_lists_everything_declared(key: tuple[str, str]) -> None:
    cls = registry.installed()[key]
    text = describe_markdown(cls)
    assert text.startswith(f"# {cls.id} ")
    for s in cls.sources:
        assert s.cite() in text
    for section in ("## Sources", "## Parameters", "## Monitoring variables", "## Equations"):
        assert section in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    symbols = [re.match(r"\| `([^`]+)`", r).group(1) for r in rows]  # type: ignore[union-attr]
    assert symbols == [p.symbol for p in cls.parameters] + [v.symbol for v in cls.monitoring]
    widths = {line.count("|") - line.count("\\|") for line in rows[: len(cls.parameters)]}
    assert widths == {7}  # six columns: no unescaped | in a description
    for e in cls.equation_list():
        assert f"- **{e.reference}**" in text and e.text in text


def test_cli_markdown_stdout_and_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cls = registry.get("cdm.acm0002")
    code, out, _ = _cli(capsys, "describe", "cdm.acm0002", "--markdown")
    assert code == 0 and out == describe_markdown(cls)
    assert "ACM0002 v22.0 eq. (11)" in out
    target = tmp_path / "acm0002.md"
    code, out, _ = _cli(capsys, "describe", "cdm.acm0002", "--markdown", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == describe_markdown(cls)


def test_run_and_verify_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = make_project(tmp_path / "p")
    out_dir = tmp_path / "out"
    code, out, err = _cli(capsys, "run", str(project), "-o", str(out_dir), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert tuple(doc) == RUN_KEYS
    assert doc["totals"]["ER"] == pytest.approx(expected_er_acm0002(), rel=1e-9)
    assert doc["methodology"] == {
        "id": "cdm.acm0002",
        "version": "22.0",
        "title": registry.get("cdm.acm0002").title,
    }
    assert doc["compliant"] is True and doc["outputs"]["report"] == str(out_dir / "report.json")
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert doc["digest"] == report["digest"] and doc["intervals"] == report["intervals"]

    code, out, err = _cli(capsys, "verify", str(out_dir / "report.json"), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert tuple(doc) == VERIFY_KEYS and doc["ok"] is True and doc["differences"] == []

    # Edited by hand: the digest no longer matches, and the unit differs.
    (out_dir / "report.json").write_text(json.dumps({**report, "unit": "kg"}), encoding="utf-8")
    code, out, _ = _cli(capsys, "verify", str(out_dir / "report.json"), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert any(d.startswith("digest") for d in doc["differences"])


def test_validate_json(capsys: pytest.CaptureFixture) -> None:
    case = sorted(p.name for p in packaged_cases().iterdir() if (p / "expected.toml").is_file())[0]
    code, out, err = _cli(capsys, "validate", case, "--json")
    doc = json.loads(out)
    assert tuple(doc) == VALIDATE_KEYS
    assert code == (0 if doc["ok"] else 1), err
    assert doc["passed"] + doc["failed"] == len(doc["rows"]) > 0
    assert {r["case"] for r in doc["rows"]} == {case}
    assert set(doc["rows"][0]) == {
        "case",
        "quantity",
        "expected",
        "computed",
        "unit",
        "rel_diff",
        "passed",
        "note",
    }
