"""Ex-ante estimates (issue 7, item 4): the yearly table a design document shows, from
expected annual values, marked as an estimate.

The example estimate (examples/ccer-01-002-offshore-wind/estimate.toml) expects 1,051,200
MWh exported and 2,000 MWh imported a year, with meters of class 0.2S and no calibration
record (para. 7.3.4: the class MPE applies): EG_PJ = 1,051,200 x 0.998 - 2,000 x 1.002 =
1,047,093.6 MWh a year; CM = 0.5 x 0.9419 + 0.5 x 0.4819 = 0.7119 t/MWh (Tables 2-3).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reductions.cli import main
from reductions.errors import ProjectFileError
from reductions.project import load_project

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ccer-01-002-offshore-wind"
YEARLY_ER = (1_051_200 * 0.998 - 2_000 * 1.002) * 0.7119


def test_estimate_prints_the_yearly_table_and_marks_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["estimate", str(EXAMPLE / "estimate.toml"), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "EX-ANTE ESTIMATE" in out
    rows = [line.split() for line in out.splitlines() if line.strip()[:4].isdigit()]
    assert [r[0] for r in rows] == [str(y) for y in range(2025, 2035)]
    for r in rows:
        assert float(r[4].replace(",", "")) == pytest.approx(YEARLY_ER, abs=5e-4)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["kind"].startswith("ex-ante estimate")
    assert report["totals"]["ER"] == pytest.approx(10 * YEARLY_ER, rel=1e-12)
    assert main(["verify", str(tmp_path / "report.json")]) == 0


def test_monitored_reports_say_so(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["run", str(EXAMPLE / "project.toml"), "-o", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "monitored result"
    assert main(["estimate", str(EXAMPLE / "project.toml"), "-o", str(tmp_path / "e")]) == 2
    assert "no [estimate] table" in capsys.readouterr().err


def test_an_estimate_has_no_period_or_monitoring_of_its_own(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE / "estimate.toml", tmp_path / "estimate.toml")
    path = tmp_path / "estimate.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[period]\nstart = 2025-01-01\nend = 2025-12-31\n",
        encoding="utf-8",
    )
    with pytest.raises(ProjectFileError, match=r"\[period\] and \[estimate\]"):
        load_project(path)
