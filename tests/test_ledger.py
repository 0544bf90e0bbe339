"""The ledger: recording rules, tagged equations, N-dimensional totals, the ER identity
at every step, and mass balances at every node and step.

Numbers are hand arithmetic on the values written in each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from reductions.ledger import Ledger, LedgerError, TimeAxis
from reductions.plugin import Status, equation

START = pd.date_range("2024-01-01", periods=4, freq="h").values
AXIS = TimeAxis(START, START + np.timedelta64(1, "h"))


def series(values: list[float], **dims: list[str]) -> xr.DataArray:
    arr = np.asarray(values, dtype=float)
    coords = {"time": AXIS.start, **dims}
    return xr.DataArray(arr, dims=("time", *dims), coords=coords)


@equation("TEST", "1.0", "eq. (1)", returns=("BE", "t"), text="BE = EG * EF")
def baseline(EG, EF):  # noqa: ANN001, ANN201
    """Baseline emissions."""
    return EG * EF


@equation("TEST", "1.0", "eq. (9)", returns=("ER", "t"))
@equation("OTHER", "2", "eq. (3)", returns=("ER_y", "t"))
def reductions_(BE, PE, LE):  # noqa: ANN001, ANN201
    """Emission reductions."""
    return BE - PE - LE


def ledger_with(er_offset: float = 0.0) -> Ledger:
    led = Ledger("test v1", sources=["TEST"], axes=[AXIS])
    led.parameter("EF", 0.5, "t/MWh", "fixture")
    led.add("EG", series([1.0, 2.0, 0.0, 4.0]), "MWh", "monitored", role="monitored")
    led.apply(baseline)
    led.add("PE", series([0.1, 0.0, 0.0, 0.2]), "t", "eq. (2)")
    led.add("LE", 0.0, "t", "none")
    if er_offset:
        led.add("ER", led.value("BE") - led.value("PE") + er_offset, "t", "x", ("BE", "PE"))
    else:
        led.apply(reductions_)
    return led


def test_totals_and_series() -> None:
    """BE = 7 MWh x 0.5 = 3.5 t; PE = 0.3 t; ER = 3.2 t."""
    led = ledger_with()
    led.check()
    assert led.totals() == pytest.approx({"BE": 3.5, "PE": 0.3, "LE": 0.0, "ER": 3.2}, rel=1e-15)
    np.testing.assert_allclose(led.series("ER"), [0.4, 1.0, 0.0, 1.8], rtol=1e-15)
    np.testing.assert_array_equal(led.series("LE"), np.zeros(4))
    np.testing.assert_array_equal(led.series("EF"), np.full(4, 0.5))
    assert led.symbols() == ["EF", "EG", "BE", "PE", "LE", "ER"]


def test_apply_records_reference_unit_and_inputs_from_the_tag() -> None:
    led = ledger_with()
    be = led["BE"]
    assert (be.unit, be.equation, be.inputs) == ("t", "TEST v1.0 eq. (1)", ("EG", "EF"))
    assert be.description == "Baseline emissions." and be.extensive
    er = led["ER"]
    assert er.equation == "TEST v1.0 eq. (9)" and er.inputs == ("BE", "PE", "LE")
    # time_end is attached from the monitored axis.
    np.testing.assert_array_equal(be.value["time_end"].values, AXIS.end)


def test_apply_chooses_the_tag_of_the_methodology_or_the_named_source() -> None:
    led = Ledger("other", sources=["OTHER"], axes=[AXIS])
    for s in ("BE", "PE", "LE"):
        led.add(s, 1.0, "t", "x")
    led.apply(reductions_)
    assert led["ER_y"].equation == "OTHER v2 eq. (3)"
    led.apply(reductions_, source="TEST", returns="ER")
    assert led["ER"].equation == "TEST v1.0 eq. (9)"
    nowhere = Ledger("none", axes=[AXIS])
    for s in ("BE", "PE", "LE"):
        nowhere.add(s, 1.0, "t", "x")
    with pytest.raises(LedgerError, match="name one with source="):
        nowhere.apply(reductions_)


def test_apply_maps_arguments_to_other_symbols_and_refuses_untagged_functions() -> None:
    led = Ledger("test", sources=["TEST"], axes=[AXIS])
    led.add("EG_net", series([2.0, 2.0, 2.0, 2.0]), "MWh", "x")
    led.parameter("EF_CM", 0.25, "t/MWh", "x")
    led.apply(baseline, EG="EG_net", EF="EF_CM")
    assert led["BE"].inputs == ("EG_net", "EF_CM") and led["BE"].total() == 2.0
    with pytest.raises(LedgerError, match="not in the ledger"):
        Ledger("t", sources=["TEST"]).apply(baseline)
    with pytest.raises(LedgerError, match="no argument"):
        led.apply(baseline, X="EG_net")
    with pytest.raises(LedgerError, match="not a tagged equation"):
        led.apply(lambda EG: EG)


def test_check_finds_an_imbalance_at_a_step() -> None:
    led = Ledger("test v1", axes=[AXIS])
    led.add("BE", series([1.0, 1.0, 1.0, 1.0]), "t", "x")
    led.add("PE", 0.0, "t", "x")
    led.add("LE", 0.0, "t", "x")
    led.add("ER", series([1.0, 1.0, 0.999, 1.0]), "t", "x", ("BE", "PE", "LE"))
    with pytest.raises(LedgerError, match="step 2"):
        led.check()


def test_check_needs_all_totals() -> None:
    led = Ledger("test v1")
    led.add("BE", 1.0, "t", "x")
    with pytest.raises(LedgerError, match=r"lacks \['PE', 'LE', 'ER'\]"):
        led.check()


def test_recording_rules() -> None:
    led = ledger_with()
    with pytest.raises(LedgerError, match="already"):
        led.add("BE", 1.0, "t", "x")
    with pytest.raises(LedgerError, match="not in the ledger"):
        led.add("X", 1.0, "t", "x", ("nope",))
    with pytest.raises(LedgerError, match="coordinates"):
        led.add("Y", np.ones(4), "t", "x")
    other = xr.DataArray(np.ones(2), dims="time", coords={"time": START[:2]})
    with pytest.raises(LedgerError, match="time axis"):
        led.add("Z", other, "t", "x")


def test_intensive_quantities_have_no_total_and_units_decide_by_default() -> None:
    led = ledger_with()
    assert not led["EF"].extensive and led["EG"].extensive
    led.add("T", series([300.0, 301.0, 302.0, 303.0]), "K", "x")
    assert not led["T"].extensive
    with pytest.raises(LedgerError, match="intensive"):
        led["T"].total()


def test_totals_reduce_over_every_dimension() -> None:
    """Three meters over four hours: the total is the sum of all twelve values."""
    led = Ledger("meters", axes=[AXIS])
    data = series([1.0, 2.0, 3.0, 4.0]) * xr.DataArray(
        [1.0, 10.0, 100.0], dims="meter", coords={"meter": ["A", "B", "C"]}
    )
    led.add("F", data, "t", "monitored")
    assert led["F"].total() == pytest.approx(10.0 * 111.0, rel=1e-15)
    assert led["F"].dims == ("time", "meter")


def test_balance_closes_at_every_node_and_step_or_names_where_not() -> None:
    """A two-node chain: in = out + emitted + change of inventory."""
    nodes = {"node": ["capture", "pipeline"]}
    led = Ledger("chain", axes=[AXIS])
    led.add("IN", series([[10, 8]] * 4, **nodes), "t", "x")
    led.add("OUT", series([[8, 7.5]] * 4, **nodes), "t", "x")
    led.add("VENT", series([[2, 0.25]] * 4, **nodes), "t", "x")
    led.add("DINV", series([[0, 0.25]] * 4, **nodes), "t", "x")
    f = led.balance(
        "chain.balance",
        inflow=["IN"],
        outflow=["OUT"],
        emitted=["VENT"],
        inventory_change=["DINV"],
        clause="mass balance",
    )
    assert f.status is Status.PASS and f in led.findings
    led.add("LEAK", series([[0, 0]] * 3 + [[0, 0.1]], **nodes), "t", "x")
    f = led.balance(
        "chain.balance2",
        inflow=["IN"],
        outflow=["OUT"],
        emitted=["VENT", "LEAK"],
        inventory_change=["DINV"],
        clause="mass balance",
    )
    # The pipeline node in the last hour: 8 - 7.5 - (0.25 + 0.1) - 0.25 = -0.1 t.
    assert f.status is Status.FAIL and "node pipeline" in f.message
    assert f.values["node"] == "pipeline" and f.values["residual"] == pytest.approx(-0.1)
    assert f.values["time"] == "2024-01-01T03:00:00+00:00"


@settings(deadline=None, max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e6, allow_nan=False),
            st.floats(0, 1e4, allow_nan=False),
            st.floats(0, 1e4, allow_nan=False),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_er_identity_holds_for_any_input(rows: list[tuple[float, float, float]]) -> None:
    """BE - PE - LE = ER at every step and in total, for any non-negative amounts."""
    be, pe, le = (list(x) for x in zip(*rows, strict=True))
    led = Ledger("prop", sources=["TEST"], axes=[AXIS])
    led.add("BE", series(be), "t", "x")
    led.add("PE", series(pe), "t", "x")
    led.add("LE", series(le), "t", "x")
    led.apply(reductions_)
    led.check()
    t = led.totals()
    assert t["ER"] == pytest.approx(t["BE"] - t["PE"] - t["LE"], rel=1e-12, abs=1e-9)


def test_resample_onto_the_axis_of_another_series() -> None:
    """Four 15-minute states and amounts onto one hour: the mean of 1, 2, 3, 6 is 3.0;
    the sum of the amounts 1 + 2 + 3 + 6 is 12.0."""
    quarter = START[:1] + np.arange(4) * np.timedelta64(15, "m")
    fine = TimeAxis(quarter, quarter + np.timedelta64(15, "m"))
    hour = TimeAxis(START[:1], START[:1] + np.timedelta64(1, "h"))
    led = Ledger("resample", axes=[fine, hour])
    led.add("T", fine.series(np.array([1.0, 2.0, 3.0, 6.0])), "K", "x")
    led.add("E", fine.series(np.array([1.0, 2.0, 3.0, 6.0])), "MWh", "x")
    led.add("F", hour.series(np.array([10.0])), "MWh", "x")
    led.resample("T", "F", returns="T_h", reference="TEST para. 3")
    led.resample("E", "F", returns="E_h", reference="TEST para. 3")
    assert led["T_h"].value.values.tolist() == [3.0] and not led["T_h"].extensive
    assert led["E_h"].value.values.tolist() == [12.0] and led["E_h"].extensive
    assert led["T_h"].inputs == ("T", "F")
    assert led["T_h"].equation.startswith("TEST para. 3; duration-weighted mean of T")
    np.testing.assert_array_equal(led["E_h"].value["time_end"].values, hour.end)
