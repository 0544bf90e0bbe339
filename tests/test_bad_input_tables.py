"""Bad input in projects with several monitoring tables ends in exit code 2 and one line.

The cases of issue 6 ("several monitoring tables, extra dimensions, resolutions") on the
test plugins of ``tests/plugins`` (written against ``reductions.plugin`` alone). As in
``test_bad_input.py``, each case runs ``reductions run PROJECT -o OUT`` in-process and
must return 2, write nothing to stdout and one line to stderr without a traceback, name
the fragments listed (the table, the file, the variable or column, the rule), and write
no report. The command line finds the test plugins because the table of installed
methodologies is extended with them for the test (``registry.installed``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reductions import registry
from reductions.cli import main
from tests.plugins import PLUGINS, projects
from tests.plugins.projects import Project


@pytest.fixture(autouse=True)
def plugins_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line sees the test plugins as if they were installed."""
    installed = {**registry.installed(), **PLUGINS}
    monkeypatch.setattr(registry, "installed", lambda: installed)


@dataclass(frozen=True)
class Case:
    """A broken project: how to break a good one, and what the message must name."""

    id: str
    build: Callable[[], Project]
    names: tuple[str, ...]
    xfail: str | None = None


# --- how each case is built (each from a project that runs) ---------------------------------


def no_time_column() -> Project:
    """temperature.csv has its time in a column 'minute'; the table says time = 'time'."""
    p = projects.flare()
    p.frames["temperature.csv"] = p.frames["temperature.csv"].rename(columns={"time": "minute"})
    return p


def variable_in_two_tables() -> Project:
    """A second table 'flow_check' maps V_gas again, from the same file."""
    p = projects.flare()
    p.doc["monitoring"]["flow_check"] = dict(p.table("flow"))
    return p


def label_in_one_file_only() -> Project:
    """A long table split over two files; meter C is in meters-1.csv, not in meters-2.csv."""
    p = projects.meters("split")
    second = p.frames["meters-2.csv"]
    p.frames["meters-2.csv"] = second[second["meter_id"] != "C"]
    return p


def excel_without_the_sheet() -> Project:
    """The long meter table as meters.xlsx with one sheet 'readings'; the table asks for
    sheet 'data'."""
    p = projects.meters("long")
    frame = p.frames.pop("meters.csv")
    frame.attrs["sheet"] = "readings"
    p.frames["meters.xlsx"] = frame
    p.table("meters").update(file="meters.xlsx", sheet="data")
    return p


def actual_volume_for_normal_volume() -> Project:
    """The flow in m3 (actual volume, no reference conditions); the methodology needs Nm3."""
    p = projects.flare()
    p.table("flow")["variables"]["V_gas"]["unit"] = "m3"
    return p


def volume_for_mass() -> Project:
    """CO2 injected given in m3; the methodology needs a mass (t)."""
    p = projects.meters("long")
    p.table("meters")["variables"]["M_inj"]["unit"] = "m3"
    return p


def baseline_overlaps() -> Project:
    """The baseline period runs to 2024-01-03, into the reporting period."""
    p = projects.baseline()
    p.doc["period"]["baseline"]["end"] = dt.date(2024, 1, 3)
    return p


def semicolon_csv_read_with_comma() -> Project:
    """weather.csv is written with ';' and the table declares delimiter = ','."""
    p = projects.baseline()
    p.table("weather")["delimiter"] = ","
    p.frames["weather.csv"].attrs["sep"] = ";"
    return p


def baseline_table_without_baseline_period() -> Project:
    """A baseline table, and no [period.baseline]."""
    p = projects.baseline()
    del p.doc["period"]["baseline"]
    return p


def variable_in_table_of_wrong_period() -> Project:
    """The baseline table forgets period = 'baseline': E_base lands in a reporting table."""
    p = projects.baseline()
    del p.table("baseline")["period"]
    return p


def dimension_not_declared() -> Project:
    """V_gas mapped over meters; the methodology declares no dimension for it."""
    p = projects.flare()
    p.table("flow")["variables"]["V_gas"]["meter"] = "meter_id"
    return p


def dimension_not_mapped() -> Project:
    """M_inj mapped without its dimension 'meter' (as if the table had one meter)."""
    p = projects.meters("long")
    del p.table("meters")["variables"]["M_inj"]["meter"]
    return p


