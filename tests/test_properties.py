"""Properties of whole runs (hypothesis): conservation and invariance, not positivity.

Every example runs a complete project (project file -> monitoring ingest -> methodology
-> ledger -> report), for both renewable methodologies (CDM ACM0002 v22.0 and
CCER-01-002-V01 with its meter-error correction). The properties are those of issue 2,
item 6, and CONVENTIONS.md "Tests", kind 3:

- ER = BE - PE - LE at every time step, per reporting interval and in total;
- ER does not change with the unit the data come in, with splitting the period in two
  (interval values and registers), with the order of the rows before sorting, or with
  the resolution of the data (15 min, 1 h, 1 day, 1 month) holding the same energy;
- more imported electricity never raises ER; more exported electricity never lowers it;
- two runs give the same report.json apart from its creation time.

Tolerances: the same energy given in another unit, split, or summed at another
resolution reaches the engine through different floating-point operations (a x 1000 /
1000, sums in another order), so totals agree to rounding, not bit for bit. ``RTOL``
(1e-9) is many orders above the accumulated rounding of a few thousand additions of
doubles (~1e-13 relative) and far below any physical difference; the absolute floor is
the same relative tolerance of the gross energy times the emission factor, because ER
itself may be near zero when import and export nearly cancel.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.ledger import TOTALS
from reductions.run import Result, run_project
from tests.strategies import (
    PER_MWH,
    Case,
    cases,
    energy_arrays,
    energy_unit,
    interval_frame,
    monthly_frame,
    register_frame,
    resample,
    seeded_cases,
    split_case,
    write_case,
)

RTOL = 1e-9
PROPS = settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def scale(result: Result) -> float:
    """Gross energy x emission factor [t]: the size ER is compared at."""
    led = result.ledger
    gross = float(np.sum(led.series("EG_export")) + np.sum(led.series("EG_import")))
    ef = float(np.max(led.series("EF_grid_CM_y")))
    return max(gross * ef, 1.0)


def assert_same_er(a: Result, b: Result) -> None:
    tol = RTOL * max(scale(a), scale(b))
    for s in TOTALS:
        assert a.totals[s] == pytest.approx(b.totals[s], rel=RTOL, abs=tol), s


# --- ER = BE - PE - LE ----------------------------------------------------------------------


@PROPS
@given(case=cases())
def test_er_is_be_minus_pe_minus_le_everywhere(case: Case, new_dir: Callable[[], Path]) -> None:
    """At every time step of the ledger, per reporting interval and in total."""
    result = run_project(write_case(new_dir(), case))
    led = result.ledger
    be, pe, le, er = (led.series(s) for s in TOTALS)
    assert be.shape == er.shape == (case.n,)
    np.testing.assert_allclose(er, be - pe - le, rtol=1e-12, atol=1e-12)
    totals = result.totals
    assert totals["ER"] == pytest.approx(totals["BE"] - totals["PE"] - totals["LE"], rel=1e-12)
    report = result.report()
    for row in report["intervals"]:
        assert row["ER"] == pytest.approx(row["BE"] - row["PE"] - row["LE"], rel=1e-12, abs=1e-9)
    # The reporting intervals sum to the period total (DESIGN.md, "Monitoring data").
    for s in TOTALS:
        assert sum(r[s] for r in report["intervals"]) == pytest.approx(
            report["totals"][s], rel=1e-12, abs=1e-9
        )


@PROPS
@given(case=cases(methodology="cdm.acm0002"))
def test_acm0002_er_by_hand(case: Case, new_dir: Callable[[], Path]) -> None:
    """Cross-check by hand derivation: ACM0002 greenfield wind or solar,
    ER = (sum export - sum import) x (w_OM OM + w_BM BM), PE = LE = 0, with the TOOL07
    wind/solar weights 0.75/0.25 (TOOL07 v07.0 Step 6, reproduced by ASB0038-2018)."""
    result = run_project(write_case(new_dir(), case))
    cm = (
        0.75 * case.parameters["EF_grid_OM_y"]["value"]
        + 0.25 * case.parameters["EF_grid_BM_y"]["value"]
    )
    expected = (case.export.sum() - case.imports.sum()) * cm
    assert result.totals["ER"] == pytest.approx(expected, rel=1e-12, abs=1e-9 * scale(result))
    assert result.totals["PE"] == 0.0 and result.totals["LE"] == 0.0


# --- invariances -----------------------------------------------------------------------------


@PROPS
@given(case=cases(), unit=energy_unit, kind=st.sampled_from(["interval", "register"]))
def test_er_invariant_to_unit(
    case: Case, unit: str, kind: str, new_dir: Callable[[], Path]
) -> None:
    """The same physical data in MWh and in kWh, Wh, GWh, GJ or MJ give the same ER."""
    base = run_project(write_case(new_dir(), case, unit="MWh", kind=kind))
    other = run_project(write_case(new_dir(), case, unit=unit, kind=kind))
    assert_same_er(base, other)
    np.testing.assert_allclose(
        other.ledger.series("ER"), base.ledger.series("ER"), rtol=RTOL, atol=RTOL * scale(base)
    )


@PROPS
@given(case=cases(min_days=2, max_days=6), data=st.data())
def test_er_invariant_to_splitting_interval_data(
    case: Case, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Two runs over the two halves of the period, each with its own file, sum to the run
    over the whole period (interval values)."""
    day = data.draw(st.integers(1, case.days - 1), label="split day")
    first, second = split_case(case, day)
    whole = run_project(write_case(new_dir(), case))
    a = run_project(write_case(new_dir(), first))
    b = run_project(write_case(new_dir(), second))
    tol = RTOL * scale(whole)
    for s in TOTALS:
        assert a.totals[s] + b.totals[s] == pytest.approx(whole.totals[s], rel=RTOL, abs=tol)


