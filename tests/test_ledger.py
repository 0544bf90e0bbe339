"""The ledger: recording rules, totals, per-step balance check, dataset export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reductions.ledger import Ledger, LedgerError

TIME = xr.DataArray(pd.date_range("2024-01-01", periods=4, freq="h"), dims="time")


def ledger_with(er_offset: float = 0.0) -> Ledger:
    led = Ledger("test v1", time=TIME)
    led.add("EF", 0.5, "t/MWh", "parameter", role="parameter", extensive=False)
    led.add("EG", np.array([1.0, 2.0, 0.0, 4.0]), "MWh", "monitored", role="monitored")
    be = led.add("BE", led.value("EG") * led.value("EF"), "t", "eq. (1)", ("EG", "EF"))
    pe = led.add("PE", np.array([0.1, 0.0, 0.0, 0.2]), "t", "eq. (2)")
    le = led.add("LE", 0.0, "t", "none")
    led.add("ER", be - pe - le + er_offset, "t", "eq. (4)", ("BE", "PE", "LE"))
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
    assert led["BE"].inputs == ("EG", "EF") and led["BE"].unit == "t"
    assert "ER" in led and len(led) == 6


def test_check_finds_an_imbalance_at_a_step() -> None:
    led = Ledger("test v1", time=TIME)
    led.add("BE", np.array([1.0, 1.0, 1.0, 1.0]), "t", "x")
    led.add("PE", 0.0, "t", "x")
    led.add("LE", 0.0, "t", "x")
    led.add("ER", np.array([1.0, 1.0, 0.999, 1.0]), "t", "x", ("BE", "PE", "LE"))
    with pytest.raises(LedgerError, match="step 2"):
        led.check()


def test_check_needs_all_totals() -> None:
    led = Ledger("test v1", time=TIME)
    led.add("BE", 1.0, "t", "x")
    with pytest.raises(LedgerError, match=r"lacks \['PE', 'LE', 'ER'\]"):
        led.check()


def test_recording_rules() -> None:
    led = ledger_with()
    with pytest.raises(LedgerError, match="already"):
        led.add("BE", 1.0, "t", "x")
    with pytest.raises(LedgerError, match="not in the ledger"):
        led.add("X", 1.0, "t", "x", ("nothing",))
    led.add("F", np.ones(4), "1", "x", extensive=False)
    with pytest.raises(LedgerError, match="intensive"):
        led["F"].total()
    no_time = Ledger("test v1")
    with pytest.raises(LedgerError, match="time axis"):
        no_time.add("A", np.ones(3), "t", "x")
    spread = Ledger("test v1", time=TIME)
    spread.add("A", 2.0, "t", "x")  # an extensive scalar cannot be spread over time
    with pytest.raises(LedgerError, match="extensive scalar"):
        spread.series("A")


def test_stored_values_are_copies_with_units() -> None:
    """A DataArray is copied and labelled: later changes to the input do not leak in."""
    led = Ledger("test v1", time=TIME)
    da = xr.DataArray(np.ones(4), coords={"time": TIME}, dims="time")
    stored = led.add("EG", da, "MWh", "monitored")
    da[0] = 99.0
    assert float(stored[0]) == 1.0
    assert stored.attrs == {"units": "MWh"} and stored.name == "EG"


def test_dataset() -> None:
    ds = ledger_with().dataset()
    assert set(ds.data_vars) == {"EG", "BE", "PE", "ER"}
    assert ds["BE"].attrs["units"] == "t"
    assert ds["BE"].attrs["equation"] == "eq. (1)"
    assert ds["BE"].attrs["inputs"] == "EG EF"
