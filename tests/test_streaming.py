"""Streaming ingest (reductions.streaming): a table read in chunks gives the same ledger
and the same data-quality record as the same table read in memory, and the same error.

The data: CDM AMS-III.D v21.0 with the flare monitored every 10 seconds (the variables
declare one minute: flow summed, states averaged by duration), two days across
1 January 2021 (GWP 25, then 21: the period is quantified in two parts), read from
CSV, NetCDF and Zarr, in chunks of three hours (and the CSV in blocks of bytes that cut
minutes), against the same files read in memory.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from methodologies.methane.ams_iii_d import AMSIIID
from reductions.errors import InputError, MonitoringDataError, ProjectFileError
from reductions.project import load_project
from reductions.run import Result, run

AVAILABLE = {AMSIIID.key(): AMSIIID}
STEP = 10  # seconds
COLUMNS = ("flow_m3", "ch4", "T_gas_degC", "P_gas_kPa", "T_flare_degC", "flame")
UNITS = ("m**3", "1", "degC", "kPa", "degC", "1")
SYMBOLS = ("V_RG_m", "w_CH4_m", "T_RG_m", "P_RG_m", "T_EG_m", "Flame_m")

PROJECT = """
[project]
name = "streaming test"
methodology = "cdm.ams-iii.d"
methodology_version = "21.0"

[period]
start = 2020-12-31
end = 2021-01-01
timezone = "UTC+8"
reporting = "day"

[parameters]
vs_method = "default"
PE_EC_method = "tool14_default"
flare_type = "enclosed"
residual_waste_handling = "aerobic"
F_EC_default = { value = 0.0, unit = "MWh/t", source = "test" }
B0_market_swine = { value = 0.29, unit = "m**3/kg", source = "test" }
VS_default_market_swine = { value = 0.3, unit = "kg/d", source = "test" }
MCF_uncovered_anaerobic_lagoon = { value = 0.78, unit = "1", source = "test" }
MS_Bl_uncovered_anaerobic_lagoon = 1.0
livestock_confined = true
T_site_annual = { value = 26.0, unit = "degC" }
T_flare_min = { value = 500, unit = "degC", source = "test" }
T_flare_max = { value = 1200, unit = "degC", source = "test" }
F_flare_min = { value = 0, unit = "Nm3/h", source = "test" }
F_flare_max = { value = 1500, unit = "Nm3/h", source = "test" }

[monitoring.daily]
file = "daily.csv"
time = "day"
timezone = "UTC+8"
label = "start"
interval = "1D"

[monitoring.daily.variables]
nd_y = { column = "days", unit = "d" }
N_market_swine = { column = "head", unit = "1" }
MS_i_y = { column = "share", unit = "1" }

