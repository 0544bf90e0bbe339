"""The ``reductions`` command: list, describe, run, verify, validate (issue 2).

How issue 2 will be checked, as far as the command line goes: ``verify`` passes on the
report just written and fails (exit 1, naming the file) after one byte of the monitoring
file changes; two runs give the same report apart from its creation time; ``validate``
prints case, expected, computed, relative difference and pass/fail. The project is the
three-day fixture of ``_cli_project.py``.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from reductions import registry
from reductions.cli import main
from tests._cli_project import cli_command, edit, expected_er_acm0002, make_project

REPO = Path(__file__).resolve().parent.parent
#: Relative tolerance on the ER of the fixture: the engine sums 72 hourly values in a
#: different order than ``expected_er_acm0002`` (a few ulp of rounding).
RTOL_SUM = 1e-12


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def report(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    """A report written by ``reductions run`` into ``tmp_path/out``."""
    code, _, err = _run(capsys, "run", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, err
    return tmp_path / "out" / "report.json"


def _flip_byte(path: Path, offset: int, new: bytes) -> None:
    data = bytearray(path.read_bytes())
    assert len(new) == 1 and data[offset : offset + 1] != new
    data[offset : offset + 1] = new
    path.write_bytes(bytes(data))


def _digit_offset(path: Path, line: int) -> int:
    """Offset of the last digit of the export value on ``line`` (1-based) of a CSV file."""
    data = path.read_bytes()
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    first_comma = data.index(b",", start)
    second_comma = data.index(b",", first_comma + 1)
    offset = second_comma - 1
    assert data[offset : offset + 1].isdigit()
    return offset


# --- list and describe --------------------------------------------------------------------


def test_list_shows_both_methodologies_with_versions(capsys: pytest.CaptureFixture) -> None:
    code, out, err = _run(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert any(re.match(r"^cdm\.acm0002\s+v22\.0\s+\S", line) for line in lines), out
    assert any(re.match(r"^ccer\.01-002\s+V01\s+\S", line) for line in lines), out


@pytest.mark.parametrize("mid", ["cdm.acm0002", "ccer.01-002"])
def test_describe_prints_parameters_variables_equations(
    mid: str, capsys: pytest.CaptureFixture
) -> None:
    code, out, err = _run(capsys, "describe", mid)
    assert code == 0 and err == ""
    cls = registry.get(mid)
    assert out.startswith(f"{mid} ")
    i_par, i_var, i_eq = (
        out.index(h) for h in ("Parameters:", "Monitoring variables:", "Equations:")
    )
    assert i_par < i_var < i_eq
    params, variables, equations = out[i_par:i_var], out[i_var:i_eq], out[i_eq:]
    for p in cls.parameters:
        assert f"  {p.symbol}: " in params
        if p.unit:
            assert f"[{p.unit}]" in params
    for v in cls.monitoring:
        assert f"  {v.symbol} [{v.unit}]" in variables
        assert "missing data:" in variables
    listed = cls.equation_list()
    for e in listed:
        assert f"  {e.reference}: {e.text}" in equations
    assert len(listed) >= 4


def test_describe_acm0002_names_the_published_equations(capsys: pytest.CaptureFixture) -> None:
    _, out, _ = _run(capsys, "describe", "cdm.acm0002")
    assert "BE_y = EG_PJ_y * EF_grid_CM_y" in out
    assert "TOOL07 v07.0 Step 6: EF_grid_CM_y = EF_grid_OM_y * w_OM + EF_grid_BM_y * w_BM" in out
    assert "EF_grid_OM_y: " in out and "[t/MWh]" in out


@pytest.mark.parametrize(
    "argv, names",
    [
        (["describe", "cdm.acm9999"], ("'cdm.acm9999'", "not installed")),
        (["describe", "cdm.acm0002", "--version", "19.0"], ("'19.0'", "not installed", "22.0")),
    ],
)
def test_describe_unknown_is_exit_2(
    argv: list[str], names: tuple[str, ...], capsys: pytest.CaptureFixture
) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert all(n in err for n in names), err


# --- run ----------------------------------------------------------------------------------


def test_run_prints_totals_and_writes_three_files(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out_dir = tmp_path / "out"
    code, out, err = _run(capsys, "run", str(project), "-o", str(out_dir))
    assert code == 0, err
    assert err == ""
    printed = dict(re.findall(r"^\s+(BE|PE|LE|ER) = ([-0-9,.]+) t CO2e$", out, re.M))
    assert set(printed) == {"BE", "PE", "LE", "ER"}, out
    assert "cdm.acm0002 v22.0, 2024-01-01 to 2024-01-03" in out
    for key, name in (
        ("report", "report.json"),
        ("results", "results.nc"),
        ("html", "report.html"),
    ):
        assert f"  {key}: {out_dir / name}" in out.splitlines(), out
        assert (out_dir / name).is_file()

    doc = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    totals = doc["totals"]
    for s in ("BE", "PE", "LE", "ER"):
        assert float(printed[s].replace(",", "")) == pytest.approx(totals[s], abs=5e-4)
    # ACM0002 v22.0 eq. (11), greenfield: ER = sum(export - import) x CM (TOOL07 weights
    # 0.75 / 0.25 for wind in the first crediting period), PE = LE = 0.
    assert totals["ER"] == pytest.approx(expected_er_acm0002(), rel=RTOL_SUM)
    assert totals["PE"] == 0.0 and totals["LE"] == 0.0
    assert [i["label"] for i in doc["intervals"]] == ["2024-01-01", "2024-01-02", "2024-01-03"]
    assert math.fsum(i["ER"] for i in doc["intervals"]) == pytest.approx(totals["ER"], rel=1e-12)

    with xr.open_dataset(out_dir / "results.nc", engine="h5netcdf") as ds:
        assert list(ds["interval"].values) == ["2024-01-01", "2024-01-02", "2024-01-03"]
        assert float(np.sum(ds["ER"].values)) == pytest.approx(totals["ER"], rel=1e-12)
    # With --series, every series at its own resolution too (72 hours).
    code, _, err = _run(capsys, "run", str(project), "-o", str(out_dir), "--series")
    assert code == 0, err
    with xr.open_dataset(out_dir / "results.nc", engine="h5netcdf") as ds:
        assert ds.sizes["time"] == 72 and ds.sizes["interval"] == 3
        assert float(np.sum(ds["ER"].values)) == pytest.approx(totals["ER"], rel=1e-12)
    page = (out_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "CLI fixture" in page


def test_run_registers_in_kwh_give_the_same_er(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The same energies as kWh registers (differenced) and as MWh interval values."""
    project = make_project(tmp_path / "reg", kind="register")
    code, _, err = _run(capsys, "run", str(project), "-o", str(tmp_path / "out"))
    assert code == 0, err
    doc = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    # Registers are written to 0.1 kWh from values given to 0.1 Wh: differences are exact
    # to the rounding of the readings (1e-9 relative on ~3000 MWh).
    assert doc["totals"]["ER"] == pytest.approx(expected_er_acm0002(), rel=1e-9)


