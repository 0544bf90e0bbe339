"""Declared adjustments: ``[[adjustment]]`` in the project file (issue 9, item 2).

Parsing and its errors (each naming ``adjustment[i].<key>``, counted from 0), the
methodology's declaration of the kinds it accepts (a project with adjustments for one
that accepts none is refused, naming it), the frozen ``inputs.adjustments`` in the
methodology's unit, what an adjustment does to ER under ``ipmvp.option-c`` (exactly
value x EF x (1 + TDL)), invariance to splitting one adjustment in two, and the report
(report.json ``project.adjustments``, the "Adjustments" table of report.html, verify).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from methodologies.efficiency.ipmvp_option_c import IPMVPOptionC
from reductions import registry
from reductions.errors import ProjectFileError
from reductions.inputs import Adjustment
from reductions.project import load_project
from reductions.report import digest
from reductions.run import Result, run_project
from reductions.verify import verify
from tests._cli_project import edit, make_project
from tests.test_ipmvp import AVAILABLE, EXAMPLE, frames, run

#: The example's declaration, as the tests below vary it.
BLOCK = """\
[[adjustment]]
name = "new server room"
value = 27600
unit = "kWh"
start = 2023-07-01
end = 2023-12-31
kind = "non-routine"
reason = "new server room, a load the baseline did not have (static factor change)"
source = "engineering estimate: 150 kWh/d sub-metered over a test week x 184 days (synthetic)"
"""

#: One adjustment inside the reporting period of tests/test_ipmvp.py (2023).
SERVER_ROOM: dict[str, Any] = {
    "name": "new server room",
    "value": 18000.0,
    "unit": "kWh",
    "start": dt.date(2023, 6, 1),
    "end": dt.date(2023, 12, 31),
    "kind": "non-routine",
    "reason": "a server room added in June, not in the baseline",
    "source": "sub-metered test week, engineering calculation EC-17",
}


def _example_with(tmp_path: Path, block: str) -> Path:
    """A copy of the example project whose [[adjustment]] block is ``block``."""
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("out", "__pycache__"))
    path = folder / "project.toml"
    text = path.read_text(encoding="utf-8")
    assert BLOCK in text  # the example declares exactly this
    path.write_text(text.replace(BLOCK, block), encoding="utf-8")
    return path


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin as if pyproject.toml registered it (verify reruns through the registry)."""
    table = {**registry.installed(), **AVAILABLE}
    monkeypatch.setattr(registry, "installed", lambda: table)


# --- parsing --------------------------------------------------------------------------------


def test_example_block_is_read(tmp_path: Path) -> None:
    (a,) = load_project(_example_with(tmp_path, BLOCK)).adjustments
    assert (a.name, a.value, a.unit, a.kind) == ("new server room", 27600.0, "kWh", "non-routine")
    assert (a.start, a.end, a.days) == (dt.date(2023, 7, 1), dt.date(2023, 12, 31), 184)
    assert a.reason.startswith("new server room") and a.source.startswith("engineering")
    assert a.where == "adjustment[0]"


def test_kind_defaults_to_non_routine(tmp_path: Path) -> None:
    block = BLOCK.replace('kind = "non-routine"\n', "")
    (a,) = load_project(_example_with(tmp_path, block)).adjustments
    assert a.kind == "non-routine"


SECOND = BLOCK.replace("new server room", "chiller replaced").replace("27600", "-5000")