[monitoring.flare]
file = "FILE"
time = "time_end"
timezone = "UTC+8"
label = "end"
interval = "10s"
CHUNKS
[monitoring.flare.variables]
VARIABLES
"""


def frame(extra_before: int = 30, extra_after: int = 12) -> pd.DataFrame:
    """Two local days of 10-second rows (labelled by their end), with rows outside the
    period on both sides, empty cells in T_EG and Flame (some across chunk boundaries)."""
    rng = np.random.default_rng(7)
    first = pd.Timestamp("2020-12-31 00:00:10") - pd.Timedelta(seconds=STEP * extra_before)
    n = 2 * 86400 // STEP + extra_before + extra_after
    t = pd.date_range(first, periods=n, freq=f"{STEP}s")
    df = pd.DataFrame(
        {
            "time_end": t,
            "flow_m3": np.round(rng.uniform(0.5, 4.0, n), 4),
            "ch4": np.round(rng.uniform(0.5, 0.65, n), 4),
            "T_gas_degC": np.round(rng.uniform(20.0, 35.0, n), 2),
            "P_gas_kPa": np.round(rng.uniform(100.0, 103.0, n), 3),
            "T_flare_degC": np.round(rng.uniform(700.0, 1000.0, n), 1),
            "flame": (rng.uniform(size=n) > 0.02).astype(float),
        }
    )
    df.loc[df.index[1000:1200], "T_flare_degC"] = np.nan  # across the 3-hour boundary
    df.loc[df.index[5000:5003], "flame"] = np.nan
    df.loc[df.index[8660:8690], "T_flare_degC"] = np.nan  # across midnight (local)
    return df


def write(folder: Path, kind: str, df: pd.DataFrame, chunks: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {"day": ["2020-12-31", "2021-01-01"], "days": 1.0, "head": 1000.0, "share": 1.0}
    ).to_csv(folder / "daily.csv", index=False)
    if kind == "csv":
        name = "flare.csv"
        out = df.copy()
        out["time_end"] = out["time_end"].dt.strftime("%Y-%m-%d %H:%M:%S")
        out.to_csv(folder / name, index=False)
        variables = "\n".join(
            f'{s} = {{ column = "{c}", unit = "{u}" }}'
            for s, c, u in zip(SYMBOLS, COLUMNS, UNITS, strict=True)
        )
    else:
        ds = xr.Dataset(
            {
                c: ("time", df[c].to_numpy(), {"units": u})
                for c, u in zip(COLUMNS, UNITS, strict=True)
            },
            coords={"time_end": ("time", df["time_end"].to_numpy())},
        )
        ds["time_end"].encoding["units"] = "seconds since 2020-12-01 00:00:00"
        if kind == "nc":
            name = "flare.nc"
            ds.to_netcdf(folder / name, engine="h5netcdf")
        else:
            name = "flare.zarr"
            ds.to_zarr(folder / name, mode="w", consolidated=False)
        variables = "\n".join(
            f'{s} = {{ column = "{c}" }}' for s, c in zip(SYMBOLS, COLUMNS, strict=True)
        )
    text = (
        PROJECT.replace("FILE", name)
        .replace("CHUNKS", f'chunks = "{chunks}"' if chunks else "")
        .replace("VARIABLES", variables)
    )
    path = folder / "project.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def both(tmp_path: Path, kind: str, df: pd.DataFrame, chunks: str = "3h") -> tuple[Path, Path]:
    return (
        write(tmp_path / "memory", kind, df, None),
        write(tmp_path / "streamed", kind, df, chunks),
    )


def same(a: Result, b: Result) -> None:
    assert a.totals == b.totals
    qa, qb = a.quality.as_dict(), b.quality.as_dict()
    assert qa == qb
    for q in a.ledger:
        other = b.ledger[q.symbol]
        if isinstance(q.value, xr.DataArray):
            xr.testing.assert_identical(q.value, other.value)
        else:
            assert q.value == other.value or (np.isnan(q.value) and np.isnan(other.value))


@pytest.mark.parametrize("kind", ["csv", "nc", "zarr"])
def test_streamed_equals_in_memory(tmp_path: Path, kind: str) -> None:
    if kind == "zarr":
        pytest.importorskip("zarr")
    memory, streamed = both(tmp_path, kind, frame())
    a = run(load_project(memory), AVAILABLE)
    b = run(load_project(streamed), AVAILABLE)
    same(a, b)
    q = b.quality.tables["flare"]
    assert q.rows_before == 30 and q.rows_after == 12
    assert q.filled_intervals == {"T_EG_m": 230, "Flame_m": 3}
    assert len(q.gaps) == 4  # T_EG 1000-1200, 9700-9730 split at the GWP change; Flame
    assert b.ledger["V_RG_m"].value.sizes["time"] == 2 * 1440


def test_csv_blocks_cut_minutes(tmp_path: Path) -> None:
    """Chunks of 55 seconds of rows: every chunk boundary cuts a minute."""
    memory, streamed = both(tmp_path, "csv", frame(), chunks="55s")
    same(run(load_project(memory), AVAILABLE), run(load_project(streamed), AVAILABLE))


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        run(load_project(path), AVAILABLE)
    return info.value


@pytest.mark.parametrize("kind", ["csv", "nc"])
def test_bad_fraction_in_a_later_chunk(tmp_path: Path, kind: str) -> None:
    df = frame()
    df.loc[df.index[15000:15006], "ch4"] = 1.4  # a whole minute above 1, late on day 2
    memory, streamed = both(tmp_path, kind, df)
    a, b = _error(memory), _error(streamed)
    assert type(a) is type(b)
    assert str(a) == str(b)
    assert "w_CH4_m" in str(b)


@pytest.mark.parametrize("kind", ["csv", "nc"])
def test_negative_value_in_a_later_chunk_names_the_row(tmp_path: Path, kind: str) -> None:
    df = frame()
    df.loc[df.index[16001], "flow_m3"] = -1.0
    memory, streamed = both(tmp_path, kind, df)
    a, b = _error(memory), _error(streamed)
    assert isinstance(b, MonitoringDataError)
    assert str(a) == str(b)
    assert ("16003" if kind == "csv" else "16001") in str(b)


def test_missing_rows_are_the_same_error(tmp_path: Path) -> None:
    """Rows missing (across a chunk boundary): the flow has no rule, so both stop."""
    df = frame().drop(index=range(1070, 1090))
    memory, streamed = both(tmp_path, "csv", df)
    a, b = _error(memory), _error(streamed)
    assert str(a) == str(b)
    assert "20 interval(s) missing" in str(b)


def test_out_of_order_across_chunks(tmp_path: Path) -> None:
    df = frame()
    df.loc[df.index[2160], "time_end"] = df.loc[df.index[2158], "time_end"]
    memory, streamed = both(tmp_path, "csv", df, chunks="6h")
    a, b = _error(memory), _error(streamed)
    assert str(a) == str(b)


def test_non_numeric_cell_in_a_later_chunk(tmp_path: Path) -> None:
    memory, streamed = both(tmp_path, "csv", frame())
    for p in (memory, streamed):
        csv = p.parent / "flare.csv"
        lines = csv.read_text().splitlines()
        cells = lines[12000].split(",")
        cells[1] = "n/a?"
        lines[12000] = ",".join(cells)
        csv.write_text("\n".join(lines) + "\n")
    a, b = _error(memory), _error(streamed)
    assert str(a) == str(b)
    assert "12001" in str(b)


def test_chunks_refused_where_the_whole_table_is_needed(tmp_path: Path) -> None:
    path = write(tmp_path, "csv", frame(), "1D")
    path.write_text(path.read_text().replace('interval = "10s"\n', "sort = true\n"))
    with pytest.raises(ProjectFileError, match="cannot be read in chunks"):
        run(load_project(path), AVAILABLE)


def test_chunks_must_be_a_length(tmp_path: Path) -> None:
    path = write(tmp_path, "csv", frame(), "1D")
    path.write_text(path.read_text().replace('chunks = "1D"', 'chunks = "soon"'))
    with pytest.raises(ProjectFileError, match="chunks must be a length of time"):
        load_project(path)


def test_large_files_are_streamed_without_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reductions.streaming as streaming

    memory, _ = both(tmp_path, "nc", frame())
    a = run(load_project(memory), AVAILABLE)
    monkeypatch.setattr(streaming, "AUTO_BYTES", 1000)
    monkeypatch.setattr(streaming, "DEFAULT_CHUNKS", "4h")
    calls: list[int] = []
    real = streaming.stream_table

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr("reductions.monitoring.stream_table", counting)
    b = run(load_project(memory), AVAILABLE)
    assert calls == [1]
    same(a, b)


def test_zarr_store_is_hashed_and_verified(tmp_path: Path) -> None:
    """A Zarr table is a folder: the report hashes its files (sorted relative paths with
    each file's sha256), verify checks that hash, and a file added to the store is a
    difference."""
    pytest.importorskip("zarr")
    from reductions.verify import verify

    _, streamed = both(tmp_path, "zarr", frame())
    result = run(load_project(streamed), AVAILABLE)
    result.write(tmp_path / "out")
    assert verify(tmp_path / "out" / "report.json").ok
    store = streamed.parent / "flare.zarr"
    (store / "notes.txt").write_text("added after the run", encoding="utf-8")
    v = verify(tmp_path / "out" / "report.json")
    assert not v.ok and any("flare.zarr" in d and "sha256" in d for d in v.differences)