def test_run_default_output_folder_is_out_beside_the_project(
    project: Path, capsys: pytest.CaptureFixture
) -> None:
    code, out, _ = _run(capsys, "run", str(project))
    assert code == 0
    assert (project.parent / "out" / "report.json").is_file()
    assert f"report: {project.parent / 'out' / 'report.json'}" in out


def test_run_as_a_new_process_then_verify(project: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    run = subprocess.run(
        cli_command("run", str(project), "-o", str(out_dir)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert re.search(r"^\s+ER = [0-9,.]+ t CO2e$", run.stdout, re.M)
    verify = subprocess.run(
        cli_command("verify", str(out_dir / "report.json")),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "verified" in verify.stdout


# --- verify -------------------------------------------------------------------------------


def test_verify_passes_on_the_report_just_written(
    report: Path, capsys: pytest.CaptureFixture
) -> None:
    code, out, err = _run(capsys, "verify", str(report))
    assert code == 0, out + err
    assert f"{report}: verified" in out and "DIFFERS" not in out


def test_verify_fails_when_a_digit_of_the_monitoring_file_changes(
    report: Path, project: Path, capsys: pytest.CaptureFixture
) -> None:
    csv = project.parent / "monitoring.csv"
    offset = _digit_offset(csv, 12)
    old = csv.read_bytes()[offset : offset + 1]
    _flip_byte(csv, offset, b"7" if old != b"7" else b"3")  # still a number, another value
    code, out, err = _run(capsys, "verify", str(report))
    assert code == 1, out + err
    assert "DIFFERS" in out
    assert re.search(r"^  input monitoring\.csv: sha256 [0-9a-f]{64} differs", out, re.M), out
    assert re.search(r"^  totals\.ER: report has ", out, re.M), out  # the number changed too
    assert "project.toml" not in out  # only what changed is named


def test_verify_fails_when_a_byte_breaks_the_monitoring_file(
    report: Path, project: Path, capsys: pytest.CaptureFixture
) -> None:
    csv = project.parent / "monitoring.csv"
    _flip_byte(csv, _digit_offset(csv, 12), b"x")  # "12.5x": not a number any more
    code, out, err = _run(capsys, "verify", str(report))
    assert code == 1, out + err
    assert re.search(r"^  input monitoring\.csv: sha256 [0-9a-f]{64} differs", out, re.M), out
    assert re.search(
        r"^  recomputation failed: monitoring\.csv, variable 'EG_export', "
        r"table 'monitoring', row 12",
        out,
        re.M,
    ), out
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "old, new, number_changes",
    [
        ("value = 0.8922", "value = 0.8923", True),  # a parameter: the result changes
        ("CLI fixture", "CLI fixturE", False),  # the name only: the hash still catches it
    ],
)
def test_verify_reports_a_changed_project_file(
    report: Path,
    project: Path,
    old: str,
    new: str,
    number_changes: bool,
    capsys: pytest.CaptureFixture,
) -> None:
    edit(project, old, new)
    code, out, _ = _run(capsys, "verify", str(report))
    assert code == 1
    assert re.search(r"^  input project\.toml: sha256 [0-9a-f]{64} differs", out, re.M), out
    assert "monitoring.csv" not in out
    assert bool(re.search(r"^  totals\.ER: ", out, re.M)) is number_changes, out


def test_verify_with_project_option_after_the_report_moves(
    report: Path, project: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    moved = tmp_path / "elsewhere" / "deeper" / "report.json"
    moved.parent.mkdir(parents=True)
    moved.write_bytes(report.read_bytes())
    code, out, _ = _run(capsys, "verify", str(moved), "--project", str(project))
    assert code == 0, out


@pytest.mark.parametrize("content", [None, "not json {", '{"schema": "something else"}'])
def test_verify_bad_report_is_exit_2(
    content: str | None, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "verify", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(path) in err


# --- reproducibility ----------------------------------------------------------------------


def _without_created(path: Path) -> list[str]:
    """The report's lines but ``created`` and the ``digest`` that covers it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    dropped = [
        i for i, line in enumerate(lines) if line.startswith(('  "created": ', '  "digest": '))
    ]
    assert len(dropped) == 2
    return [line for i, line in enumerate(lines) if i not in dropped]


def test_two_runs_give_the_same_report_apart_from_created(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for name in ("a", "b"):
        assert _run(capsys, "run", str(project), "-o", str(tmp_path / name))[0] == 0
    first, second = tmp_path / "a" / "report.json", tmp_path / "b" / "report.json"
    assert _without_created(first) == _without_created(second)
    # The report names no absolute path, host or user: it can be checked elsewhere.
    text = first.read_text(encoding="utf-8")
    assert str(tmp_path) not in text and str(Path.home()) not in text
    doc = json.loads(text)
    assert [i["path"] for i in doc["inputs"]] == ["project.toml", "monitoring.csv"]


def test_the_same_project_run_from_another_copy_gives_the_same_report(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """An auditor's copy in another folder reproduces the report byte for byte."""
    copy = make_project(tmp_path / "auditor" / "copy")
    assert copy.read_bytes() == project.read_bytes()
    assert _run(capsys, "run", str(project), "-o", str(project.parent / "out"))[0] == 0
    assert _run(capsys, "run", str(copy), "-o", str(copy.parent / "out"))[0] == 0
    assert _without_created(project.parent / "out" / "report.json") == _without_created(
        copy.parent / "out" / "report.json"
    )


# --- validate -----------------------------------------------------------------------------

EXPECTED_TOML = """\
[source]
document = "reductions test fixture: ER computed by hand in tests/_cli_project.py"
where = "expected_er_acm0002()"

[[expect]]
quantity = "ER"
value = {value!r}
unit = "t"
rtol = {rtol!r}
why = "{why}"

[[expect]]
quantity = "EF_grid_CM_y"
value = 0.779325
unit = "t/MWh"
atol = 5e-13
why = "TOOL07 v07.0 Step 6: 0.75 x 0.8922 + 0.25 x 0.4407, exact to rounding"
"""


def _case(cases: Path, name: str, er: float, rtol: float, why: str) -> Path:
    folder = cases / name
    make_project(folder)
    (folder / "expected.toml").write_text(
        EXPECTED_TOML.format(value=er, rtol=rtol, why=why), encoding="utf-8"
    )
    return folder


def _table_rows(out: str) -> dict[tuple[str, str], list[str]]:
    """The validate table as {(case, quantity): cells}, cut at the ruler's columns."""
    lines = out.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    spans[-1] = (spans[-1][0], None)  # type: ignore[assignment]  # the result runs on

    def cells(line: str) -> list[str]:
        return [line[a:b].strip() for a, b in spans]

    assert cells(lines[0]) == [
        "case",
        "quantity",
        "expected",
        "computed",
        "unit",
        "rel. diff",
        "result",
    ]
    assert re.fullmatch(r"\d+ passed, \d+ failed", lines[-1])
    return {(c[0], c[1]): c for c in map(cells, lines[2:-1])}


def test_validate_table_and_exit_1_when_a_case_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    cases = tmp_path / "cases"
    er = expected_er_acm0002()
    _case(cases, "good", er, 1e-9, "sum of 72 hourly values: rounding only")
    _case(cases, "bad", er * 1.01, 1e-6, "deliberately 1 % off")
    code, out, err = _run(capsys, "validate", "--cases-dir", str(cases))
    assert code == 1, out + err
    rows = _table_rows(out)
    assert set(rows) == {
        ("good", "ER"),
        ("good", "EF_grid_CM_y"),
        ("bad", "ER"),
        ("bad", "EF_grid_CM_y"),
    }
    good, bad = rows[("good", "ER")], rows[("bad", "ER")]
    assert good[-1] == "pass" and bad[-1] == "FAIL (deliberately 1 % off)"
    assert float(good[2]) == pytest.approx(er, rel=1e-5) and float(good[3]) == pytest.approx(
        er, rel=1e-5
    )
    # |computed - expected| / expected = 0.01 / 1.01 for the 1 % case.
    assert float(bad[5]) == pytest.approx(0.01 / 1.01, rel=1e-2)
    assert float(good[5]) < 1e-9
    assert rows[("bad", "EF_grid_CM_y")][-1] == "pass"
    assert out.splitlines()[-1] == "3 passed, 1 failed"


def test_validate_named_case_passes(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    cases = tmp_path / "cases"
    er = expected_er_acm0002()
    _case(cases, "good", er, 1e-9, "rounding only")
    _case(cases, "bad", er * 1.01, 1e-6, "deliberately 1 % off")
    code, out, _ = _run(capsys, "validate", "good", "--cases-dir", str(cases))
    assert code == 0, out
    assert {case for case, _ in _table_rows(out)} == {"good"}
    assert out.splitlines()[-1] == "2 passed, 0 failed"


def test_validate_unknown_case_or_folder_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    cases = tmp_path / "cases"
    _case(cases, "good", expected_er_acm0002(), 1e-9, "rounding only")
    code, out, err = _run(capsys, "validate", "nope", "--cases-dir", str(cases))
    assert code == 2 and "'nope'" in err and len(err.strip().splitlines()) == 1
    code, out, err = _run(capsys, "validate", "--cases-dir", str(tmp_path / "missing"))
    assert code == 2 and "missing" in err and "Traceback" not in err


def test_validate_a_case_whose_run_fails_is_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    cases = tmp_path / "cases"
    folder = _case(cases, "broken", expected_er_acm0002(), 1e-9, "rounding only")
    edit(folder / "project.toml", 'technology = "wind"', 'technology = "hydro"')
    code, out, _ = _run(capsys, "validate", "--cases-dir", str(cases))
    assert code == 1
    assert "run failed" in out and "not yet supported" in out


def test_validate_the_repository_cases(capsys: pytest.CaptureFixture) -> None:
    """The published cases in validation/cases all pass (see each expected.toml's source)."""
    cases = REPO / "validation" / "cases"
    found = sorted(p.parent.name for p in cases.glob("*/expected.toml")) if cases.is_dir() else []
    if not found:
        pytest.skip(f"no validation cases in {cases} yet (folders with an expected.toml)")
    code, out, err = _run(capsys, "validate", "--cases-dir", str(cases))
    assert code == 0, out + err
    rows = _table_rows(out)
    assert {case for case, _ in rows} == set(found)
    assert all(cells[-1] == "pass" for cells in rows.values())


def test_report_html_shows_what_an_auditor_checks(report: Path) -> None:
    """The page holds the data quality, parameters, GWPs, inputs with their sha256 and the
    software, not only the totals (issue 6, item 8; the README's "a readable page")."""
    doc = json.loads(report.read_text(encoding="utf-8"))
    page = (report.parent / "report.html").read_text(encoding="utf-8")
    for heading in ("Data quality", "Parameters", "GWPs", "Sources", "Inputs", "Findings"):
        assert f"<h2>{heading}</h2>" in page, heading
    for entry in doc["inputs"]:
        assert entry["sha256"] in page
    assert doc["digest"] in page and "rows outside the period: 0 before, 0 after" in page


def test_verify_of_a_report_computed_in_python_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A quantify() result has no project file to rerun: verify says to write one."""
    import datetime as dt

    import pandas as pd

    from reductions import quantify

    time = pd.date_range("2024-03-01", periods=24, freq="h")
    ds = xr.Dataset(
        {"EG_export": ("time", np.full(24, 3.0), {"units": "MWh"})}, coords={"time": time}
    )
    params = {
        "project_activity": "greenfield",
        "technology": "wind",
        "crediting_period": 1,
        "EF_grid_OM_y": 0.4620,
        "EF_grid_BM_y": 0.3456,
    }
    day = dt.date(2024, 3, 1)
    result = quantify("cdm.acm0002", parameters=params, monitoring=ds, period=(day, day))
    result.write(tmp_path / "q")
    code, out, err = _run(capsys, "verify", str(tmp_path / "q" / "report.json"))
    assert code == 2 and out == "" and "Result.to_project" in err