@pytest.mark.parametrize(
    ("change", "variable", "message"),
    [
        (lambda b: re.sub(r"reason = .*\n", "", b), "adjustment[1].reason", "missing key"),
        (lambda b: re.sub(r"source = .*\n", "", b), "adjustment[1].source", "missing key"),
        (
            lambda b: re.sub(r"source = .*\n", 'source = "  "\n', b),
            "adjustment[1].source",
            "non-empty string",
        ),
        (lambda b: re.sub(r"name = .*\n", "", b), "adjustment[1].name", "missing key"),
        (lambda b: re.sub(r"value = .*\n", "", b), "adjustment[1].value", "missing key"),
        (
            lambda b: b.replace("value = -5000", 'value = "5000"'),
            "adjustment[1].value",
            "not a number",
        ),
        (lambda b: re.sub(r"unit = .*\n", "", b), "adjustment[1].unit", "missing key"),
        (
            lambda b: b.replace('unit = "kWh"', 'unit = "kwh"'),
            "adjustment[1].unit",
            "unknown unit 'kwh' (did you mean 'kWh'?)",
        ),
        (
            lambda b: b.replace('unit = "kWh"', 'unit = "furlongs of joy"'),
            "adjustment[1].unit",
            "unknown unit",
        ),
        (
            lambda b: b.replace("end = 2023-12-31", "end = 2023-06-30"),
            "adjustment[1].end",
            "ends (2023-06-30) before it starts (2023-07-01)",
        ),
        (
            lambda b: b.replace("start = 2023-07-01", "start = 2023-07-01T00:00:00"),
            "adjustment[1].start",
            "TOML date",
        ),
        (
            lambda b: b.replace("start = 2023-07-01", "start = 2024-02-01").replace(
                "end = 2023-12-31", "end = 2024-03-31"
            ),
            "adjustment[1].start",
            "outside the reporting period (2023-01-01 to 2023-12-31)",
        ),
        (
            lambda b: b.replace("start = 2023-07-01", "start = 2022-02-01").replace(
                "end = 2023-12-31", "end = 2022-03-31"
            ),
            "adjustment[1].end",
            "outside the reporting period",
        ),
        (
            lambda b: b.replace('kind = "non-routine"', 'kind = "routine"'),
            "adjustment[1].kind",
            "unknown kind 'routine'",
        ),
        (
            lambda b: b.replace('kind = "non-routine"', 'kind = "non-routine"\nreasn = "x"'),
            "adjustment[1].reasn",
            "unknown key 'reasn' (did you mean 'reason'?)",
        ),
        (
            lambda b: b.replace("chiller replaced", "new server room"),
            "adjustment[1].name",
            "adjustment name 'new server room' is also the name of adjustment[0]",
        ),
    ],
)
def test_errors_name_the_adjustment_and_key(
    tmp_path: Path, change: Any, variable: str, message: str
) -> None:
    """The second of two adjustments broken one way at a time: a ProjectFileError naming
    ``adjustment[1].<key>`` and the rule, when the file is read (before any data)."""
    path = _example_with(tmp_path, BLOCK + "\n" + change(SECOND))
    with pytest.raises(ProjectFileError) as exc:
        load_project(path)
    assert exc.value.variable == variable
    assert message in exc.value.message
    assert exc.value.file == str(path)


def test_a_single_table_is_not_an_array(tmp_path: Path) -> None:
    path = _example_with(tmp_path, BLOCK.replace("[[adjustment]]", "[adjustment]"))
    with pytest.raises(ProjectFileError, match=r"double brackets") as exc:
        load_project(path)
    assert exc.value.variable == "adjustment"


def test_partly_outside_the_period_is_accepted(tmp_path: Path) -> None:
    """An adjustment that runs past the period is read (its days inside count; see
    test_ipmvp.test_savings_identity_for_every_input for the share)."""
    block = BLOCK.replace("end = 2023-12-31", "end = 2024-06-30")
    (a,) = load_project(_example_with(tmp_path, block)).adjustments
    assert a.end == dt.date(2024, 6, 30)


# --- the methodology's declaration and the inputs ---------------------------------------------


def test_a_methodology_without_adjustments_refuses_them(tmp_path: Path) -> None:
    """cdm.acm0002 declares no adjustments: [[adjustment]] is an error naming it, never
    ignored."""
    p = make_project(tmp_path)
    p.write_text(
        p.read_text(encoding="utf-8")
        + "\n"
        + BLOCK.replace("2023-07-01", "2024-01-01").replace("2023-12-31", "2024-01-02"),
        encoding="utf-8",
    )
    assert len(load_project(p).adjustments) == 1  # the file itself is well formed
    with pytest.raises(ProjectFileError, match=r"cdm\.acm0002 v22\.0 accepts no adjustments"):
        run_project(p)


def test_a_unit_of_another_dimension_is_refused_by_the_methodology() -> None:
    """ipmvp.option-c reads adjustments in MWh: a mass is refused, naming the key."""
    with pytest.raises(ProjectFileError, match=r"reads adjustments in MWh") as exc:
        run(adjustments=[{**SERVER_ROOM, "unit": "t"}])
    assert exc.value.variable == "adjustment[0].unit"
    assert "dimension" in exc.value.message


def test_inputs_carry_frozen_adjustments_in_the_methodology_unit() -> None:
    r = run(adjustments=[SERVER_ROOM, {**SERVER_ROOM, "name": "b", "value": 3.6, "unit": "GJ"}])
    a, b = r.inputs.adjustments
    assert isinstance(a, Adjustment) and IPMVPOptionC.adjustment_unit == "MWh"
    assert (a.value, a.unit, a.given_value, a.given_unit) == (18.0, "MWh", 18000.0, "kWh")
    assert b.value == pytest.approx(1.0, rel=1e-15)  # 3.6 GJ = 1 MWh
    assert a.value_in("GJ") == pytest.approx(64.8, rel=1e-15)
    assert a.days == 214
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = 0.0  # type: ignore[misc]