def amount_coarser_than_resolution() -> Project:
    """Gas flow every 2 hours; the methodology needs hourly amounts (never split)."""
    p = projects.flare()
    flow = p.frames["flow.csv"]
    p.frames["flow.csv"] = flow.iloc[1::2].assign(flow=2000.0).reset_index(drop=True)
    p.table("flow")["interval"] = "2h"
    return p


def meter_balance_does_not_close() -> Project:
    """Meter B receives 20.5 t in the hour ending 2024-05-01 05:00 but injects 20.0 and
    vents 0: 1.2 % off, beyond the 0.5 % the methodology allows."""
    p = projects.meters("long")
    frame = p.frames["meters.csv"]
    row = (frame["meter_id"] == "B") & (frame["time"] == "2024-05-01T05:00:00")
    assert row.sum() == 1
    frame.loc[row, "recv"] = 20.5
    return p


def key_column_missing() -> Project:
    """The long table's key column is called 'meter' in the file; the project says
    meter = 'meter_id'."""
    p = projects.meters("long")
    p.frames["meters.csv"] = p.frames["meters.csv"].rename(columns={"meter_id": "meter"})
    return p


def meter_missing_an_hour() -> Project:
    """Meter C has no row for the hour ending 10:00 on 1 May (the others have)."""
    p = projects.meters("long")
    f = p.frames["meters.csv"]
    p.frames["meters.csv"] = f[~((f["meter_id"] == "C") & (f["time"] == "2024-05-01T10:00:00"))]
    return p


def wide_column_missing() -> Project:
    """The wide table lacks the column inj_C that M_inj maps meter C to."""
    p = projects.meters("wide")
    p.frames["meters-wide.csv"] = p.frames["meters-wide.csv"].drop(columns=["inj_C"])
    return p


def baseline_not_covered() -> Project:
    """baseline.csv starts on 2023-12-10; the baseline period on 2023-12-04."""
    p = projects.baseline()
    f = p.frames["baseline.csv"]
    p.frames["baseline.csv"] = f[f["date"] >= "2023-12-10"]
    return p


def history_ends_before_the_period() -> Project:
    """The weather (history) table ends on 2024-01-10, four days before the period; the
    plugin itself finds the days without degree days."""
    p = projects.baseline()
    f = p.frames["weather.csv"]
    p.frames["weather.csv"] = f[f["date"] <= "2024-01-10"]
    return p


