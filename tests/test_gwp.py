"""GWP sets and the CDM rule for choosing one.

100-year GWPs of CH4 and N2O [t CO2e/t]:

- AR2 (IPCC 1995, Second Assessment Report, WG I): CH4 21, N2O 310;
- AR4 (IPCC 2007, WG I Ch. 2, Table 2.14): CH4 25, N2O 298;
- AR5 (IPCC 2013, WG I Ch. 8, Table 8.7, without climate-carbon feedbacks): CH4 28,
  N2O 265;
- AR6 (IPCC 2021, WG I Ch. 7, Table 7.15 and Table 7.SM.7): CH4 27.9, N2O 273.

(Values cross-checked against the CC0 dataset openclimatedata/globalwarmingpotentials and
the GHG Protocol's "Global Warming Potential Values" table; see the table's
``checked_against`` column.)

CDM rule: for emission reductions achieved on or after 1 January 2021, "the lowest value
from the IPCC assessment reports for each greenhouse gas for a 100-year time horizon",
among AR2, AR4 and AR5 (https://cdm.unfccc.int/Reference/CDM_note.html, paras 1-3;
EB 108 meeting report, paras 7-8): CH4 21 (AR2) and N2O 265 (AR5). AR4 applied to the
second commitment period (2013-2020) and AR2 before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reductions.errors import ParameterError
from reductions.factors import GWP_SETS, cdm_gwp, gwp
from reductions.plugin import Finding, Inputs, Ledger, Methodology, MonitoringVariable, Status
from reductions.run import run_project
from tests.strategies import write_project

TABLE = {
    ("CH4", "AR2"): 21.0,
    ("N2O", "AR2"): 310.0,
    ("CH4", "AR4"): 25.0,
    ("N2O", "AR4"): 298.0,
    ("CH4", "AR5"): 28.0,
    ("N2O", "AR5"): 265.0,
    ("CH4", "AR6"): 27.9,
    ("N2O", "AR6"): 273.0,
}


@pytest.mark.parametrize(("gas", "report"), sorted(TABLE))
def test_gwp_table(gas: str, report: str) -> None:
    g = gwp(gas, report)
    assert g.value == TABLE[(gas, report)]
    assert g.set == report and g.gas == gas
    assert "IPCC" in g.source and g.table.startswith("Table")


def test_gwp_sets_and_unknown() -> None:
    assert GWP_SETS == ("AR2", "AR4", "AR5", "AR6")
    with pytest.raises(ParameterError, match="AR3"):
        gwp("CH4", "AR3")
    with pytest.raises(ParameterError):
        gwp("HFC-999", "AR5")


@pytest.mark.parametrize(
    ("day", "ch4", "n2o"),
    [
        (dt.date(2021, 1, 1), ("AR2", 21.0), ("AR5", 265.0)),  # lowest of AR2/AR4/AR5
        (dt.date(2030, 6, 1), ("AR2", 21.0), ("AR5", 265.0)),
        (dt.date(2020, 12, 31), ("AR4", 25.0), ("AR4", 298.0)),
        (dt.date(2013, 1, 1), ("AR4", 25.0), ("AR4", 298.0)),
        (dt.date(2012, 12, 31), ("AR2", 21.0), ("AR2", 310.0)),
    ],
)
def test_cdm_rule(day: dt.date, ch4: tuple, n2o: tuple) -> None:
    assert (cdm_gwp("CH4", day).set, cdm_gwp("CH4", day).value) == ch4
    assert (cdm_gwp("N2O", day).set, cdm_gwp("N2O", day).value) == n2o


# --- through a run: a test-only methodology that uses the GWPs ---------------------------


class MethaneToy(Methodology):
    """Test-only: BE = CH4 x GWP_CH4 + N2O x GWP_N2O (masses destroyed), PE = LE = 0."""

    id = "test.gwp"
    version = "cdm"
    title = "Toy methodology for the GWP choice"
    gwp_rule = "cdm"
    monitoring = (
        MonitoringVariable("CH4", "methane destroyed", "t"),
        MonitoringVariable("N2O", "nitrous oxide destroyed", "t"),
    )

    def applicability(self, inputs: Inputs) -> Sequence[Finding]:
        return [Finding("test.gwp.applicability.any", "toy", Status.PASS, "always")]

    def quantify(self, inputs: Inputs, led: Ledger) -> None:
        be = led.add(
            "BE",
            led.value("CH4") * inputs.gwp_of("CH4") + led.value("N2O") * inputs.gwp_of("N2O"),
            "t",
            "toy",
            ("CH4", "N2O"),
        )
        pe = led.add("PE", 0.0, "t", "toy")
        le = led.add("LE", 0.0, "t", "toy")
        led.add("ER", be - pe - le, "t", "toy", ("BE", "PE", "LE"))


class ProjectChoiceToy(MethaneToy):
    """The same, with the GWP set chosen by the project file."""

    version = "project"
    gwp_rule = "project"


TOYS = {MethaneToy.key(): MethaneToy, ProjectChoiceToy.key(): ProjectChoiceToy}


def toy_project(
    directory: Path, start: dt.date, end: dt.date, version: str = "cdm", gwp_set: str | None = None
) -> Path:
    """Daily data: 1 t CH4 and 0.01 t N2O destroyed per day."""
    stamps = pd.date_range(start, end, freq="D")
    frame = pd.DataFrame(
        {
            "timestamp": [t.isoformat() for t in stamps],
            "ch4": np.ones(stamps.size),
            "n2o": np.full(stamps.size, 0.01),
        }
    )
    return write_project(
        directory,
        {"monitoring.csv": frame},
        methodology="test.gwp",
        version=version,
        start=start,
        end=end,
        timezone="UTC",
        project={} if gwp_set is None else {"gwp": gwp_set},
        monitoring={
            "time": "timestamp",
            "label": "start",
            "interval": "1D",
            "variables": {
                "CH4": {"column": "ch4", "unit": "t"},
                "N2O": {"column": "n2o", "unit": "kg"},
            },
        },
    )


def test_run_uses_the_cdm_rule(tmp_path: Path) -> None:
    """2024, 10 days, N2O given in kg (0.01 kg/day): BE = 10 x (1 x 21 + 1e-5 x 265)
    = 210.0265 t; the report records the rule and the sources."""
    frame_start, frame_end = dt.date(2024, 3, 1), dt.date(2024, 3, 10)
    result = run_project(toy_project(tmp_path, frame_start, frame_end), available=TOYS)
    assert result.totals["ER"] == pytest.approx(10 * (21.0 + 1e-5 * 265.0), rel=1e-12)
    (section,) = result.report()["gwp"]
    assert "lowest of AR2, AR4 and AR5" in section["rule"]
    assert section["values"]["CH4"]["value"] == 21.0 and section["values"]["CH4"]["set"] == "AR2"
    assert section["values"]["N2O"]["value"] == 265.0 and section["values"]["N2O"]["set"] == "AR5"
    # The GWPs are ledger quantities too, with their source and the rule that chose them.
    gwp_ch4 = result.ledger["GWP_CH4"]
    assert gwp_ch4.total() == 21.0 and gwp_ch4.role == "parameter"
    assert gwp_ch4.equation.startswith("AR2: ") and "lowest of AR2" in gwp_ch4.equation


def test_run_before_2013_uses_ar2(tmp_path: Path) -> None:
    """2012: AR2 (N2O 310). BE = 10 x (21 + 1e-5 x 310) = 210.031 t."""
    result = run_project(
        toy_project(tmp_path, dt.date(2012, 3, 1), dt.date(2012, 3, 10)), available=TOYS
    )
    assert result.totals["ER"] == pytest.approx(10 * (21.0 + 1e-5 * 310.0), rel=1e-12)


def test_period_across_a_rule_change_is_split(tmp_path: Path) -> None:
    """A period from 2020-12-30 to 2021-01-02 is quantified in two parts: two days under
    AR4 (CH4 25, N2O 298) and two under the 2021 rule (CH4 21, N2O 265).
    BE = 2 x (25 + 1e-5 x 298) + 2 x (21 + 1e-5 x 265) = 92.01126 t."""
    result = run_project(
        toy_project(tmp_path, dt.date(2020, 12, 30), dt.date(2021, 1, 2)), available=TOYS
    )
    expected = 2 * (25.0 + 1e-5 * 298.0) + 2 * (21.0 + 1e-5 * 265.0)
    assert result.totals["ER"] == pytest.approx(expected, rel=1e-12)
    parts = result.report()["gwp"]
    assert [(p["from"], p["to"]) for p in parts] == [
        ("2020-12-30", "2020-12-31"),
        ("2021-01-01", "2021-01-02"),
    ]
    assert [p["values"]["CH4"]["set"] for p in parts] == ["AR4", "AR2"]
    np.testing.assert_allclose(
        result.ledger.series("BE"), [25.00298, 25.00298, 21.00265, 21.00265], rtol=1e-12
    )


def test_overriding_the_cdm_rule_is_non_compliant(tmp_path: Path) -> None:
    """gwp = "AR5" where the CDM prescribes 21/265: CH4 28 is used and the report says the
    result is not compliant. BE = 10 x (28 + 1e-5 x 265) = 280.0265 t."""
    path = toy_project(tmp_path, dt.date(2024, 3, 1), dt.date(2024, 3, 10), gwp_set="AR5")
    result = run_project(path, available=TOYS)
    assert result.totals["ER"] == pytest.approx(10 * (28.0 + 1e-5 * 265.0), rel=1e-12)
    report = result.report()
    assert report["compliance"] == {"compliant": False, "overridden": ["test.gwp.gwp"]}
    (finding,) = [f for f in report["findings"] if f["name"] == "test.gwp.gwp"]
    assert finding["status"] == "overridden" and "project.gwp = 'AR5'" in finding["message"]


def test_project_choice(tmp_path: Path) -> None:
    """A methodology that lets the project choose: AR6 gives 27.9 and 273; no choice is
    an error naming project.gwp."""
    path = toy_project(
        tmp_path / "a", dt.date(2024, 3, 1), dt.date(2024, 3, 10), "project", gwp_set="AR6"
    )
    result = run_project(path, available=TOYS)
    assert result.totals["ER"] == pytest.approx(10 * (27.9 + 1e-5 * 273.0), rel=1e-12)
    path = toy_project(tmp_path / "b", dt.date(2024, 3, 1), dt.date(2024, 3, 10), "project")
    with pytest.raises(ParameterError, match="project.gwp"):
        run_project(path, available=TOYS)