# --- what an adjustment does to ER ------------------------------------------------------------


@pytest.fixture(scope="module")
def unadjusted() -> Result:
    return run()


@pytest.mark.parametrize(
    ("value", "unit", "mwh"),
    [(18000.0, "kWh", 18.0), (-7.5, "MWh", -7.5), (64.8, "GJ", 18.0)],
)
def test_er_changes_by_value_times_ef_times_one_plus_tdl(
    unadjusted: Result, value: float, unit: str, mwh: float
) -> None:
    """ELEC in test_ipmvp: EF option A1 with EF_grid_CM_y = 0.5 t/MWh, TDL option 3.

    BE = E_adj x EF_BL x (1 + TDL_BL) (TOOL05 eq. (2)), PE = E_rep x EF_PJ x (1 + TDL_PJ)
    (eq. (1)), E_adj = E_adj_routine + NRA. An adjustment wholly inside the period adds its
    value V (in MWh) to NRA and so to E_adj; the model, E_adj_routine and E_rep do not
    change, nor do EF (A1: the combined margin, a parameter) or TDL (option 3: the fixed
    3 % of table 3, both sides). So dBE = V x EF x (1 + TDL), dPE = 0, and
    dER = dBE = V x 0.5 x 1.03, whatever unit V is written in."""
    r = run(adjustments=[{**SERVER_ROOM, "value": value, "unit": unit}])
    assert r.ledger["NRA"].total() == pytest.approx(mwh, rel=1e-12)
    assert r.ledger["TDL_BL"].value == r.ledger["TDL_PJ"].value == 0.03
    d_er = r.totals["ER"] - unadjusted.totals["ER"]
    assert d_er == pytest.approx(mwh * 0.5 * 1.03, rel=1e-10)
    assert r.totals["PE"] == unadjusted.totals["PE"]
    # every interval: E_adj moved by exactly the adjustment's share of that interval
    np.testing.assert_allclose(
        (r.ledger["E_adj"].value - unadjusted.ledger["E_adj"].value).values,
        r.ledger["NRA"].value.values,
        rtol=1e-9,
        atol=1e-12,
    )


def test_spread_evenly_over_its_days(unadjusted: Result) -> None:
    """18 MWh over 214 days (1 June to 31 December): June gets 30/214 of it, July 31/214;
    nothing before June. Monthly reporting intervals of daily data."""
    r = run(adjustments=[SERVER_ROOM])
    per_month = r.ledger["NRA"].value.groupby("time.month").sum().values
    expected = np.zeros(12)
    for m, days in zip(range(6, 13), (30, 31, 31, 30, 31, 30, 31), strict=True):
        expected[m - 1] = 18.0 * days / 214
    np.testing.assert_allclose(per_month, expected, rtol=1e-12, atol=1e-15)
    parts = r.ledger["NRA_k"]
    assert parts.dims == ("time", "adjustment")
    assert list(parts.value["adjustment"].values) == ["new server room"]


