"""The shapes of issue 6, end to end, on test plugins that import ``reductions.plugin`` alone.

Three methodologies in ``tests/plugins`` exercise what the rewritten engine offers a
plugin author: several ``[monitoring.<table>]`` blocks per project (reporting, baseline
and history periods), a declared resolution per variable (finer amounts summed, finer
states averaged, a coarser state held), an extra dimension (``meter``) from a long table
with a key column, from a wide table and from a long table split over two files,
missing-data rules of the plugin's own, findings made while quantifying, and
``ledger.apply`` / ``ledger.balance``. Each project is run through
``reductions.run.run_project`` and through the command line (``reductions run`` and
``reductions verify``); the classes pass ``reductions.testing.check_methodology`` and,
where the data fit one Dataset, ``check_invariance``.

Every expected number is derived by hand in the test's docstring from the data that
``tests/plugins/projects.py`` writes.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions import quantify, registry
from reductions.cli import describe_text, main
from reductions.errors import ApplicabilityError
from reductions.plugin import Variable
from reductions.run import Result, run_project
from reductions.testing import check_invariance, check_methodology, check_result
from tests.plugins import PLUGINS, BaselineToy, FlareToy, MetersToy, projects
from tests.plugins.projects import Project

PLUGIN_DIR = Path(__file__).parent / "plugins"


def run(project: Project, root: Path, available: dict | None = None) -> Result:
    return run_project(project.write(root), available=PLUGINS if available is None else available)


def quantity(report: dict, symbol: str) -> dict:
    (entry,) = [q for q in report["quantities"] if q["symbol"] == symbol]
    return entry


@pytest.fixture
def cli_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line sees the test plugins as if they were installed."""
    installed = {**registry.installed(), **PLUGINS}
    monkeypatch.setattr(registry, "installed", lambda: installed)


# --- the plugins themselves ------------------------------------------------------------------


@pytest.mark.parametrize("cls", [FlareToy, BaselineToy, MetersToy], ids=lambda c: c.id)
def test_plugin_conforms(cls: type) -> None:
    check_methodology(cls)


