"""Every bad input of issue 2 ends in exit code 2 with one line that names it.

Issue 2, "Bad input": each gets exit code 2 and a message naming what and where; none
produces a report. For every case the command ``reductions run`` is called in-process
(``reductions.cli.main``) and must

- return 2;
- write one line to stderr, without a Python traceback, that names the file, the
  variable or column, the row or time where there is one, and the rule broken (each
  case lists the fragments its message must contain);
- write no ``report.json`` (nor anything else) into the output folder.

A few cases also run as a new process (``python -m reductions.cli``), so that the exit
code and stderr are those a user sees. Each case starts from the small project of
``_cli_project.py`` (three days of hourly data) and breaks one thing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from reductions.cli import main
from tests._cli_project import cli_command, csv_rows, edit, make_project, write_rows


@dataclass(frozen=True)
class Case:
    """A broken project: how to build it, and what its error message must name."""

    id: str
    build: Callable[[Path], Path]
    names: tuple[str, ...]


# --- how each case is built -------------------------------------------------------------


def _set_cell(root: Path, row: int, column: int, value: str) -> None:
    """Set a cell of monitoring.csv; ``row`` counts data rows from 0 (file line row + 2)."""
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    cells = rows[row + 1].split(",")
    cells[column] = value
    rows[row + 1] = ",".join(cells)
    write_rows(path, rows)


def missing_project_file(root: Path) -> Path:
    make_project(root)
    return root / "no-such-project.toml"


def missing_monitoring_file(root: Path) -> Path:
    p = make_project(root)
    (root / "monitoring.csv").unlink()
    return p


def missing_column(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "import"', 'column = "import_kWh"')
    return p


def no_unit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'EG_export = { column = "export", unit = "MWh" }', 'EG_export = { column = "export" }')
    return p


def unknown_unit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "export", unit = "MWh"', 'column = "export", unit = "MWhz"')
    return p


def wrong_dimension_unit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "export", unit = "MWh"', 'column = "export", unit = "kW"')
    return p


def non_numeric(root: Path) -> Path:
    p = make_project(root)
    _set_cell(root, 9, 1, "12;5")  # a value typed by hand with the wrong separator
    return p


def nan_cell(root: Path) -> Path:
    p = make_project(root)
    _set_cell(root, 9, 1, "NaN")  # the hour 09:00-10:00 of 2024-01-01
    return p


def empty_cell(root: Path) -> Path:
    p = make_project(root)
    _set_cell(root, 30, 2, "")  # import, the hour 06:00-07:00 of 2024-01-02
    return p


def missing_row(root: Path) -> Path:
    p = make_project(root)
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    del rows[13]  # data row 12: the hour 12:00-13:00 of 2024-01-01
    write_rows(path, rows)
    return p


def duplicate_timestamp(root: Path) -> Path:
    p = make_project(root)
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    rows[6] = rows[5].split(",")[0] + "," + ",".join(rows[6].split(",")[1:])
    write_rows(path, rows)
    return p


def non_monotonic(root: Path) -> Path:
    p = make_project(root)
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    rows[20], rows[21] = rows[21], rows[20]
    write_rows(path, rows)
    return p


def negative_interval(root: Path) -> Path:
    p = make_project(root)
    _set_cell(root, 40, 1, "-3.5")
    return p


def decreasing_register(root: Path) -> Path:
    p = make_project(root, kind="register")
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    t, _, imp = rows[31].split(",")
    rows[31] = f"{t},12.0,{imp}"  # the export register jumps back (an undeclared rollover)
    write_rows(path, rows)
    return p


def period_starts_before_data(root: Path) -> Path:
    p = make_project(root)
    edit(p, "start = 2024-01-01", "start = 2023-12-31")
    return p


def period_ends_after_data(root: Path) -> Path:
    p = make_project(root)
    edit(p, "end = 2024-01-03", "end = 2024-01-05")
    return p


def methodology_not_installed(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'methodology = "cdm.acm0002"', 'methodology = "cdm.acm9999"')
    return p


def version_not_installed(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'methodology_version = "22.0"', 'methodology_version = "19.0"')
    return p


def unknown_parameter(root: Path) -> Path:
    p = make_project(root)
    edit(p, "crediting_period = 1", "crediting_period = 1\nEF_grid_XY = 0.5")
    return p


def parameter_above_range(root: Path) -> Path:
    p = make_project(root)
    edit(p, "value = 0.8922", "value = 2.5")
    return p


def parameter_below_range(root: Path) -> Path:
    p = make_project(root)
    edit(p, "crediting_period = 1", "crediting_period = 0")
    return p


def parameter_missing(root: Path) -> Path:
    p = make_project(root)
    text = p.read_text(encoding="utf-8").splitlines()
    p.write_text(
        "\n".join(line for line in text if not line.startswith("EF_grid_BM_y")) + "\n",
        encoding="utf-8",
    )
    return p


def ccer_site_too_close(root: Path) -> Path:
    p = make_project(root, methodology="ccer.01-002")
    edit(p, "value = 38", "value = 20")
    edit(p, "value = 26", "value = 20")
    return p


def acm0002_fuel_switch(root: Path) -> Path:
    p = make_project(root)
    edit(p, "crediting_period = 1", "crediting_period = 1\nfuel_switch_on_site = true")
    return p


def acm0002_hydro(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'technology = "wind"', 'technology = "hydro"')
    return p


def acm0002_retrofit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'project_activity = "greenfield"', 'project_activity = "retrofit"')
    return p


def malformed_toml(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'name = "CLI fixture', "name = CLI fixture")
    return p


def bad_time_zone(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'timezone = "UTC+8"\nreporting', 'timezone = "Asia/Atlantis"\nreporting')
    return p


def interval_too_long(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'interval = "1h"', 'interval = "2h"')
    return p


def extra_half_hour_row(root: Path) -> Path:
    p = make_project(root)
    path = root / "monitoring.csv"
    rows = csv_rows(path)
    rows.insert(5, "2024-01-01 04:30,5.0,0.0")  # 03:30-04:30 overlaps 03:00-04:00
    write_rows(path, rows)
    return p


def straddles_period_start(root: Path) -> Path:
    p = make_project(root)
    # Hourly readings at half past, 00:30 on the first day to 00:30 after the last: the
    # first hour, 23:30 to 00:30, straddles the period start (local midnight).
    rows = ["time_end,export,import"] + [
        f"2024-01-{1 + (h + 1) // 24:02d} {(h + 1) % 24:02d}:30,10.0,0.0" for h in range(-1, 72)
    ]
    write_rows(root / "monitoring.csv", rows)
    return p


def data_coarser_than_reporting(root: Path) -> Path:
    p = make_project(root)
    # One 3-day row, reported per day: nothing may be pro-rated, so the run stops before
    # any output is written (regression: it used to fail while writing the report).
    edit(p, 'interval = "1h"', 'interval = "3D"')
    write_rows(root / "monitoring.csv", ["time_end,export,import", "2024-01-04 00:00,720.0,0.0"])
    return p


def unreadable_timestamp(root: Path) -> Path:
    p = make_project(root)
    _set_cell(root, 3, 0, "2024-01-01 4 o'clock")
    return p


def misspelt_key(root: Path) -> Path:
    p = make_project(root)
    # Without a check the period would silently fall back to UTC: 8 hours off.
    edit(p, 'timezone = "UTC+8"\nreporting', 'timzone = "UTC+8"\nreporting')
    return p


def misspelt_variable_key(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "export", unit = "MWh"', 'column = "export", units = "MWh"')
    return p


def interval_without_unit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'interval = "1h"', "interval = 3600")  # pandas would read 3600 ns
    return p


def unparseable_unit(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "export", unit = "MWh"', 'column = "export", unit = "kWh)"')
    return p


def unit_dividing_by_zero(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'column = "export", unit = "MWh"', 'column = "export", unit = "kWh/0"')
    return p


def rollover_modulus_not_a_number(root: Path) -> Path:
    p = make_project(root, kind="register")
    with p.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[monitoring.events]]\nvariable = "EG_export"\nkind = "rollover"\n'
            'time = 2024-01-02T06:00:00\nmodulus = "1e7"\n'
        )
    return p


def rollover_outside_readings(root: Path) -> Path:
    p = make_project(root, kind="register")
    with p.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[monitoring.events]]\nvariable = "EG_export"\nkind = "rollover"\n'
            "time = 2025-06-01T00:00:00\nmodulus = 1e7\n"
        )
    return p


def ccer_uncalibrated_without_mpe(root: Path) -> Path:
    p = make_project(root, methodology="ccer.01-002")
    text = p.read_text(encoding="utf-8").splitlines()
    p.write_text(
        "\n".join(line for line in text if not line.startswith("MPE_export")) + "\n",
        encoding="utf-8",
    )
    return p


def calibration_of_an_unknown_meter(root: Path) -> Path:
    p = make_project(root, methodology="ccer.01-002")
    with p.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[monitoring.calibrations]]\nvariable = "EG_exprt"\ndate = 2023-12-15\n'
            "error = 0.0008\nmpe = 0.002\n"
        )
    return p


def event_on_interval_data(root: Path) -> Path:
    p = make_project(root)
    with p.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[monitoring.events]]\nvariable = "EG_export"\nkind = "rollover"\n'
            "time = 2024-01-02T10:00:00\nmodulus = 1e6\n"
        )
    return p


def override_of_a_passing_finding(root: Path) -> Path:
    p = make_project(root)
    with p.open("a", encoding="utf-8") as fh:
        fh.write('\n[[override]]\nfinding = "cdm.acm0002.applicability.technology"\n')
        fh.write('reason = "not needed"\n')
    return p


def sheet_of_a_csv_file(root: Path) -> Path:
    p = make_project(root)
    edit(p, 'interval = "1h"', 'interval = "1h"\nsheet = "Data"')
    return p


CASES = [
    Case("missing project file", missing_project_file, ("no-such-project.toml", "not found")),
    Case(
        "missing monitoring file",
        missing_monitoring_file,
        ("monitoring.csv", "not found", "relative to the project file"),
    ),
    Case(
        "mapped column missing",
        missing_column,
        ("monitoring.csv", "EG_import", "'import_kWh'", "rule: every mapped column must exist"),
    ),
    Case("no unit", no_unit, ("EG_export", "no unit", "rule:")),
    Case(
        "unknown unit",
        unknown_unit,
        ("project.toml", "EG_export", "'MWhz'", "unknown unit", "rule:"),
    ),
    Case(
        "kW for an energy",
        wrong_dimension_unit,
        ("project.toml", "EG_export", "'kW'", "rule: unit must have the dimension"),
    ),
    Case(
        "non-numeric value",
        non_numeric,
        ("monitoring.csv", "EG_export", "row 11", "'export'", "'12;5'", "rule: "),
    ),
    Case(
        "NaN cell",
        nan_cell,
        ("monitoring.csv", "EG_export", "2024-01-01T09:00:00+08:00", "missing", "rule: "),
    ),
    Case(
        "empty cell",
        empty_cell,
        ("monitoring.csv", "EG_import", "2024-01-02T06:00:00+08:00", "missing", "rule: "),
    ),
    Case(
        "missing row (a gap)",
        missing_row,
        ("monitoring.csv", "EG_export", "2024-01-01T12:00:00+08:00", "missing", "rule: "),
    ),
    Case(
        "duplicate timestamp",
        duplicate_timestamp,
        (
            "monitoring.csv:6",
            "monitoring.csv:7",
            "'time_end'",
            "duplicate timestamp 2024-01-01T05:00:00+08:00",
            "rule: timestamps are unique",
        ),
    ),
    Case(
        "non-monotonic timestamps",
        non_monotonic,
        (
            "monitoring.csv:22",
            "'time_end'",
            "2024-01-01T20:00:00+08:00 comes before the previous row's 2024-01-01T21:00:00+08:00",
            "rule: timestamps increase",
        ),
    ),
    Case(
        "negative interval value",
        negative_interval,
        (
            "monitoring.csv:42",
            "EG_export",
            "2024-01-02T16:00:00+08:00",
            "negative value -3.5 MWh",
            "cannot be negative",
        ),
    ),
    Case(
        "decreasing register without a declared rollover",
        decreasing_register,
        (
            "monitoring.csv:32",
            "EG_export",
            "2024-01-02T06:00:00+08:00",
            "decreases from 1381000.0 to 12.0 kWh",
            "rule: a rollover or meter replacement must be declared in monitoring.events",
        ),
    ),
    Case(
        "period starts before the data",
        period_starts_before_data,
        ("monitoring.csv", "period.start", "2023-12-31", "rule: "),
    ),
    Case(
        "period ends after the data",
        period_ends_after_data,
        ("monitoring.csv", "period.end", "2024-01-05", "rule: "),
    ),
    Case(
        "methodology not installed",
        methodology_not_installed,
        ("project.toml", "project.methodology", "'cdm.acm9999'", "not installed", "rule: "),
    ),
    Case(
        "version not installed",
        version_not_installed,
        ("project.toml", "project.methodology_version", "'19.0'", "not installed", "22.0"),
    ),
    Case(
        "unknown parameter",
        unknown_parameter,
        ("project.toml", "parameters.EF_grid_XY", "unknown parameter", "rule: known parameters"),
    ),
    Case(
        "parameter above its range",
        parameter_above_range,
        ("project.toml", "parameters.EF_grid_OM_y", "2.5", "maximum", "rule: declared range"),
    ),
    Case(
        "parameter below its range",
        parameter_below_range,
        (
            "project.toml",
            "parameters.crediting_period",
            "0 is below the minimum 1",
            "rule: declared range",
        ),
    ),
    Case(
        "required parameter missing",
        parameter_missing,
        ("project.toml", "parameters.EF_grid_BM_y", "required parameter missing", "rule: "),
    ),
    Case(
        "CCER offshore site at 20 km and 20 m",
        ccer_site_too_close,
        (
            "project.toml",
            "ccer.01-002.applicability.site",
            "30 km",
            "rule: CCER-01-002-V01 para. 2",
        ),
    ),
    Case(
        "ACM0002 fuel switch on site",
        acm0002_fuel_switch,
        ("project.toml", "cdm.acm0002.applicability.fuel_switch", "fuel switch", "rule: ACM0002"),
    ),
    Case(
        "ACM0002 hydro: not yet supported",
        acm0002_hydro,
        ("project.toml", "cdm.acm0002.applicability.technology", "hydro", "not yet supported"),
    ),
    Case(
        "ACM0002 retrofit: not yet supported",
        acm0002_retrofit,
        ("project.toml", "applicability.project_activity", "retrofit", "not yet supported"),
    ),
    Case("malformed TOML", malformed_toml, ("project.toml", "not valid TOML", "line 2")),
    Case(
        "bad time zone",
        bad_time_zone,
        ("project.toml", "period.timezone", "'Asia/Atlantis'", "rule: "),
    ),
    Case(
        "interval does not tile the data (2h declared, hourly rows)",
        interval_too_long,
        ("monitoring.csv:3", "overlap", "monitoring.interval"),
    ),
    Case(
        "interval does not tile the data (an extra row)",
        extra_half_hour_row,
        ("monitoring.csv:6", "03:30", "overlap", "monitoring.interval"),
    ),
    Case(
        "interval straddles the period start",
        straddles_period_start,
        ("monitoring.csv:2", "2023-12-31T23:30:00+08:00", "straddles", "rule: "),
    ),
    Case(
        "data coarser than the reporting interval",
        data_coarser_than_reporting,
        (
            "project.toml",
            "period.reporting",
            "2024-01-01T00:00:00+08:00",
            "spans two day",
            "rule: the data's resolution",
        ),
    ),
    Case(
        "unreadable timestamp",
        unreadable_timestamp,
        ("monitoring.csv", "time_end", "row 5", '"2024-01-01 4 o\'clock"', "rule: ISO 8601"),
    ),
]

CASES += [
    Case(
        "misspelt key (period.timzone)",
        misspelt_key,
        ("project.toml", "period.timzone", "unknown key", "rule: [period] has keys"),
    ),
    Case(
        "misspelt key of a variable (units)",
        misspelt_variable_key,
        ("project.toml", "monitoring.variables.EG_export.units", "unknown key", "rule: "),
    ),
    Case(
        "interval without a unit",
        interval_without_unit,
        ("project.toml", "monitoring.interval", "'3600' has no unit", "rule: "),
    ),
    Case(
        "unit the parser chokes on",
        unparseable_unit,
        ("project.toml", "EG_export", "'export'", "unknown unit 'kWh)'", "rule: "),
    ),
    Case(
        "unit dividing by zero",
        unit_dividing_by_zero,
        ("project.toml", "EG_export", "unknown unit 'kWh/0'", "rule: "),
    ),
    Case(
        "rollover modulus not a number",
        rollover_modulus_not_a_number,
        ("project.toml", "monitoring.events.modulus", "'1e7' is not a number"),
    ),
]

CASES += [
    Case(
        "rollover declared outside the readings",
        rollover_outside_readings,
        ("project.toml", "monitoring.events.EG_export", "rollover at 2025-06-01", "outside"),
    ),
    Case(
        "CCER meter without calibration and without its class MPE",
        ccer_uncalibrated_without_mpe,
        (
            "project.toml",
            "parameters.MPE_export",
            "2024-01-01T00:00:00+08:00",
            "rule: CCER-01-002-V01 para. 7.3.4",
        ),
    ),
    Case(
        "calibration of a meter that is not monitored",
        calibration_of_an_unknown_meter,
        ("project.toml", "monitoring.calibrations.variable", "'EG_exprt'", "rule: one of"),
    ),
    Case(
        "register events on interval data",
        event_on_interval_data,
        ("project.toml", "monitoring.events", "interval values", "rule: rollovers"),
    ),
    Case(
        "override of a finding that passed",
        override_of_a_passing_finding,
        ("project.toml", "override", "did not fail (pass)", "rule: an override sets aside"),
    ),
    Case(
        "an Excel sheet named for a CSV file",
        sheet_of_a_csv_file,
        ("project.toml", "monitoring.sheet", "not a .xlsx file", "rule: a setting the file"),
    ),
]

#: Cases also run as a new process.
SUBPROCESS = {
    "missing project file",
    "unknown unit",
    "NaN cell",
    "duplicate timestamp",
    "methodology not installed",
    "CCER offshore site at 20 km and 20 m",
    "malformed TOML",
    "unit the parser chokes on",
}


def _check_message(err: str, case: Case, out: Path) -> None:
    assert "Traceback" not in err, err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, f"stderr is not one line:\n{err}"
    line = lines[0]
    assert line.startswith("reductions run: error: "), line
    assert "np." not in line, f"a numpy repr in the message: {line}"
    missing = [n for n in case.names if n not in line]
    assert not missing, f"message does not name {missing}: {line}"
    assert not (out / "report.json").exists()
    assert not out.exists() or not any(out.iterdir()), f"{out} was written to"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_in_process(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = case.build(tmp_path / "project")
    out = tmp_path / "out"
    code = main(["run", str(project), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2, f"exit {code}; stdout: {captured.out!r}; stderr: {captured.err!r}"
    assert captured.out == ""
    _check_message(captured.err, case, out)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.id in SUBPROCESS],
    ids=[c.id for c in CASES if c.id in SUBPROCESS],
)
def test_bad_input_subprocess(case: Case, tmp_path: Path) -> None:
    project = case.build(tmp_path / "project")
    out = tmp_path / "out"
    proc = subprocess.run(
        cli_command("run", str(project), "-o", str(out)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    _check_message(proc.stderr, case, out)


def test_subprocess_cases_exist() -> None:
    """The subprocess selection names real cases (a typo would silently run nothing)."""
    assert SUBPROCESS <= {c.id for c in CASES}


@pytest.mark.parametrize("kind", ["interval", "register"])
def test_fixture_runs(
    kind: Literal["interval", "register"], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The unbroken fixture runs (exit 0): each failure above comes from what was broken."""
    project = make_project(tmp_path / "project", kind=kind)
    assert main(["run", str(project), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "report.json").is_file()
    capsys.readouterr()


def test_ccer_fixture_runs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = make_project(tmp_path / "project", methodology="ccer.01-002")
    assert main(["run", str(project), "-o", str(tmp_path / "out")]) == 0
    capsys.readouterr()