@pytest.mark.parametrize("split", [dt.date(2023, 6, 2), dt.date(2023, 9, 1), dt.date(2023, 12, 31)])
def test_invariant_to_splitting_an_adjustment(unadjusted: Result, split: dt.date) -> None:
    """One adjustment over 214 days, or two covering the same days with the value shared
    in proportion to their days (so the same energy per day): the same NRA in every
    interval, the same E_adj, BE, PE and ER."""
    whole = run(adjustments=[SERVER_ROOM])
    first_days = (split - SERVER_ROOM["start"]).days
    v = SERVER_ROOM["value"]
    two = [
        {
            **SERVER_ROOM,
            "name": "part 1",
            "end": split - dt.timedelta(days=1),
            "value": v * first_days / 214,
        },
        {**SERVER_ROOM, "name": "part 2", "start": split, "value": v * (214 - first_days) / 214},
    ]
    halves = run(adjustments=two)
    np.testing.assert_allclose(
        halves.ledger["NRA"].value.values, whole.ledger["NRA"].value.values, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(
        halves.ledger["E_adj"].value.values, whole.ledger["E_adj"].value.values, rtol=1e-12
    )
    for s in ("BE", "PE", "ER"):
        assert halves.totals[s] == pytest.approx(whole.totals[s], rel=1e-12)
    assert list(halves.ledger["NRA_k"].value["adjustment"].values) == ["part 1", "part 2"]


def test_no_adjustment_is_a_recorded_zero(unadjusted: Result) -> None:
    nra = unadjusted.ledger["NRA"]
    assert nra.total() == 0.0 and "NRA_k" not in unadjusted.ledger
    assert nra.notes == ("no non-routine adjustment declared",)
    assert unadjusted.inputs.adjustments == ()


def test_python_api_and_project_file_agree(registered: None, tmp_path: Path) -> None:
    """The example's adjustment given through quantify(adjustments=...) on the same data
    gives the same ledger NRA as the project file (the same parser behind both)."""
    from_file = run_project(EXAMPLE / "project.toml")
    (a,) = from_file.project.adjustments
    assert from_file.ledger["NRA"].total() == pytest.approx(27.6, rel=1e-12)
    again = run(
        frames(),
        adjustments=[
            {
                "name": a.name,
                "value": a.value,
                "unit": a.unit,
                "start": a.start,
                "end": a.end,
                "reason": a.reason,
                "source": a.source,
            }
        ],
    )
    assert again.project.adjustments == (a,)
    assert again.ledger["NRA"].total() == from_file.ledger["NRA"].total()


# --- the report ------------------------------------------------------------------------------


def test_report_json_and_html_show_adjustments_and_verify(registered: None, tmp_path: Path) -> None:
    result = run_project(EXAMPLE / "project.toml")
    paths = result.write(tmp_path / "out")
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    (entry,) = report["project"]["adjustments"]
    assert entry == {
        "name": "new server room",
        "kind": "non-routine",
        "value": 27600.0,
        "unit": "kWh",
        "start": "2023-07-01",
        "end": "2023-12-31",
        "reason": "new server room, a load the baseline did not have (static factor change)",
        "source": "engineering estimate: 150 kWh/d sub-metered over a test week x 184 days "
        "(synthetic)",
        "converted": {"value": pytest.approx(27.6, rel=1e-15), "unit": "MWh"},
    }
    parts = next(q for q in report["quantities"] if q["symbol"] == "NRA_k")
    assert parts["by_label"]["adjustment"]["new server room"] == pytest.approx(27.6, rel=1e-12)
    page = paths["html"].read_text(encoding="utf-8")
    section = page[page.index('<section id="adjustments">') :]
    section = section[: section.index("</section>")]
    assert "<h2>Adjustments</h2>" in section and '<a href="#adjustments">' in page
    for cell in (
        "<td>new server room</td>",
        '<td class="num">27,600 (27.6 MWh)</td>',
        "<td>kWh</td>",
        "<td>2023-07-01 to 2023-12-31</td>",
        f"<td>{entry['reason']}</td>",
        f"<td>{entry['source']}</td>",
        '<a href="#q-NRA_k">NRA_k</a>: 27.6 MWh',
    ):
        assert cell in section, cell
    assert verify(paths["report"]).ok
    # the declaration edited by hand (digest recomputed): verify names it
    entry["reason"] = "something else"
    report["digest"] = digest(report)
    paths["report"].write_text(json.dumps(report), encoding="utf-8")
    v = verify(paths["report"])
    assert any(d.startswith("project.adjustments[new server room].reason") for d in v.differences)


def test_report_without_adjustments_has_no_section(tmp_path: Path) -> None:
    result = run_project(make_project(tmp_path / "wind"))
    paths = result.write(tmp_path / "out")
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    assert "adjustments" not in report["project"]
    assert 'id="adjustments"' not in paths["html"].read_text(encoding="utf-8")


def test_to_project_keeps_adjustments(registered: None, tmp_path: Path) -> None:
    """result.to_project writes the [[adjustment]] tables back; the rerun agrees."""
    result = run_project(EXAMPLE / "project.toml")
    again = run_project(result.to_project(tmp_path / "again"))
    assert again.project.adjustments == result.project.adjustments
    assert again.totals["ER"] == pytest.approx(result.totals["ER"], rel=1e-12)


def test_adjusted_example_edits_still_run(registered: None, tmp_path: Path) -> None:
    """The example with the adjustment's value doubled: ER rises by 27.6 MWh x 0.6836 x
    1.03 (EF option A1 with the example's combined margin, TDL option 3), through the
    project file."""
    base = run_project(EXAMPLE / "project.toml")
    path = _example_with(tmp_path, BLOCK)
    edit(path, "value = 27600", "value = 55200")
    doubled = run_project(path)
    assert doubled.totals["ER"] - base.totals["ER"] == pytest.approx(27.6 * 0.6836 * 1.03, rel=1e-9)