@pytest.mark.parametrize("module", ["flare.py", "baseline.py", "meters.py"])
def test_plugins_import_only_the_plugin_surface(module: str) -> None:
    """The point of the test plugins: a third party needs nothing from the engine but
    ``reductions.plugin``."""
    tree = ast.parse((PLUGIN_DIR / module).read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            used.add(node.module)
        elif isinstance(node, ast.Import):
            used.update(a.name for a in node.names)
    engine = {m for m in used if m == "reductions" or m.startswith("reductions.")}
    assert engine == {"reductions.plugin"}, engine


def test_describe_lists_the_plugins_equations_and_resolutions() -> None:
    """``describe`` builds its text from the tags and declarations alone."""
    text = describe_text(FlareToy)
    assert "TOY-FLARE v1.0 eq. (2): eta_flare_h = sum_m(eta_flare_m x dt_m)" in text
    assert "TOY-FLARE v1.0 eq. (8): LE_h = 0" in text
    assert "T_flare [K] (required, mean, at 1min)" in text
    assert "0 K (no flame: flare efficiency 0 in that minute)" in text
    text = describe_text(BaselineToy)
    assert "E_base [MWh] (required, sum, baseline period)" in text
    assert "HDD [K*day] (required, sum, history period)" in text
    assert "M_inj [t] (required, sum, over meter, at 1h)" in describe_text(MetersToy)


# --- test.flare-toy: minute, hour and month tables -------------------------------------------


@pytest.fixture(scope="module")
def flare_result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return run(projects.flare(), tmp_path_factory.mktemp("flare"))


def test_flare_totals(flare_result: Result) -> None:
    """February 2023 (UTC+8), 672 hours; GWP_CH4 = 21 (CDM rule from 2021: AR2).

    Methane sent per hour = V x w x rho = 1000 Nm3 x 0.50 x 0.000716 t/Nm3 = 0.358 t
    (0.716 t in the hour 06:00-07:00 of 1 February, 2000 Nm3). Total sent
    = 0.358 x (672 + 1) = 240.934 t.
    Efficiency per hour 0.9, except on 1 February: 05:00-06:00, 10 minutes without a row
    -> 0.9 x 50/60 = 0.75; 06:00-07:00, 30 minutes at 450 degC -> 0.9 x 30/60 = 0.45;
    07:00-08:00, 6 empty cells -> 0.9 x 54/60 = 0.81.
    Destroyed = 0.358 x (669 x 0.9 + 0.75 + 2 x 0.45 + 0.81) = 0.358 x 604.56
    = 216.43248 t; emitted = 240.934 - 216.43248 = 24.50152 t.
    BE = 21 x 216.43248 = 4,545.08208 t; PE = 21 x 24.50152 = 514.53192 t; LE = 0;
    ER = 4,030.55016 t.
    """
    t = flare_result.totals
    assert t["BE"] == pytest.approx(4545.08208, rel=1e-12)
    assert t["PE"] == pytest.approx(514.53192, rel=1e-12)
    assert t["LE"] == 0.0
    assert t["ER"] == pytest.approx(4030.55016, rel=1e-12)
    assert flare_result.ledger["M_CH4_sent"].total() == pytest.approx(240.934, rel=1e-12)
    (gwp,) = flare_result.report()["gwp"]
    assert gwp["values"]["CH4"]["value"] == 21.0
    check_result(flare_result)


def test_flare_intervals(flare_result: Result) -> None:
    """Per day. 1 February: sent = 0.358 x 25 = 8.95 t; destroyed = 0.358 x (21 x 0.9 +
    0.75 + 2 x 0.45 + 0.81) = 0.358 x 21.36 = 7.64688 t; BE = 21 x 7.64688 = 160.58448 t;
    PE = 21 x (8.95 - 7.64688) = 27.36552 t. Every other day: destroyed = 0.358 x 21.6
    = 7.7328 t, BE = 162.3888 t; emitted = 0.358 x 2.4 = 0.8592 t, PE = 18.0432 t."""
    rows = flare_result.report()["intervals"]
    assert len(rows) == 28
    assert rows[0]["label"] == "2023-02-01"
    assert rows[0]["start"] == "2023-02-01T00:00:00+08:00"
    assert rows[0]["BE"] == pytest.approx(160.58448, rel=1e-12)
    assert rows[0]["PE"] == pytest.approx(27.36552, rel=1e-12)
    assert rows[0]["ER"] == pytest.approx(160.58448 - 27.36552, rel=1e-12)
    for row in rows[1:]:
        assert row["BE"] == pytest.approx(162.3888, rel=1e-12)
        assert row["PE"] == pytest.approx(18.0432, rel=1e-12)


def test_flare_efficiency_is_decided_per_minute(flare_result: Result) -> None:
    """The temperature reaches the methodology minute by minute (it declares 1min), and
    the efficiency is averaged over each hour afterwards. In 06:00-07:00 on 1 February
    the hourly mean temperature is (30 x 450 + 30 x 900) / 60 = 675 degC, above the
    500 degC threshold, which would give 0.9; per minute the hour gets 0.45."""
    temp = flare_result.series["T_flare"]
    assert temp.sizes["time"] == 28 * 1440
    assert np.all(temp["time_end"].values - temp["time"].values == np.timedelta64(1, "m"))
    assert float(temp.values[360:420].mean()) == pytest.approx(675.0 + 273.15, rel=1e-12)
    eta = flare_result.ledger.series("eta_flare_h")
    assert eta.shape == (672,)
    np.testing.assert_allclose(eta[5:8], [0.75, 0.45, 0.81], rtol=1e-12)
    assert np.all(np.delete(eta, [5, 6, 7]) == 0.9)
    assert flare_result.ledger["eta_flare_h"].equation == "TOY-FLARE v1.0 eq. (2)"
    # The monthly laboratory value reaches it held over every hour.
    np.testing.assert_array_equal(flare_result.ledger.series("w_CH4"), np.full(672, 0.5))


def test_flare_data_quality(flare_result: Result) -> None:
    """Per table: temperature 40,320 - 10 = 40,310 rows for 40,320 minutes, 16 minutes
    filled by the plugin's rule (10 without a row at 05:10-05:20, 6 empty cells at
    07:00-07:06); flow 672 rows, nothing resampled; lab 3 rows, January before and March
    after the period, February held over the hours."""
    dq = flare_result.report()["data_quality"]
    temp = dq["temperature"]
    assert (temp["rows"], temp["intervals"]) == (40310, 40320)
    assert temp["filled_intervals"] == {"T_flare": 16}
    assert [(g["start"], g["end"], g["intervals"]) for g in temp["gaps"]] == [
        ("2023-02-01T05:10:00+08:00", "2023-02-01T05:20:00+08:00", 10),
        ("2023-02-01T07:00:00+08:00", "2023-02-01T07:06:00+08:00", 6),
    ]
    assert {g["filled_by"] for g in temp["gaps"]} == {
        "0 K (no flame: flare efficiency 0 in that minute)"
    }
    assert all(g["rule"].startswith("TOY-FLARE para. 4") for g in temp["gaps"])
    assert temp["resampled"] == []
    assert (dq["flow"]["rows"], dq["flow"]["resampled"]) == (672, [])
    lab = dq["lab"]
    assert lab["rows_outside_period"] == {"before": 1, "after": 1}
    assert lab["intervals"] == 1
    (note,) = lab["resampled"]
    assert note.startswith("w_CH4: held over the finer steps") and note.endswith("to 1h")


def test_flare_findings(flare_result: Result) -> None:
    """The applicability finding, and the methane balance (sent = destroyed + emitted at
    every hour) recorded as a passing finding."""
    findings = {f["name"]: f for f in flare_result.report()["findings"]}
    assert findings["test.flare-toy.applicability.flare_type"]["status"] == "pass"
    balance = findings["test.flare-toy.balance.methane"]
    assert balance["status"] == "pass"
    assert balance["clause"].startswith("TOY-FLARE para. 6")
    assert balance["values"]["inflow"] == ["M_CH4_sent"]
    assert balance["values"]["emitted"] == ["M_CH4_emitted"]
    assert balance["values"]["max_relative_residual"] < 1e-12
    assert flare_result.compliant


def test_flare_finer_flow_is_summed_to_hours(tmp_path: Path) -> None:
    """The same flow in six 10-minute rows per hour (1000/6 Nm3 each): the engine sums
    them to the hour the methodology declares, says so, and the totals are those of
    test_flare_totals."""
    result = run(projects.flare(flow_step="10min"), tmp_path)
    assert result.totals["BE"] == pytest.approx(4545.08208, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(4030.55016, rel=1e-12)
    flow = result.report()["data_quality"]["flow"]
    assert (flow["rows"], flow["intervals"]) == (4032, 4032)
    assert flow["resampled"] == ["V_gas: summed from the data's intervals to 1h"]
    np.testing.assert_allclose(result.ledger.series("V_gas")[5:8], [1000.0, 2000.0, 1000.0])


def test_flare_python_api_equals_the_project_file(flare_result: Result) -> None:
    """``reductions.quantify`` with one DataFrame per table and the same table settings
    gives the same totals and data-quality record as the project file."""
    p = projects.flare()
    data = {
        name: p.frames[spec["file"]].replace("", np.nan)
        for name, spec in p.doc["monitoring"].items()
    }
    tables = {
        name: {k: v for k, v in spec.items() if k != "file"}
        for name, spec in p.doc["monitoring"].items()
    }
    result = quantify(
        "test.flare-toy",
        parameters={"flare_type": "enclosed"},
        monitoring=data,
        tables=tables,
        period=(projects.FLARE_START, projects.FLARE_END),
        timezone="UTC+8",
        reporting="day",
        available=PLUGINS,
    )
    for s in ("BE", "PE", "LE", "ER"):
        assert result.totals[s] == pytest.approx(flare_result.totals[s], rel=1e-12)
    dq, ref = result.report()["data_quality"], flare_result.report()["data_quality"]
    for table in ("temperature", "flow", "lab"):
        for key in ("rows_outside_period", "intervals", "filled_intervals", "resampled"):
            assert dq[table][key] == ref[table][key], (table, key)


def test_flare_across_a_gwp_rule_change(tmp_path: Path) -> None:
    """December 2020 and January 2021 (UTC+8): the CDM rule gives CH4 25 (AR4) before
    2021 and 21 after, so the period is quantified in two parts, each with its minute,
    hour and month axes, and joined. Flame every minute (eta 0.9), 1000 Nm3 and w = 0.5
    every hour: destroyed = 0.358 x 0.9 = 0.3222 t per hour, emitted 0.0358 t.
    December (744 h): BE = 744 x 0.3222 x 25 = 5,992.92 t, PE = 744 x 0.0358 x 25
    = 665.88 t. January (744 h): BE = 744 x 0.3222 x 21 = 5,034.0528 t, PE = 744 x 0.0358
    x 21 = 559.3392 t."""
    p = projects.flare(reporting="month")
    p.doc["period"].update(start=dt.date(2020, 12, 1), end=dt.date(2021, 1, 31))
    minutes = pd.date_range("2020-12-01", "2021-02-01", freq="min", inclusive="left")
    hours = pd.date_range("2020-12-01 01:00", "2021-02-01 00:00", freq="h")
    p.frames["temperature.csv"] = pd.DataFrame({"time": projects._iso(minutes), "T": 900.0})
    p.frames["flow.csv"] = pd.DataFrame({"time_end": projects._iso(hours), "flow": 1000.0})
    p.frames["lab.csv"] = pd.DataFrame({"month": ["2020-12-01", "2021-01-01"], "ch4": 50.0})
    result = run(p, tmp_path)
    report = result.report()
    assert [g["values"]["CH4"]["value"] for g in report["gwp"]] == [25.0, 21.0]
    dec, jan = report["intervals"]
    assert (dec["label"], jan["label"]) == ("2020-12", "2021-01")
    assert dec["BE"] == pytest.approx(5992.92, rel=1e-12)
    assert dec["PE"] == pytest.approx(665.88, rel=1e-12)
    assert jan["BE"] == pytest.approx(5034.0528, rel=1e-12)
    assert jan["PE"] == pytest.approx(559.3392, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(5992.92 - 665.88 + 5034.0528 - 559.3392)
    assert result.series["T_flare"].sizes["time"] == 62 * 1440
    check_result(result)


def test_flare_open_flare_is_not_supported(tmp_path: Path) -> None:
    """An applicability finding ``not yet supported`` stops the run."""
    p = projects.flare()
    p.doc["parameters"]["flare_type"] = "open"
    with pytest.raises(ApplicabilityError, match="open flares are not supported"):
        run(p, tmp_path)


def test_flare_monthly_state_is_held_over_a_period_inside_the_month(tmp_path: Path) -> None:
    """The period 10-11 February 2023, inside the month of the laboratory value (50 %):
    48 hours of 1000 Nm3 with flame, sent = 48 x 0.358 = 17.184 t, destroyed = 0.9 x
    17.184 = 15.4656 t, BE = 21 x 15.4656 = 324.7776 t, PE = 21 x 1.7184 = 36.0864 t."""
    p = projects.flare()
    p.doc["period"].update(start=dt.date(2023, 2, 10), end=dt.date(2023, 2, 11))
    result = run(p, tmp_path)
    assert result.totals["BE"] == pytest.approx(324.7776, rel=1e-12)
    assert result.totals["PE"] == pytest.approx(36.0864, rel=1e-12)


def test_flare_invariance_on_one_minute_table() -> None:
    """All three variables in one minute Dataset (UTC, 1-2 March 2024): T 900 degC, but
    450 degC in 03:00-03:30 on 1 March and missing in 10:00-10:12; 20 Nm3 and w = 0.5
    every minute. The engine sums V to 1200 Nm3 per hour and averages w to 0.5.
    Sent = 48 x 1200 x 0.5 x 0.000716 = 48 x 0.4296 = 20.6208 t; efficiency sum
    = 46 x 0.9 + 0.45 + 0.9 x 48/60 = 42.57 hours; destroyed = 0.4296 x 42.57
    = 18.288072 t, BE = 21 x 18.288072 = 384.049512 t; emitted = 2.332728 t,
    PE = 48.987288 t. The same in reversed rows and as the sum of the two days."""
    n = 2 * 1440
    temp = np.full(n, 900.0)
    temp[180:210] = 450.0
    temp[600:612] = np.nan
    ds = xr.Dataset(
        {
            "T_flare": ("time", temp, {"units": "degC"}),
            "V_gas": ("time", np.full(n, 20.0), {"units": "Nm3"}),
            "w_CH4": ("time", np.full(n, 0.5), {"units": "1"}),
        },
        coords={"time": pd.date_range("2024-03-01", periods=n, freq="min")},
    )
    result = check_invariance(
        "test.flare-toy",
        parameters={},
        monitoring=ds,
        period=(dt.date(2024, 3, 1), dt.date(2024, 3, 2)),
        available=PLUGINS,
    )
    assert result.totals["BE"] == pytest.approx(384.049512, rel=1e-12)
    assert result.totals["PE"] == pytest.approx(48.987288, rel=1e-12)
    dq = result.report()["data_quality"]["data"]
    assert dq["filled_intervals"] == {"T_flare": 12}
    assert dq["resampled"] == [
        "V_gas: summed from the data's intervals to 1h",
        "w_CH4: duration-weighted mean from the data's intervals to 1h",
    ]


# --- test.baseline-toy: baseline, reporting and history tables -------------------------------


@pytest.fixture(scope="module")
def baseline_result(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return run(projects.baseline(), tmp_path_factory.mktemp("baseline"))


def test_baseline_model_and_totals(baseline_result: Result) -> None:
    """The baseline days lie exactly on E = 20 + 1.5 HDD, so the fit gives a = 20 MWh,
    b = 1.5 MWh/(K day), R2 = 1. The 14 reporting days are days 31 to 44 from
    2023-12-01: two whole weeks of HDD = 10 + (i mod 7), sum 14 x 10 + 2 x 21 = 182 K day.
    E_adj = 14 x 20 + 1.5 x 182 = 553 MWh; E_rep = 0.8 x 553 = 442.4 MWh (read in kWh);
    savings 110.6 MWh. BE = 0.5 x 553 = 276.5 t, PE = 0.5 x 442.4 = 221.2 t, ER = 55.3 t.
    """
    led = baseline_result.ledger
    assert led["a"].total() == pytest.approx(20.0, rel=1e-12)
    assert led["b"].total() == pytest.approx(1.5, rel=1e-12)
    assert led["R2"].total() == pytest.approx(1.0, rel=1e-12)
    assert float(led["HDD_rep"].value.sum()) == 182.0
    assert led["E_adj"].total() == pytest.approx(553.0, rel=1e-12)
    assert led["E_rep"].total() == pytest.approx(442.4, rel=1e-12)
    assert led["S"].total() == pytest.approx(110.6, rel=1e-12)
    t = baseline_result.totals
    assert t["BE"] == pytest.approx(276.5, rel=1e-12)
    assert t["PE"] == pytest.approx(221.2, rel=1e-12)
    assert t["ER"] == pytest.approx(55.3, rel=1e-12)
    check_result(baseline_result)


def test_baseline_intervals(baseline_result: Result) -> None:
    """1 January 2024 is day 31: HDD = 10 + 3 = 13, E_adj = 20 + 19.5 = 39.5 MWh,
    BE = 19.75 t, PE = 0.8 x 19.75 = 15.8 t, ER = 3.95 t. 14 January is day 44:
    HDD = 12, E_adj = 38 MWh, BE = 19 t, PE = 15.2 t, ER = 3.8 t."""
    rows = baseline_result.report()["intervals"]
    assert [r["label"] for r in rows[:2]] == ["2024-01-01", "2024-01-02"]
    assert len(rows) == 14
    first, last = rows[0], rows[-1]
    assert first["start"] == "2024-01-01T00:00:00+01:00"
    for row, (be, pe) in ((first, (19.75, 15.8)), (last, (19.0, 15.2))):
        assert row["BE"] == pytest.approx(be, rel=1e-12)
        assert row["PE"] == pytest.approx(pe, rel=1e-12)
        assert row["ER"] == pytest.approx(be - pe, rel=1e-9)


def test_baseline_data_quality_per_period(baseline_result: Result) -> None:
    """Rows outside each table's period: baseline.csv starts 3 days before the baseline
    period (2023-12-01 to 03); reporting.csv has 31 December and 15 January around
    the reporting period; the weather (history) table may start any time before and keeps
    2023-12-01 to 2024-01-14 (45 days), leaving the 6 days after the period."""
    dq = baseline_result.report()["data_quality"]
    assert dq["baseline"]["period"] == "baseline"
    assert dq["baseline"]["rows_outside_period"] == {"before": 3, "after": 0}
    assert dq["baseline"]["intervals"] == 28
    assert dq["reporting"]["rows_outside_period"] == {"before": 1, "after": 1}
    assert dq["reporting"]["intervals"] == 14
    assert dq["weather"]["period"] == "history"
    assert dq["weather"]["rows_outside_period"] == {"before": 0, "after": 6}
    assert (dq["weather"]["rows"], dq["weather"]["intervals"]) == (51, 45)
    report = baseline_result.report()
    assert report["period"]["baseline"] == {"start": "2023-12-04", "end": "2023-12-31"}
    findings = {f["name"]: f for f in report["findings"]}
    assert findings["test.baseline-toy.applicability.baseline_period"]["values"]["days"] == 28
    assert findings["test.baseline-toy.model.fit"]["status"] == "pass"


def test_baseline_poor_fit_stops_unless_overridden(tmp_path: Path) -> None:
    """Baseline energy 40 +/- 10 MWh alternating day by day, unrelated to the weather:
    the fit's R2 is far below 0.75, a failing finding made while quantifying stops the
    run; an override sets it aside on the record and the result is not compliant."""
    p = projects.baseline()
    frame = p.frames["baseline.csv"]
    frame["energy"] = 40.0 + 10.0 * (-1.0) ** np.arange(len(frame))
    with pytest.raises(ApplicabilityError, match=r"R2 of the baseline model is .*below 0\.75"):
        run(p, tmp_path / "a")
    p.doc["override"] = [{"finding": "test.baseline-toy.model.fit", "reason": "test"}]
    result = run(p, tmp_path / "b")
    assert result.ledger["R2"].total() < 0.75
    assert not result.compliant
    assert result.report()["compliance"]["overridden"] == ["test.baseline-toy.model.fit"]


class OverlapToy(BaselineToy):
    """The same methodology, allowing a baseline period that overlaps the reporting one."""

    baseline_may_overlap = True


def test_baseline_overlap_allowed_when_the_methodology_says_so(tmp_path: Path) -> None:
    """Baseline 2023-12-04 to 2024-01-03 overlaps the reporting period; the data are
    still on the model, so the fit and the totals are those of test_baseline_model_and_totals
    (BE 276.5 t, PE 221.2 t)."""
    p = projects.baseline()
    p.doc["period"]["baseline"]["end"] = dt.date(2024, 1, 3)
    days = projects.WEATHER_DAYS <= "2024-01-03"
    p.frames["baseline.csv"] = pd.DataFrame(
        {"date": projects._days(days), "energy": projects.E_MODEL[days]}
    )
    result = run(p, tmp_path, available={OverlapToy.key(): OverlapToy})
    assert result.ledger["E_base"].value.sizes["time"] == 31
    assert result.totals["BE"] == pytest.approx(276.5, rel=1e-12)
    assert result.totals["PE"] == pytest.approx(221.2, rel=1e-12)


def test_baseline_weather_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    """The weather table as a European spreadsheet export (';' between columns, decimal
    commas: "13,0"), declared in its table: the totals of test_baseline_model_and_totals."""
    p = projects.baseline()
    weather = p.frames["weather.csv"]
    weather["hdd"] = [f"{x:.1f}".replace(".", ",") for x in weather["hdd"]]
    weather.attrs["sep"] = ";"
    p.table("weather").update(delimiter=";", decimal=",")
    result = run(p, tmp_path)
    assert result.totals["ER"] == pytest.approx(55.3, rel=1e-12)


class DailyWeatherToy(BaselineToy):
    """The same methodology, declaring the degree days at a daily resolution."""

    monitoring = (
        *BaselineToy.monitoring[:2],
        Variable("HDD", "heating degree days", "K*day", period="history", resolution="1D"),
    )


def test_baseline_history_table_is_resampled_to_its_declared_resolution(
    tmp_path: Path,
) -> None:
    """Hourly degree days (HDD_d / 24 in each hour of day d) for a methodology that declares
    HDD at 1D: the engine sums them to the 45 days 2023-12-01 to 2024-01-14, says so, and
    the totals are those of test_baseline_model_and_totals."""
    p = projects.baseline()
    hours = pd.date_range("2023-12-01", "2024-01-21", freq="h", inclusive="left")
    p.frames["weather.csv"] = pd.DataFrame(
        {"date": projects._iso(hours), "hdd": np.repeat(projects.HDD, 24) / 24.0}
    )
    p.table("weather")["interval"] = "1h"
    result = run(p, tmp_path, available={DailyWeatherToy.key(): DailyWeatherToy})
    assert result.totals["ER"] == pytest.approx(55.3, rel=1e-12)
    hdd = result.series["HDD"]
    assert hdd.sizes["time"] == 45
    np.testing.assert_allclose(hdd.values, projects.HDD[:45], rtol=1e-12)
    assert result.report()["data_quality"]["weather"]["resampled"] == [
        "HDD: summed from the data's intervals to 1D"
    ]


# --- test.meters-toy: a dimension beyond time ------------------------------------------------


@pytest.fixture(scope="module")
def meters_long(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return run(projects.meters("long"), tmp_path_factory.mktemp("meters"))


def test_meters_totals_and_labels(meters_long: Result) -> None:
    """48 hours: sum of (h mod 4) = 12 x 6 = 72, of (h mod 2) = 24.
    Received: A 48 x 10 + 0.5 x 72 = 516 t, B 960 + 36 = 996 t, C 240 + 36 = 276 t;
    vented (read in kg): A 0.25 x 24 = 6 t, B 0.5 x 24 = 12 t, C 0; injected = received
    - vented: A 510, B 984, C 276 t. BE = 516 + 996 + 276 = 1,788 t, PE = 18 t,
    ER = 1,770 t (= the CO2 injected)."""
    t = meters_long.totals
    assert (t["BE"], t["PE"], t["LE"], t["ER"]) == (1788.0, 18.0, 0.0, 1770.0)
    report = meters_long.report()
    assert quantity(report, "M_recv")["by_label"] == {"meter": {"A": 516.0, "B": 996.0, "C": 276.0}}
    assert quantity(report, "M_inj")["by_label"] == {"meter": {"A": 510.0, "B": 984.0, "C": 276.0}}
    assert quantity(report, "M_vent")["by_label"] == {"meter": {"A": 6.0, "B": 12.0, "C": 0.0}}
    assert quantity(report, "M_inj")["dims"] == {"time": 48, "meter": 3}
    assert quantity(report, "BE")["dims"] == {"time": 48}
    check_result(meters_long)


def test_meters_intervals_and_balance(meters_long: Result) -> None:
    """Each day holds half of every total: BE 894 t, PE 9 t, ER 885 t. The balance
    received = injected + vented closes exactly at every meter and hour."""
    rows = meters_long.report()["intervals"]
    assert [(r["label"], r["BE"], r["PE"], r["ER"]) for r in rows] == [
        ("2024-05-01", 894.0, 9.0, 885.0),
        ("2024-05-02", 894.0, 9.0, 885.0),
    ]
    findings = {f["name"]: f for f in meters_long.report()["findings"]}
    balance = findings["test.meters-toy.balance.meter_node"]
    assert balance["status"] == "pass"
    assert balance["values"]["max_relative_residual"] == 0.0
    assert balance["values"]["outflow"] == ["M_inj"]


@pytest.mark.parametrize("layout", ["wide", "split"])
def test_meters_other_layouts_equal_the_long_table(
    layout: str, meters_long: Result, tmp_path: Path
) -> None:
    """A column per meter, and the long table over two files (one per day), give the same
    series, labels and totals as the long table in one file."""
    result = run(projects.meters(layout), tmp_path)
    for symbol in ("M_recv", "M_inj", "M_vent"):
        a, b = result.series[symbol], meters_long.series[symbol]
        assert a.dims == b.dims == ("time", "meter")
        assert list(a["meter"].values) == ["A", "B", "C"]
        np.testing.assert_array_equal(a["time"].values, b["time"].values)
        np.testing.assert_array_equal(a.values, b.values)
    assert result.totals == meters_long.totals
    assert result.report()["data_quality"]["meters"]["intervals"] == 48


def test_meters_from_an_excel_sheet(meters_long: Result, tmp_path: Path) -> None:
    """The long table as meters.xlsx, sheet 'readings' named in the table: the totals of
    test_meters_totals_and_labels."""
    p = projects.meters("long")
    frame = p.frames.pop("meters.csv")
    frame.attrs["sheet"] = "readings"
    p.frames["meters.xlsx"] = frame
    p.table("meters").update(file="meters.xlsx", sheet="readings")
    result = run(p, tmp_path)
    assert result.totals == meters_long.totals
    np.testing.assert_array_equal(
        result.series["M_vent"].values, meters_long.series["M_vent"].values
    )


def test_meters_balance_within_the_meters_uncertainty(tmp_path: Path) -> None:
    """Meter B receives 20.05 t in the hour ending 05:00 on 1 May, injects 20 t and vents
    nothing: residual 0.05 t, relative 0.05 / (20.05 + 20) = 1.248e-3, inside the 0.5 %
    the methodology allows. The balance passes and records it; BE = 1,788.05 t."""
    p = projects.meters("long")
    frame = p.frames["meters.csv"]
    frame.loc[(frame["meter_id"] == "B") & (frame["time"] == "2024-05-01T05:00:00"), "recv"] = 20.05
    result = run(p, tmp_path)
    findings = {f["name"]: f for f in result.report()["findings"]}
    balance = findings["test.meters-toy.balance.meter_node"]
    assert balance["status"] == "pass"
    assert balance["values"]["max_relative_residual"] == pytest.approx(0.05 / 40.05, rel=1e-6)
    assert result.totals["BE"] == pytest.approx(1788.05, rel=1e-12)
    assert result.totals["ER"] == pytest.approx(1770.05, rel=1e-12)


def test_meters_invariance() -> None:
    """The meter data as one Dataset over (time, meter), read as a long table with a key
    column: the same totals in kg, in reversed rows and as the sum of the two days."""
    values = projects.meter_values()
    ds = xr.Dataset(
        {
            s: (
                ("time", "meter"),
                np.stack([values[m][k] for m in projects.METERS], axis=1),
                {"units": "t"},
            )
            for s, k in (("M_recv", "recv"), ("M_inj", "inj"), ("M_vent", "vent"))
        },
        coords={
            "time": pd.date_range("2024-05-01", periods=48, freq="h"),
            "meter": list(projects.METERS),
        },
    )
    variables = {s: {"column": s, "meter": "meter"} for s in ds.data_vars}
    result = check_invariance(
        "test.meters-toy",
        parameters={},
        monitoring=ds,
        period=(dt.date(2024, 5, 1), dt.date(2024, 5, 2)),
        available=PLUGINS,
        tables={"data": {"variables": variables}},
    )
    assert result.totals == {"BE": 1788.0, "PE": 18.0, "LE": 0.0, "ER": 1770.0}


# --- exporting a result as a project -------------------------------------------------------


@pytest.mark.parametrize("name", ["baseline", "meters-wide", "meters-split"])
def test_to_project_reproduces_multi_table_projects(name: str, tmp_path: Path) -> None:
    """``Result.to_project`` writes every table (periods, dimensions, files) so that
    ``run_project`` on the copy gives the same totals; results.nc with every series holds
    each time axis and the meter dimension."""
    build = {
        "baseline": projects.baseline,
        "meters-wide": lambda: projects.meters("wide"),
        "meters-split": lambda: projects.meters("split"),
    }[name]
    result = run(build(), tmp_path / "a")
    again = run_project(result.to_project(tmp_path / "b"), available=PLUGINS)
    assert again.totals == pytest.approx(result.totals, rel=1e-12)
    paths = result.write(tmp_path / "out", series=True)
    with xr.open_dataset(paths["results"], engine="h5netcdf") as ds:
        sizes = dict(ds.sizes)
    if name == "baseline":
        assert sizes == {"interval": 14, "time": 28, "time_1": 14, "time_2": 45, "nv": 2}
    else:
        assert sizes == {"interval": 2, "time": 48, "meter": 3, "nv": 2}


def test_to_project_keeps_sort(meters_long: Result, tmp_path: Path) -> None:
    """The long meter table in reversed row order, read with sort = true: the run and the
    run of its export both give the totals of test_meters_totals_and_labels."""
    p = projects.meters("long")
    p.frames["meters.csv"] = p.frames["meters.csv"].iloc[::-1]
    p.table("meters")["sort"] = True
    result = run(p, tmp_path / "a")
    assert result.totals == meters_long.totals
    again = run_project(result.to_project(tmp_path / "b"), available=PLUGINS)
    assert again.totals == meters_long.totals


# --- the command line: run and verify --------------------------------------------------------

CLI_CASES: dict[str, tuple[Callable[[], Project], float, tuple[str, ...]]] = {
    "flare": (
        projects.flare,
        4030.55016,
        (
            "filled 16 interval(s) of T_flare with 0 K (no flame",
            "rows outside the reporting period: 1 before, 1 after",
            "resampled w_CH4: held over the finer steps",
        ),
    ),
    "baseline": (
        projects.baseline,
        55.3,
        (
            "rows outside the baseline period: 3 before, 0 after",
            "rows outside the history period: 0 before, 6 after",
        ),
    ),
    "meters-long": (lambda: projects.meters("long"), 1770.0, ("table meters: 144 rows",)),
    "meters-wide": (lambda: projects.meters("wide"), 1770.0, ("table meters: 48 rows",)),
    "meters-split": (lambda: projects.meters("split"), 1770.0, ("table meters: 144 rows",)),
}


@pytest.mark.usefixtures("cli_plugins")
@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_run_and_verify(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """``reductions run`` writes the report (ER as derived in the tests above) and
    ``reductions verify`` recomputes every quantity and agrees."""
    build, er, lines = CLI_CASES[name]
    project = build().write(tmp_path / "project")
    out = tmp_path / "out"
    assert main(["run", str(project), "-o", str(out)]) == 0
    stdout = capsys.readouterr().out
    for line in lines:
        assert line in stdout, stdout
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["ER"] == pytest.approx(er, rel=1e-12)
    assert main(["verify", str(out / "report.json")]) == 0
    assert "verified" in capsys.readouterr().out