CASES = [
    Case(
        "table without a time column",
        no_time_column,
        (
            "temperature.csv",
            "table 'temperature'",
            "'time'",
            "time column not found",
            "rule: a table without a time column cannot be read",
        ),
    ),
    Case(
        "two tables give the same variable",
        variable_in_two_tables,
        (
            "project.toml",
            "V_gas",
            "'flow'",
            "'flow_check'",
            "rule: each variable comes from one table",
        ),
    ),
    Case(
        "dimension label in one file and not the other",
        label_in_one_file_only,
        (
            "meters-1.csv",
            "meters-2.csv",
            "table 'meters'",
            "'meter_id'",
            "label 'C'",
            "rule: every file of a table has the same dimension labels",
        ),
    ),
    Case(
        "Excel file without the named sheet",
        excel_without_the_sheet,
        (
            "meters.xlsx",
            "table 'meters'",
            "sheet 'data' not found",
            "'readings'",
            "rule: the declared sheet exists",
        ),
    ),
    Case(
        "m3 without reference conditions where Nm3 is needed",
        actual_volume_for_normal_volume,
        (
            "project.toml",
            "V_gas",
            "table 'flow'",
            "column 'flow'",
            "'m3' has no reference conditions",
            "rule: unit must have the dimension of the quantity",
        ),
    ),
    Case(
        "m3 where a mass (t) is needed",
        volume_for_mass,
        (
            "project.toml",
            "M_inj",
            "table 'meters'",
            "column 'inj'",
            "'m3'",
            "rule: unit must have the dimension of the quantity",
        ),
    ),
    Case(
        "baseline period overlaps the reporting period",
        baseline_overlaps,
        (
            "project.toml",
            "period.baseline",
            "2023-12-04 to 2024-01-03",
            "overlaps the reporting period 2024-01-01 to 2024-01-14",
            "rule: test.baseline-toy v2.0: the baseline period precedes the reporting period",
        ),
    ),
    Case(
        "semicolon CSV read with delimiter ','",
        semicolon_csv_read_with_comma,
        (
            "weather.csv",
            "table 'weather'",
            "delimiter ','",
            'set delimiter = ";"',
            "rule: the delimiter separates",
        ),
    ),
    Case(
        "baseline table without [period.baseline]",
        baseline_table_without_baseline_period,
        (
            "project.toml",
            "period.baseline",
            "table 'baseline'",
            "[period.baseline] is not given",
            "rule: a baseline table needs the baseline period",
        ),
    ),
    Case(
        "variable mapped in a table of the wrong period",
        variable_in_table_of_wrong_period,
        (
            "project.toml",
            "monitoring.baseline.period",
            "E_base belongs to the baseline period",
            "table 'baseline' is for the reporting period",
            "rule: test.baseline-toy v2.0 declares the period of each variable",
        ),
    ),
    Case(
        "dimension not declared by the methodology",
        dimension_not_declared,
        (
            "project.toml",
            "monitoring.flow.variables.V_gas",
            "['meter']",
            "rule: test.flare-toy v1.0 declares the dimensions of each variable",
        ),
    ),
    Case(
        "declared dimension not mapped",
        dimension_not_mapped,
        (
            "project.toml",
            "monitoring.meters.variables.M_inj",
            "['meter']",
            "rule: test.meters-toy v1 declares the dimensions of each variable",
        ),
    ),
    Case(
        "amount coarser than the resolution the methodology needs",
        amount_coarser_than_resolution,
        (
            "flow.csv",
            "table 'flow'",
            "V_gas",
            "2023-02-01T00:00:00+08:00",
            "coarser than the resolution",
            "rule: amounts are given at the resolution the methodology's rules need or finer",
        ),
    ),
    Case(
        "key column of a long table missing",
        key_column_missing,
        (
            "meters.csv",
            "table 'meters'",
            "'meter_id'",
            "key column not found",
            "rule: every mapped column must exist",
        ),
    ),
    Case(
        "a meter without a row in one hour",
        meter_missing_an_hour,
        (
            "meters.csv",
            "M_recv[C]",
            "column 'recv'",
            "2024-05-01T09:00:00+08:00",
            "rule: no missing-data rule",
        ),
    ),
    Case(
        "wide table without the column of one meter",
        wide_column_missing,
        (
            "meters-wide.csv",
            "M_inj",
            "table 'meters'",
            "column 'inj_C'",
            "rule: every mapped column must exist",
        ),
    ),
    Case(
        "baseline table does not cover the baseline period",
        baseline_not_covered,
        (
            "baseline.csv",
            "period.baseline.start",
            "the baseline period 2023-12-04 to 2023-12-31 is not covered",
            "rule: the monitoring data cover the whole period",
        ),
    ),
    Case(
        "history table ends before the reporting period does",
        history_ends_before_the_period,
        (
            "project.toml",
            "HDD",
            "4 day(s) of the reporting period, first 2024-01-11T00:00:00+01:00",
            "rule: TOY-BASELINE para. 4",
        ),
    ),
    Case(
        "meter balance does not close (measured data)",
        meter_balance_does_not_close,
        (
            "project.toml",
            "test.meters-toy.balance.meter_node",
            "meter B",
            "2024-05-01T04:00:00+08:00",
            "rule: TOY-STORAGE para. 5",
        ),
    ),
]


def _check_message(err: str, case: Case, out: Path) -> None:
    assert "Traceback" not in err, err
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, f"stderr is not one line:\n{err}"
    line = lines[0]
    assert line.startswith("reductions run: error: "), line
    missing = [n for n in case.names if n not in line]
    assert not missing, f"message does not name {missing}: {line}"
    assert not (out / "report.json").exists()
    assert not out.exists() or not any(out.iterdir()), f"{out} was written to"


def _params() -> list:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=f"engine: {c.xfail}")] if c.xfail else [],
        )
        for c in CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_bad_input(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    project = case.build().write(tmp_path / "project")
    out = tmp_path / "out"
    code = main(["run", str(project), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2, f"exit {code}; stdout: {captured.out!r}; stderr: {captured.err!r}"
    assert captured.out == ""
    _check_message(captured.err, case, out)


@pytest.mark.parametrize(
    "build", [projects.flare, projects.baseline, lambda: projects.meters("split")]
)
def test_unbroken_projects_run(
    build: Callable[[], Project], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Every case above starts from a project that runs (exit 0): each failure comes from
    what the case broke."""
    project = build().write(tmp_path / "project")
    assert main(["run", str(project), "-o", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "report.json").is_file()
    capsys.readouterr()
