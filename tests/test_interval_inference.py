"""Interval values without a declared ``monitoring.interval``.

The interval is inferred only where the timestamps leave no doubt (every step a whole
multiple of the smallest, or consecutive local month starts), and the report says it was
inferred; anything else is an error asking for the declaration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reductions.errors import MonitoringDataError
from reductions.run import run_project
from tests._cli_project import csv_rows, edit, expected_er_acm0002, make_project, write_rows


def test_uniform_spacing_gives_the_declared_result(tmp_path: Path) -> None:
    """Hourly rows with and without ``interval = "1h"`` give the same ER, which is the
    fixture's hand-computed value (sum of export - import times the combined margin)."""
    declared = run_project(make_project(tmp_path / "a"))
    p = make_project(tmp_path / "b")
    edit(p, 'interval = "1h"\n', "")
    inferred = run_project(p)
    assert inferred.totals["ER"] == declared.totals["ER"]
    assert inferred.totals["ER"] == pytest.approx(expected_er_acm0002(), rel=1e-12)
    assert inferred.quality.interval.startswith("1h, inferred")
    assert declared.quality.interval == "1h, declared; timestamps label the end"


def test_a_missing_row_is_a_gap_not_a_longer_interval(tmp_path: Path) -> None:
    """A deleted hour shows as a gap (an error here: ACM0002 has no missing-data rule),
    not as a two-hour interval."""
    p = make_project(tmp_path)
    edit(p, 'interval = "1h"\n', "")
    rows = csv_rows(tmp_path / "monitoring.csv")
    del rows[10]
    write_rows(tmp_path / "monitoring.csv", rows)
    with pytest.raises(MonitoringDataError, match="1 interval\\(s\\) missing"):
        run_project(p)


def test_monthly_timestamps_are_months(tmp_path: Path) -> None:
    """Start-labelled local month starts are read as calendar months (31, 29, 31 days)."""
    p = make_project(tmp_path)
    text = p.read_text(encoding="utf-8")
    text = (
        text.replace("end = 2024-01-03", "end = 2024-03-31")
        .replace('interval = "1h"\n', "")
        .replace('label = "end"', 'label = "start"')
        .replace('reporting = "day"', 'reporting = "month"')
    )
    p.write_text(text, encoding="utf-8")
    rows = [
        "time_end,export,import",
        "2024-01-01 00:00,3100.0,1.0",
        "2024-02-01 00:00,2900.0,2.0",
        "2024-03-01 00:00,3100.0,0.0",
    ]
    write_rows(tmp_path / "monitoring.csv", rows)
    result = run_project(p)
    assert result.quality.interval.startswith("1 month, inferred")
    assert result.ledger["EG_facility_y"].total() == pytest.approx(9097.0, rel=1e-15)


def test_uneven_spacing_must_be_declared(tmp_path: Path) -> None:
    p = make_project(tmp_path)
    edit(p, 'interval = "1h"\n', "")
    rows = csv_rows(tmp_path / "monitoring.csv")
    rows[5] = rows[5].replace(":00,", ":30,", 1)
    write_rows(tmp_path / "monitoring.csv", rows)
    with pytest.raises(MonitoringDataError, match="declare monitoring.interval"):
        run_project(p)


def test_acm0002_without_an_import_meter(tmp_path: Path) -> None:
    """ACM0002 with only an export meter: EG_import is recorded as zero in the ledger and an
    'cannot be checked' finding says so; ER is export x CM."""
    p = make_project(tmp_path)
    edit(p, 'EG_import = { column = "import", unit = "MWh" }\n', "")
    result = run_project(p)
    assert result.ledger["EG_import"].total() == 0.0
    assert "not monitored" in result.ledger["EG_import"].equation
    names = {f.name: f.status for f in result.findings}
    assert str(names["cdm.acm0002.applicability.import_meter"]) == "cannot be checked"
    export = result.ledger["EG_export"].total()
    cm = result.ledger["EF_grid_CM_y"].total()
    assert result.totals["ER"] == pytest.approx(export * cm, rel=1e-12)
