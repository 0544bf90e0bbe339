"""Tests of ccus.chain: mass balance at every node and step, invariances, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from ccus import chain as ch
from ccus import pipeline as pl
from ccus.errors import CCUSInputError

# adiabatic line (U = 0): with ground cooling the quasi-steady *thermal* line-pack change
# between 20 and 60 kg/s exceeds a 15-min inflow and LinePackError is raised, as designed
PIPE = pl.Pipeline.uniform(20e3, 5, 0.3, U=0.0)


def _chain(captured, *, with_pipe=True, leak=0.0, vent=None, sep=None, FI=0.0, surface=0.001):
    nodes = [
        ch.Capture("capture", captured, vented=vent, fugitive_fraction=1e-4, specific_energy=0.9),
        ch.Compression(
            "compression",
            1.5e5,
            313.15,
            15e6,
            options={"p_cutoff": 8.5e6, "T_aftercooler": 300.0, "method": "fast"},
            fugitive_fraction=5e-5,
        ),
    ]
    if with_pipe:
        nodes.append(
            ch.PipelineTransport(
                "pipeline", PIPE, 15e6, 300.0, options={"method": "fast"}, leak_fraction=leak
            )
        )
    nodes += [
        ch.LiquidTransport(
            "ship",
            transit_time=5 * 3600.0,
            boil_off_fraction=0.003,
            reliquefied_fraction=0.5,
            loading_vent_fraction=0.002,
            unloading_vent_fraction=0.001,
            distance_km=500.0,
            fuel_per_tonne_km=1e-5,
            emission_factor=3.114,
        ),
        ch.StorageSite(
            "storage",
            separated=sep,
            entrained_ratio=0.05,
            recycle_vent_fraction=0.01,
            equipment_injection=FI,
            surface_leakage=surface,
        ),
    ]
    return ch.Chain(nodes)


@settings(max_examples=15, deadline=None)
@given(
    rates=st.lists(st.floats(20.0, 60.0), min_size=2, max_size=12),
    steps=st.lists(st.floats(900.0, 86400.0), min_size=12, max_size=12),
    leak=st.floats(0.0, 0.01),
    sep_frac=st.floats(0.0, 0.5),
)
def test_mass_balance_at_every_node_and_step(rates, steps, leak, sep_frac):
    # mean rates 20-60 kg/s over irregular steps of 15 min to 1 day
    dt = np.array(steps[: len(rates)])
    m = np.array(rates) * dt / 1e3
    edges = np.concatenate([[0.0], np.cumsum(dt)])
    ds = _chain(m, leak=leak, sep=sep_frac * m).run(edges)
    scale = float(m.max())
    resid = ds["in"] - ds["out"] - ds["emitted"] - ds["inventory_change"]
    assert float(np.abs(resid).max()) <= 1e-12 * scale
    assert ch.check_balance(ds) <= 1e-12 * scale
    # whole-chain closure: captured = stored + every emission + transferred out + inventory
    total_in = float(ds["in"].sel(node="capture").sum())
    total = float(
        ds["emitted"].sum() + ds["inventory_change"].sum() + ds["out"].sel(node="storage").sum()
    )
    assert total == pytest.approx(total_in, rel=1e-12)
    # each node hands its out to the next
    np.testing.assert_array_equal(ds["out"].values[:, :-1], ds["in"].values[:, 1:])


def test_dataset_structure_and_units():
    edges = np.datetime64("2025-01-01T00") + np.arange(5) * np.timedelta64(1, "h")
    ds = _chain(np.full(4, 100.0)).run(edges)
    assert ds["in"].dims == ("time", "node")
    assert list(ds.node.values) == ["capture", "compression", "pipeline", "ship", "storage"]
    for v in (
        "in",
        "out",
        "emitted",
        "emitted_vented",
        "emitted_fugitive",
        "emitted_leaked",
        "emitted_boil_off",
        "inventory_change",
        "energy",
        "combustion",
    ):
        assert v in ds
    assert ds["energy"].attrs["units"] == "MWh" and ds["in"].attrs["units"] == "t"
    np.testing.assert_allclose(ds["duration"], 3600.0)
    assert float(ds["combustion"].sel(node="ship").sum()) > 0
    assert float(ds["energy"].sel(node="compression").sum()) > 0


@pytest.mark.parametrize("with_pipe", [True, False])
def test_hourly_and_daily_give_same_totals(with_pipe):
    # the same daily totals, delivered evenly within each day, at hourly and daily
    # resolution give the same total stored, emitted and energy. The pipeline (line-pack)
    # and the ship (transit delay) are tested in separate chains: together, the line-pack
    # change at a day boundary is a within-day profile that the delayed ship then sees
    # differently at the two resolutions (a real resolution effect, not a balance error).
    rng = np.random.default_rng(7)
    daily = rng.uniform(2000.0, 4000.0, 4)
    hourly = np.repeat(daily / 24.0, 24)
    e_h = np.arange(hourly.size + 1) * 3600.0
    e_d = np.arange(daily.size + 1) * 86400.0

    def build(m):
        # surface leakage of 1 kg/h, given per step (t) as monitoring data would be
        c = _chain(m, with_pipe=with_pipe, surface=np.full(m.size, 1e-3 * 96 / m.size))
        if with_pipe:
            c = ch.Chain([nd for nd in c.nodes if nd.name != "ship"])
        return c

    a = build(hourly).run(e_h)
    b = build(daily).run(e_d)
    for v in ("inventory_change", "emitted", "energy", "combustion"):
        assert float(a[v].sum()) == pytest.approx(float(b[v].sum()), rel=1e-9), v
    stored_h = float(a["inventory_change"].sel(node="storage").sum())
    stored_d = float(b["inventory_change"].sel(node="storage").sum())
    assert stored_h == pytest.approx(stored_d, rel=1e-12)


def test_numpy_and_dataarray_flows_agree():
    m = np.array([100.0, 120.0, 90.0])
    edges = np.arange(4) * 3600.0
    a = _chain(m).run(edges)
    b = _chain(xr.DataArray(m, dims="time")).run(xr.DataArray(edges, dims="edge"))
    xr.testing.assert_equal(a, b)


def test_nan_flow_names_node_and_time():
    edges = np.datetime64("2025-01-01T00") + np.arange(4) * np.timedelta64(1, "h")
    with pytest.raises(CCUSInputError, match=r"'capture'.*captured is NaN.*2025-01-01T01"):
        _chain(np.array([100.0, np.nan, 100.0])).run(edges)
    with pytest.raises(CCUSInputError, match=r"'capture'.*vented is NaN.*index 2"):
        _chain(np.full(3, 100.0), vent=np.array([0.0, 0.0, np.nan])).run(edges)
    with pytest.raises(CCUSInputError, match=r"'storage'.*equipment_injection exceeds"):
        _chain(np.full(3, 100.0), FI=5.0).run(edges)


def test_bad_time_and_nodes():
    with pytest.raises(CCUSInputError, match="increasing"):
        _chain(np.full(2, 1.0)).run(np.array([0.0, 10.0, 5.0]))
    with pytest.raises(CCUSInputError, match="first node"):
        ch.Chain([ch.StorageSite("s")])
    with pytest.raises(CCUSInputError, match="one value per time step"):
        _chain(np.full(5, 1.0)).run(np.arange(4) * 3600.0)


def test_line_pack_error_when_quasi_steady_fails():
    # flow stops: with a fixed inlet pressure the quasi-steady line packs up to p_in
    # everywhere, more than the (zero) inflow can supply -> typed error naming node and time
    pipe = pl.Pipeline.uniform(100e3, 10, 0.3)
    c = ch.Chain(
        [
            ch.Capture("capture", np.array([300.0, 0.0])),
            ch.PipelineTransport("pipeline", pipe, 15e6, 290.0, options={"method": "exact"}),
        ]
    )
    with pytest.raises(ch.LinePackError, match=r"'pipeline'.*index 1"):
        c.run(np.arange(3) * 3600.0)
    c2 = ch.Chain(
        [
            ch.Capture("capture", np.array([300.0, 0.0])),
            ch.PipelineTransport(
                "pipeline", pipe, 15e6, 290.0, options={"method": "exact"}, line_pack=False
            ),
        ]
    )
    assert ch.check_balance(c2.run(np.arange(3) * 3600.0)) == 0.0


def test_timezone_aware_time_edges() -> None:
    """Regression: a time-zone-aware DatetimeIndex as time_edges raised TypeError; the same
    instants aware or naive UTC give the same Dataset."""
    import pandas as pd

    from ccus import chain as ch

    aware = pd.date_range("2025-01-01", periods=4, freq="h", tz="UTC+08:00")
    naive = aware.tz_convert("UTC").tz_localize(None)
    chain = ch.Chain([ch.Capture("cap", np.array([1.0, 2.0, 3.0])), ch.StorageSite("inj")])
    a, b = chain.run(aware), chain.run(naive)
    np.testing.assert_array_equal(a["in"].values, b["in"].values)
    assert ch.check_balance(a) == 0.0
