"""The table reader (``reductions.readers``): formats, detection, time zones, errors.

The same table written as CSV (comma; semicolon with decimal comma; tab), Excel and
NetCDF reads to the same UTC times and the same numbers, bit for bit (a float written with
``repr`` reads back exactly). Every user error names the file, the column, the row and
the rule. Expected times are hand arithmetic: local time minus the UTC offset.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reductions.errors import InputError, MonitoringDataError, ProjectFileError
from reductions.readers import ReadOptions, RowLabels, Table, read_table

UTC8 = dt.timezone(dt.timedelta(hours=8))
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
OPTIONS = ReadOptions(time="t", timezone=UTC8)

# --- writers ----------------------------------------------------------------------------


def number_text(x: float, decimal: str = ".", missing: str = "") -> str:
    text = missing if np.isnan(x) else repr(float(x))
    return text.replace(".", ",") if decimal == "," else text


def write_csv(
    path: Path,
    times: Sequence[str],
    columns: dict[str, Sequence[float]],
    delimiter: str = ",",
    decimal: str = ".",
    keys: dict[str, Sequence[str]] | None = None,
    missing: str = "",
) -> Path:
    names = ["t", *columns, *(keys or {})]
    lines = [delimiter.join(names)]
    for i, t in enumerate(times):
        cells = [t, *(number_text(v[i], decimal, missing) for v in columns.values())]
        cells += [k[i] for k in (keys or {}).values()]
        lines.append(delimiter.join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(
    path: Path,
    times: Sequence[object],
    columns: dict[str, Sequence[float]],
    sheet: str = "Data",
    extra_sheet: bool = False,
) -> Path:
    frame = pd.DataFrame({"t": list(times), **{k: list(v) for k, v in columns.items()}})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=False)
        if extra_sheet:
            pd.DataFrame({"note": ["x"]}).to_excel(writer, sheet_name="Notes", index=False)
    return path


def write_nc(
    path: Path,
    local: pd.DatetimeIndex,
    columns: dict[str, Sequence[float]],
    units: str = "minutes since 2024-01-01 00:00:00",
) -> Path:
    ds = xr.Dataset(
        {k: ("time", np.asarray(v, dtype=float), {"units": "MWh"}) for k, v in columns.items()},
        coords={"time": local.to_numpy()},
    )
    ds.to_netcdf(path, engine="h5netcdf", encoding={"time": {"units": units}})
    return path


def utc(local: Sequence[str] | pd.DatetimeIndex, hours: float = 8) -> np.ndarray:
    """Expected UTC: local time minus the offset."""
    naive = pd.DatetimeIndex(local).to_numpy().astype("datetime64[ns]")
    return naive - np.timedelta64(int(hours * 60), "m")


def read(path: Path, options: ReadOptions = OPTIONS, numeric=("e", "i"), keys=()) -> Table:
    return read_table(path, path.name, options, list(numeric), list(keys))


def error(fn: Callable[[], object], kind: type[InputError] = MonitoringDataError) -> InputError:
    with pytest.raises(kind) as info:
        fn()
    return info.value


# --- the same table in every format ------------------------------------------------------

LOCAL = pd.date_range("2024-01-01 00:00", periods=6, freq="15min")
STAMPS = [t.strftime("%Y-%m-%d %H:%M") for t in LOCAL]
E = [1.5, np.nan, -2.25, 0.1, 1e-7, 123456.789]
I_ = [0.0, 2.0, np.nan, -0.3, 4.0, 5.0]


@pytest.mark.parametrize(
    "fmt", ["csv-comma", "csv-semicolon-decimal-comma", "csv-tab", "xlsx", "netcdf"]
)
def test_every_format_reads_to_the_same_times_and_numbers(tmp_path: Path, fmt: str) -> None:
    columns = {"e": E, "i": I_}
    options = OPTIONS
    if fmt == "csv-comma":
        path = write_csv(tmp_path / "m.csv", STAMPS, columns)
    elif fmt == "csv-semicolon-decimal-comma":
        path = write_csv(tmp_path / "m.csv", STAMPS, columns, ";", ",")
    elif fmt == "csv-tab":
        path = write_csv(tmp_path / "m.txt", STAMPS, columns, "\t")
    elif fmt == "xlsx":
        path = write_xlsx(tmp_path / "m.xlsx", LOCAL, columns, extra_sheet=True)
        options = ReadOptions(time="t", timezone=UTC8, sheet="Data")
    else:
        path = write_nc(tmp_path / "m.nc", LOCAL, columns)
        options = ReadOptions(time="time", timezone=UTC8)
    table = read(path, options)
    np.testing.assert_array_equal(table.times, utc(STAMPS))
    assert table.times.dtype == np.dtype("datetime64[ns]")
    for name, expected in columns.items():
        np.testing.assert_array_equal(table.numbers[name], np.asarray(expected))
        assert table.numbers[name].dtype == np.float64
    assert len(table.rows) == len(STAMPS)


def test_what_was_detected_is_recorded(tmp_path: Path) -> None:
    semi = read(write_csv(tmp_path / "a.csv", STAMPS, {"e": E, "i": I_}, ";", ","))
    assert semi.detected == {"delimiter": ";", "decimal": ","}
    tab = read(write_csv(tmp_path / "b.csv", STAMPS, {"e": E, "i": I_}, "\t"))
    assert tab.detected == {"delimiter": "\t", "decimal": "."}
    declared = ReadOptions(time="t", timezone=UTC8, delimiter=";", decimal=",")
    assert read(tmp_path / "a.csv", declared).detected == {}
    pipe = read(write_csv(tmp_path / "c.csv", STAMPS, {"e": E, "i": I_}, "|"))
    assert pipe.detected["delimiter"] == "|"
    np.testing.assert_array_equal(pipe.numbers["e"], E)


def test_row_labels_name_the_line_the_sheet_row_or_the_index(tmp_path: Path) -> None:
    csv = read(write_csv(tmp_path / "m.csv", STAMPS, {"e": E, "i": I_}))
    assert csv.rows[0] == "m.csv:2" and csv.rows[5] == "m.csv:7"
    xlsx = read(write_xlsx(tmp_path / "m.xlsx", LOCAL, {"e": E, "i": I_}))
    assert xlsx.rows[0] == "m.xlsx[Data]:2"
    nc = read(write_nc(tmp_path / "m.nc", LOCAL, {"e": E, "i": I_}), ReadOptions("time", UTC8))
    assert nc.rows[5] == "m.nc[5]"
    both = RowLabels.concat([csv.rows, nc.rows])
    assert both[6] == "m.nc[0]" and len(both) == 12


# The property: random small tables, values of both signs and missing cells. Values have
# 15 significant digits, what Excel keeps (openpyxl writes 16, so 17-digit doubles would
# not survive the test's own xlsx writer).
finite = st.floats(-1e300, 1e300, allow_nan=False, width=64).map(lambda x: float(f"{x:.15g}"))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[int], dict[str, list[float]]]:
    n = draw(st.integers(1, 12))
    minutes = draw(st.lists(st.integers(0, 60 * 24 * 400), min_size=n, max_size=n, unique=True))
    columns = {}
    for name in ("e", "i")[: draw(st.integers(1, 2))]:
        values = draw(st.lists(finite, min_size=n, max_size=n))
        missing = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        columns[name] = [np.nan if m else v for v, m in zip(values, missing, strict=True)]
    return minutes, columns


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables(),
    fmt=st.sampled_from(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"]),
    pad=st.sampled_from(["", " "]),
    missing=st.sampled_from(["", "NA", "nan", "null", "N/A"]),
)
def test_format_invariance_property(
    table: tuple[list[int], dict[str, list[float]]], fmt: str, pad: str, missing: str
) -> None:
    """CSV (three dialects, fixed-width or padded timestamps, several missing tokens),
    Excel and NetCDF read to the same times and numbers."""
    minutes, columns = table
    local = pd.DatetimeIndex(
        np.datetime64("2023-06-01T00:00") + np.asarray(minutes, dtype="timedelta64[m]")
    )
    stamps = [t.strftime(fmt) for t in local]
    padded = [pad + t + pad for t in stamps]
    numeric = list(columns)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = [
            (write_csv(folder / "a.csv", padded, columns, missing=missing), OPTIONS),
            (write_csv(folder / "b.csv", padded, columns, ";", ",", missing=missing), OPTIONS),
            (write_csv(folder / "c.csv", stamps, columns, "\t", missing=missing), OPTIONS),
            (write_xlsx(folder / "d.xlsx", local, columns), OPTIONS),
            (write_nc(folder / "e.nc", local, columns), ReadOptions("time", UTC8)),
        ]
        for path, options in paths:
            got = read(path, options, numeric)
            np.testing.assert_array_equal(got.times, utc(stamps), err_msg=path.name)
            for name in numeric:
                np.testing.assert_array_equal(
                    got.numbers[name], np.asarray(columns[name]), err_msg=path.name
                )


# --- CSV details -----------------------------------------------------------------------


def test_slow_paths_read_what_the_fast_path_reads(tmp_path: Path) -> None:
    """Blank lines, padded cells and tokens, mixed "T" and " ", a longer timestamp,
    missing tokens: the text paths give what the fast path gives for the clean file."""
    clean = read(write_csv(tmp_path / "clean.csv", STAMPS, {"e": E, "i": I_}))
    messy = (
        "t,e,i\n"
        " 2024-01-01 00:00 , 1.5 ,0.0\n"
        "\n"
        "2024-01-01T00:15,NA ,2.0\n"
        "2024-01-01 00:30:00,-2.25,N/A\n"
        "2024-01-01 00:45,0.1 ,-0.3\n"
        ",,\n"
        "2024-01-01 01:00,1e-07,4\n"
        "2024-01-01 01:15,123456.789,5\n"
    )
    (tmp_path / "messy.csv").write_text(messy, encoding="utf-8")
    got = read(tmp_path / "messy.csv")
    np.testing.assert_array_equal(got.times, clean.times)
    for name in ("e", "i"):
        np.testing.assert_array_equal(got.numbers[name], clean.numbers[name])
    # Blank rows are dropped; the others keep their own line numbers.
    assert [got.rows[i] for i in range(len(got.rows))] == [
        f"messy.csv:{n}" for n in (2, 4, 5, 6, 8, 9)
    ]


def test_a_longer_timestamp_later_in_the_file_is_not_truncated(tmp_path: Path) -> None:
    stamps = ["2024-01-01 00:00", "2024-01-01 00:00:30", "2024-01-01 00:01"]
    got = read(write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2, 3], "i": [1, 2, 3]}))
    np.testing.assert_array_equal(got.times, utc(stamps))


def test_windows_line_ends_and_a_byte_order_mark(tmp_path: Path) -> None:
    text = "\ufefft;e;i\r\n2024-01-01 00:00;1,5;2\r\n2024-01-01 00:15;2,5;3\r\n"
    (tmp_path / "m.csv").write_bytes(text.encode("utf-8"))
    got = read(tmp_path / "m.csv")
    np.testing.assert_array_equal(got.numbers["e"], [1.5, 2.5])
    np.testing.assert_array_equal(got.times, utc(STAMPS[:2]))


def test_extra_columns_are_not_read_and_columns_may_come_in_any_order(tmp_path: Path) -> None:
    text = "note,i,t,e,other\nx,2,2024-01-01 00:00,1.5,abc\ny,3,2024-01-01 00:15,2.5,def\n"
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    got = read(tmp_path / "m.csv")
    np.testing.assert_array_equal(got.numbers["e"], [1.5, 2.5])
    np.testing.assert_array_equal(got.numbers["i"], [2.0, 3.0])


def test_key_columns_are_stripped_text(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        STAMPS[:3],
        {"e": [1.0, 2.0, 3.0]},
        keys={"meter": [" A ", "007", "B"]},
    )
    got = read(path, numeric=["e"], keys=["meter"])
    assert got.text["meter"].tolist() == ["A", "007", "B"]
    xlsx = tmp_path / "m.xlsx"
    pd.DataFrame({"t": LOCAL[:2], "e": [1.0, 2.0], "meter": [7, "B"]}).to_excel(xlsx, index=False)
    assert read(xlsx, numeric=["e"], keys=["meter"]).text["meter"].tolist() == ["7", "B"]


# --- time zones and offsets -------------------------------------------------------------


def test_offsets_are_exact_instants_across_a_clock_change(tmp_path: Path) -> None:
    """Every timestamp with its offset: exact instants, whatever options.timezone says;
    +02:00 then +01:00 across the end of summer time in Berlin, 2024-10-27."""
    stamps = [
        "2024-10-27T02:30:00+02:00",
        "2024-10-27T02:00:00+01:00",
        "2024-10-27T02:30:00+01:00",
    ]
    expected = np.array(
        ["2024-10-27T00:30", "2024-10-27T01:00", "2024-10-27T01:30"], dtype="datetime64[ns]"
    )
    for options in (OPTIONS, ReadOptions("t", BERLIN)):
        got = read(write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2, 3], "i": [1, 2, 3]}), options)
        np.testing.assert_array_equal(got.times, expected)
    for spelled in (
        ["2024-10-27T00:30Z", "2024-10-27T01:00Z", "2024-10-27T01:30Z"],
        ["2024-10-27 02:30+0200", "2024-10-27 02:00+0100", "2024-10-27 02:30+0100"],
        ["2024-10-27 06:00+05:30", "2024-10-26 20:00-05:00", "2024-10-27T01:30:00+00:00"],
    ):
        got = read(write_csv(tmp_path / "z.csv", spelled, {"e": [1, 2, 3], "i": [1, 2, 3]}))
        np.testing.assert_array_equal(got.times, expected)


def test_naive_times_take_the_zone_s_offset_of_their_date(tmp_path: Path) -> None:
    stamps = ["2024-01-15 12:00", "2024-07-15 12:00"]  # CET +01:00, CEST +02:00
    got = read(
        write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2], "i": [1, 2]}), ReadOptions("t", BERLIN)
    )
    expected = np.array(["2024-01-15T11:00", "2024-07-15T10:00"], dtype="datetime64[ns]")
    np.testing.assert_array_equal(got.times, expected)


@pytest.mark.parametrize(
    ("stamp", "what"),
    [("2024-10-27 02:30", "ambiguous"), ("2024-03-31 02:30", "does not exist")],
)
def test_daylight_saving_gaps_and_repeats_are_typed_errors(
    tmp_path: Path, stamp: str, what: str
) -> None:
    stamps = ["2024-01-01 00:00", stamp]
    path = write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2], "i": [1, 2]})
    exc = error(lambda: read(path, ReadOptions("t", BERLIN)))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "t", "row 3")
    assert what in exc.message and "Europe/Berlin" in exc.message
    assert "UTC offset" in str(exc.rule)


def test_netcdf_units_with_an_offset_are_utc(tmp_path: Path) -> None:
    local = write_nc(tmp_path / "a.nc", LOCAL, {"e": E})
    offset = write_nc(
        tmp_path / "b.nc",
        LOCAL - pd.Timedelta(hours=8),
        {"e": E},
        units="minutes since 2023-12-31 16:00:00+00:00",
    )
    options = ReadOptions("time", UTC8)
    a, b = read(local, options, ["e"]), read(offset, options, ["e"])
    np.testing.assert_array_equal(a.times, b.times)
    assert a.units == {"e": "MWh"}


def test_excel_date_cells_and_iso_text_mix(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    times = [LOCAL[0].to_pydatetime(), STAMPS[1], LOCAL[2].to_pydatetime()]
    pd.DataFrame({"t": times, "e": [1.0, 2.0, 3.0]}).to_excel(path, index=False)
    np.testing.assert_array_equal(read(path, numeric=["e"]).times, utc(STAMPS[:3]))


# --- errors -----------------------------------------------------------------------------


def test_file_not_found_and_unsupported_type(tmp_path: Path) -> None:
    exc = error(lambda: read(tmp_path / "nope.csv"), ProjectFileError)
    assert exc.file == "nope.csv" and "not found" in exc.message and exc.rule
    (tmp_path / "m.json").write_text("{}", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.json"), ProjectFileError)
    assert exc.file == "m.json" and ".xlsx" in str(exc.rule) and ".nc" in str(exc.rule)


def test_empty_file_header_only_and_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "empty.csv"))
    assert exc.file == "empty.csv" and "empty" in exc.message and exc.rule
    (tmp_path / "head.csv").write_text("t,e,i\n", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "head.csv"))
    assert exc.file == "head.csv" and "no rows" in exc.message and exc.rule
    (tmp_path / "latin.csv").write_bytes("t,e,i\n2024-01-01 00:00,1,2 °C\n".encode("latin-1"))
    exc = error(lambda: read(tmp_path / "latin.csv"))
    assert "UTF-8" in exc.message and "UTF-8" in str(exc.rule)


def test_a_row_with_too_many_cells(tmp_path: Path) -> None:
    text = "t,e,i\n2024-01-01 00:00,1,2\n2024-01-01 00:15,1,2,3\n"
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.csv"))
    assert exc.file == "m.csv" and "line 3" in exc.message and exc.rule


def test_missing_time_column_names_the_columns_there_are(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS, {"e": E, "i": I_})
    exc = error(lambda: read(path, ReadOptions("time", UTC8)))
    assert (exc.file, exc.variable) == ("m.csv", "time")
    assert "['t', 'e', 'i']" in exc.message and "without a time column" in str(exc.rule)


@pytest.mark.parametrize("kind", ["numeric", "key"])
def test_missing_requested_column_names_the_columns_there_are(tmp_path: Path, kind: str) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS, {"e": E, "i": I_})
    numeric, keys = (["e", "x"], []) if kind == "numeric" else (["e"], ["meter"])
    exc = error(lambda: read(path, numeric=numeric, keys=keys))
    assert exc.file == "m.csv" and exc.variable == ("x" if kind == "numeric" else "meter")
    assert "not found" in exc.message and "['t', 'e', 'i']" in exc.message
    assert "must exist" in str(exc.rule)


def test_duplicate_column_name(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("t,e,e\n2024-01-01 00:00,1,2\n", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.csv", numeric=["e"]))
    assert (exc.file, exc.variable) == ("m.csv", "e") and "unique" in str(exc.rule)


def test_non_numeric_cell_names_file_column_row_value_and_rule(tmp_path: Path) -> None:
    text = "t,e,i\n2024-01-01 00:00,1,2\n\n2024-01-01 00:15,12;5,3\n"
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.csv"))
    assert (exc.file, exc.variable) == ("m.csv", "e")
    assert exc.where is not None and exc.where.startswith("row 4")  # line 3 is blank
    assert "'12;5'" in exc.message and exc.rule == "monitored values are numbers"
    assert "2024-01-01 00:15" in exc.where


def test_a_column_of_booleans_is_not_read_as_ones(tmp_path: Path) -> None:
    text = "t,e,i\n2024-01-01 00:00,TRUE,2\n2024-01-01 00:15,TRUE,3\n"
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.csv"))
    assert exc.variable == "e" and exc.where.startswith("row 2") and "'TRUE'" in exc.message


def test_infinite_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS[:2], {"e": [1.0, np.inf], "i": [1.0, 2.0]})
    exc = error(lambda: read(path))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "e", "row 3 (2024-01-01 00:15)")
    assert "inf" in exc.message and exc.rule == "monitored values are numbers"


def test_a_decimal_comma_read_with_a_decimal_point_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS[:2], {"e": [1.5, 2.5], "i": [1, 2]}, ";", ",")
    exc = error(lambda: read(path, ReadOptions("t", UTC8, decimal=".")))
    assert exc.where.startswith("row 2") and "'1,5'" in exc.message
    assert 'decimal = ","' in exc.message


def test_semicolon_file_read_with_comma_says_set_delimiter(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "monitoring.csv", STAMPS[:2], {"e": [1.5, 2.5], "i": [1, 2]}, ";", ","
    )
    exc = error(lambda: read(path, ReadOptions("t", UTC8, delimiter=",")))
    assert str(exc).startswith(
        "monitoring.csv: read as one column with delimiter ','; the header contains ';': "
        'set delimiter = ";" (and decimal = "," if numbers use a decimal comma)'
    )
    assert exc.rule


def test_a_decimal_comma_with_a_comma_delimiter_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS[:2], {"e": [1, 2], "i": [1, 2]})
    for options in (
        ReadOptions("t", UTC8, decimal=","),
        ReadOptions("t", UTC8, delimiter=",", decimal=","),
    ):
        exc = error(lambda o=options: read(path, o), ProjectFileError)
        assert exc.file == "m.csv" and exc.variable == "decimal"
        assert "delimiter" in exc.message and 'delimiter = ";"' in str(exc.rule)


def test_unreadable_timestamp_names_the_row(tmp_path: Path) -> None:
    stamps = ["2024-01-01 00:00", "2024-01-01 00:15", "01/01/2024 00:30"]
    path = write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2, 3], "i": [1, 2, 3]})
    exc = error(lambda: read(path))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "t", "row 4")
    assert "'01/01/2024 00:30'" in exc.message and "ISO 8601" in str(exc.rule)
    # A month 13 in the fast fixed-width path is found the same way.
    path = write_csv(
        tmp_path / "n.csv", ["2024-01-01 00:00", "2024-13-01 00:15"], {"e": [1, 2], "i": [1, 2]}
    )
    assert error(lambda: read(path)).where == "row 3"


def test_offsets_on_some_timestamps_only(tmp_path: Path) -> None:
    stamps = ["2024-01-01 00:00+08:00", "2024-01-01 00:15+08:00", "2024-01-01 00:30"]
    path = write_csv(tmp_path / "m.csv", stamps, {"e": [1, 2, 3], "i": [1, 2, 3]})
    exc = error(lambda: read(path))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "t", "row 4")
    assert "no UTC offset" in exc.message and "none does" in str(exc.rule)


def test_a_row_with_data_but_no_time(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("t,e,i\n2024-01-01 00:00,1,2\n,5,\n", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "m.csv"))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "t", "row 3")
    assert "missing timestamp" in exc.message and exc.rule


def test_empty_key(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS[:2], {"e": [1, 2]}, keys={"meter": ["A", " "]})
    exc = error(lambda: read(path, numeric=["e"], keys=["meter"]))
    assert (exc.file, exc.variable, exc.where) == ("m.csv", "meter", "row 3") and exc.rule


def test_the_time_column_is_not_a_value(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", STAMPS[:2], {"e": [1, 2], "i": [1, 2]})
    exc = error(lambda: read(path, numeric=["e", "t"]))
    assert (exc.file, exc.variable) == ("m.csv", "t") and exc.rule


def test_excel_sheet_rules(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", LOCAL, {"e": E, "i": I_}, extra_sheet=True)
    exc = error(lambda: read(path))
    assert (exc.file, exc.variable) == ("m.xlsx", "sheet")
    assert "['Data', 'Notes']" in exc.message and "sheet =" in str(exc.rule)
    exc = error(lambda: read(path, ReadOptions("t", UTC8, sheet="Daten")))
    assert (exc.file, exc.variable) == ("m.xlsx", "sheet")
    assert "'Daten'" in exc.message and "['Data', 'Notes']" in exc.message and exc.rule
    assert read(path, ReadOptions("t", UTC8, sheet="Data")).rows[0] == "m.xlsx[Data]:2"


def test_excel_non_numeric_cell_names_sheet_and_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", LOCAL[:3], {"e": [1.0, "n.a.", 3.0], "i": [1, 2, True]})
    exc = error(lambda: read(path))
    assert (exc.file, exc.variable, exc.where) == (
        "m.xlsx",
        "e",
        "sheet 'Data', row 3 (2024-01-01 00:15:00)",
    )
    assert "'n.a.'" in exc.message and exc.rule == "monitored values are numbers"
    exc = error(lambda: read(path, numeric=["i"]))
    assert exc.variable == "i" and exc.where.startswith("sheet 'Data', row 4")


def test_netcdf_errors(tmp_path: Path) -> None:
    path = write_nc(tmp_path / "m.nc", LOCAL, {"e": E})
    exc = error(lambda: read(path, ReadOptions("t", UTC8), ["e"]))
    assert (exc.file, exc.variable) == ("m.nc", "t") and "'time'" in exc.message and exc.rule
    exc = error(lambda: read(path, ReadOptions("time", UTC8), ["x"]))
    assert (exc.file, exc.variable) == ("m.nc", "x") and "['e']" in exc.message and exc.rule
    (tmp_path / "bad.nc").write_text("not netcdf", encoding="utf-8")
    exc = error(lambda: read(tmp_path / "bad.nc", ReadOptions("time", UTC8), ["e"]))
    assert exc.file == "bad.nc" and "cannot read NetCDF" in exc.message and exc.rule