@PROPS
@given(case=cases(min_days=2, max_days=6), data=st.data(), unit=st.sampled_from(["kWh", "MWh"]))
def test_er_invariant_to_splitting_register_data(
    case: Case, data: st.DataObject, unit: str, new_dir: Callable[[], Path]
) -> None:
    """Registers: each half's file holds the readings of its half, both hold the reading
    at the boundary; the halves' ER sum to the whole period's."""
    day = data.draw(st.integers(1, case.days - 1), label="split day")
    k = day * 24  # hourly readings; reading k is local midnight starting day ``day``
    full = register_frame(case, unit)
    whole = run_project(write_case(new_dir(), case, kind="register", unit=unit, frame=full))
    first, second = split_case(case, day)
    a = run_project(
        write_case(new_dir(), first, kind="register", unit=unit, frame=full.iloc[: k + 1])
    )
    b = run_project(write_case(new_dir(), second, kind="register", unit=unit, frame=full.iloc[k:]))
    tol = RTOL * scale(whole)
    for s in TOTALS:
        assert a.totals[s] + b.totals[s] == pytest.approx(whole.totals[s], rel=RTOL, abs=tol)


@PROPS
@given(case=cases(max_days=3), data=st.data())
def test_declared_rollover_gives_the_interval_result(
    case: Case, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """An export register (kWh) that rolls over once, with the rollover declared, gives
    the same ER as the interval values (the modulus is a power of ten above the period's
    energy; the register starts a drawn amount below it)."""
    total_kwh = float(case.export.sum() * 1000.0)
    modulus = 10.0 ** max(3, int(np.ceil(np.log10(total_kwh + 2.0))) + 1)
    below = data.draw(st.floats(min_value=1.0, max_value=modulus / 2), label="start below")
    frame = register_frame(case, "kWh", initial=(modulus - below, 50_000.0))
    crossed = np.flatnonzero(frame["export"].to_numpy() >= modulus)
    events = []
    if crossed.size:
        j = int(crossed[0])
        frame.loc[j:, "export"] = frame.loc[j:, "export"] - modulus
        events = [
            {
                "variable": "EG_export",
                "kind": "rollover",
                "time": dt.datetime.fromisoformat(frame["timestamp"][j]),
                "modulus": modulus,
            }
        ]
    base = run_project(write_case(new_dir(), case))
    rolled = run_project(
        write_case(new_dir(), case, kind="register", unit="kWh", frame=frame, events=events)
    )
    assert len(rolled.quality.events) == len(events)
    # The register subtracts readings near the modulus: rounding of one ulp of the modulus
    # per reading, far below RTOL of the period's energy.
    assert rolled.totals["ER"] == pytest.approx(
        base.totals["ER"], rel=RTOL, abs=RTOL * scale(base) + 1e-12 * modulus
    )


@PROPS
@given(
    case=cases(max_days=3),
    kind=st.sampled_from(["interval", "register"]),
    data=st.data(),
)
def test_er_invariant_to_row_order_when_sorted(
    case: Case, kind: str, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Rows given in any order with ``sort = true`` give the same ER as sorted rows, and
    the report records that the rows were sorted."""
    frame = interval_frame(case) if kind == "interval" else register_frame(case)
    order = data.draw(st.permutations(range(len(frame))), label="row order")
    shuffled = frame.iloc[list(order)].reset_index(drop=True)
    unit = "MWh" if kind == "interval" else "kWh"
    base = run_project(write_case(new_dir(), case, kind=kind, unit=unit, frame=frame))
    other = run_project(
        write_case(new_dir(), case, kind=kind, unit=unit, frame=shuffled, sort=True)
    )
    # Sorting restores the same rows, so the results are identical, not merely close.
    for s in TOTALS:
        assert other.totals[s] == base.totals[s]
    np.testing.assert_array_equal(other.ledger.series("ER"), base.ledger.series("ER"))
    moved = list(order) != list(range(len(frame)))
    assert other.quality.sorted_rows is moved
    assert base.quality.sorted_rows is False


@settings(deadline=None, max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(case=seeded_cases(step="15min", start=dt.date(2024, 1, 1), days=60))
def test_er_invariant_to_resolution(case: Case, new_dir: Callable[[], Path]) -> None:
    """15-minute, hourly, daily and monthly data holding the same energy give the same ER
    and the same per-month totals in the report's intervals (2024-01-01 to 2024-02-29,
    two whole months of local time)."""

    results = {
        "15min": run_project(write_case(new_dir(), case, reporting="month")),
        "1h": run_project(write_case(new_dir(), resample(case, "1h"), reporting="month")),
        "1D": run_project(write_case(new_dir(), resample(case, "1D"), reporting="month")),
    }
    if case.methodology == "cdm.acm0002":
        # Monthly meter data: no meter-error correction changes within a month, so the
        # monthly sums are the same energy. (With CCER calibrations dated mid-month the
        # correction applies per interval and a month cannot carry two corrections.)
        results["month"] = run_project(
            write_case(
                new_dir(),
                case,
                frame=monthly_frame(case),
                interval="month",
                label="start",
                reporting="month",
            )
        )
    base = results["15min"]
    reports = {k: r.report() for k, r in results.items()}
    labels = [row["label"] for row in reports["15min"]["intervals"]]
    assert labels == ["2024-01", "2024-02"]
    tol = RTOL * scale(base)
    for key, result in results.items():
        assert_same_er(base, result)
        rows = reports[key]["intervals"]
        assert [row["label"] for row in rows] == labels, key
        for row, ref in zip(rows, reports["15min"]["intervals"], strict=True):
            for s in TOTALS:
                assert row[s] == pytest.approx(ref[s], rel=RTOL, abs=tol), (key, row["label"], s)


# --- monotonicity ----------------------------------------------------------------------------


@PROPS
@given(case=cases(max_days=2), data=st.data())
def test_more_import_never_raises_er(
    case: Case, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Adding imported electricity (any amount, any interval) never raises ER, for both
    methodologies, with the CCER meter-error correction in force."""
    extra = data.draw(energy_arrays(case.n, max_value=10.0), label="extra import")
    base = run_project(write_case(new_dir(), case))
    more = run_project(write_case(new_dir(), case.with_energy(case.export, case.imports + extra)))
    # Rounding of the sums may move ER by a few ulps when ``extra`` is tiny.
    assert more.totals["ER"] <= base.totals["ER"] + 1e-12 * scale(base)
    assert np.all(more.ledger.series("ER") <= base.ledger.series("ER") + 1e-12 * scale(base))


@PROPS
@given(case=cases(max_days=2), data=st.data())
def test_more_export_never_lowers_er(
    case: Case, data: st.DataObject, new_dir: Callable[[], Path]
) -> None:
    """Adding exported electricity never lowers ER (both methodologies)."""
    extra = data.draw(energy_arrays(case.n, max_value=50.0), label="extra export")
    base = run_project(write_case(new_dir(), case))
    more = run_project(write_case(new_dir(), case.with_energy(case.export + extra, case.imports)))
    assert more.totals["ER"] >= base.totals["ER"] - 1e-12 * scale(base)
    assert np.all(more.ledger.series("ER") >= base.ledger.series("ER") - 1e-12 * scale(base))


# --- determinism ------------------------------------------------------------------------------


def _without_created(text: str) -> str:
    doc = json.loads(text)
    assert isinstance(doc.pop("created"), str)
    assert isinstance(doc.pop("digest"), str)  # covers ``created``
    return json.dumps(doc, sort_keys=False)


@pytest.mark.parametrize(
    "project",
    ["acm0002-wind/project.toml", "ccer-01-002-offshore-wind/project.toml"],
)
def test_report_is_deterministic_for_the_examples(project: str, tmp_path: Path) -> None:
    """Two runs of an example give report.json files identical byte for byte apart from
    the ``created`` line (DESIGN.md, "Files")."""
    path = EXAMPLES / project
    texts = []
    for k in range(2):
        run_project(path).write(tmp_path / f"out{k}")
        texts.append((tmp_path / f"out{k}" / "report.json").read_text(encoding="utf-8"))
    lines = [
        [ln for ln in t.splitlines() if not ln.lstrip().startswith(('"created"', '"digest"'))]
        for t in texts
    ]
    assert lines[0] == lines[1]
    assert _without_created(texts[0]) == _without_created(texts[1])
    # Inputs are named relative to the project file; no absolute path enters the report.
    doc = json.loads(texts[0])
    assert str(tmp_path) not in texts[0]
    assert "location" not in doc["project"]
    assert [i["path"] for i in doc["inputs"]] == ["project.toml", "monitoring.csv"]


@settings(deadline=None, max_examples=10)
@given(case=cases())
def test_report_is_deterministic(case: Case, new_dir: Callable[[], Path]) -> None:
    """Any project: two runs -> identical report.json apart from ``created``."""
    path = write_case(new_dir(), case)
    out = path.parent
    run_project(path).write(out / "a")
    run_project(path).write(out / "b")
    a = (out / "a" / "report.json").read_text(encoding="utf-8")
    b = (out / "b" / "report.json").read_text(encoding="utf-8")
    assert _without_created(a) == _without_created(b)


def test_per_mwh_factors_are_consistent() -> None:
    """The unit table the properties rely on agrees with pint (through the engine)."""
    from reductions.units import conversion_factor

    for unit, k in PER_MWH.items():
        assert conversion_factor(unit, "MWh", variable="x") == pytest.approx(1.0 / k, rel=1e-15)
