"""Monitoring tables (CSV, Excel, NetCDF) -> UTC times, numbers and key columns.

One function, :func:`read_table`, reads one file into a :class:`Table`: the time of each
row in UTC, the requested numeric columns as floats (missing cells are NaN: what to do
with them is decided later, not here), the requested key columns as text, where each row
came from, and what was detected (delimiter, decimal mark). Every user error is a typed
error naming the file, the column, the row and the rule.

Speed (CSV). Numbers are converted by pandas' C parser (nullable ``Float64``, the
missing tokens as ``na_values``); timestamps of one fixed ISO 8601 shape (the first row's,
e.g. ``YYYY-MM-DD HH:MM``) are read as fixed-width bytes and parsed by numpy, so that no
Python object is made per row. A column that does not fit takes a slower path that reads
it as text (and, for an error, finds the offending row). No Python loop runs over rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, cast

import numpy as np
import pandas as pd
import xarray as xr

from .errors import InputError, MonitoringDataError, ProjectFileError
from .timeutil import tz_name

#: Cells that mean "no value" (after stripping blanks).
MISSING_TOKENS = ("", "nan", "NaN", "NAN", "NA", "N/A", "n/a", "null", "NULL", "None")
#: The CSV delimiters that are detected, in order of preference.
DELIMITERS = (",", ";", "\t", "|")
CSV_SUFFIXES = (".csv", ".txt")
EXCEL_SUFFIXES = (".xlsx",)
NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf", ".cdf")
#: Zarr stores (a folder); read like NetCDF (CF units and time).
ZARR_SUFFIXES = (".zarr",)

#: A time-zone designator at the end of CF time units ("... since 2024-01-01 00:00+08:00").
CF_OFFSET = re.compile(
    r"(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:[+-]\d{1,2}(?::?\d{2})?|Z)|\s(?:UTC|GMT|Z))\s*$",
    re.IGNORECASE,
)

_SAMPLE_BYTES = 1 << 16
_SAMPLE_ROWS = 200
_HAS_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"
#: The ISO 8601 shapes read by the fast path: date, "T" or " ", hours and minutes,
#: optional seconds and fraction (up to microseconds), optional offset.
_FIXED_SHAPE = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?P<sec>:\d{2}(?P<frac>\.\d{1,6})?)?)"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?"
)
#: datetime64[ns] holds 1677-09-21 to 2262-04-11; whole years inside that, for messages.
_FIRST = np.datetime64("1678-01-01", "us")
_END = np.datetime64("2262-01-01", "us")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a table.

    Parameters
    ----------
    time
        Name of the time column (CSV, Excel) or time coordinate or variable (NetCDF).
    timezone
        Zone of naive timestamps; ISO 8601 offsets in the data win.
    delimiter
        CSV delimiter; ``None`` detects it among ``, ; tab |``.
    decimal
        CSV decimal mark, ``"."`` or ``","``; ``None`` detects it.
    sheet
        Excel sheet; required when the workbook has more than one.
    """

    time: str
    timezone: dt.tzinfo
    delimiter: str | None = None
    decimal: str | None = None
    sheet: str | None = None


class RowLabels:
    """Where each row came from (file and line), formatted only when a message needs it.

    A line-numbered file (CSV, Excel) labels a row ``"file.csv:12"`` (line 1 is the
    header; for Excel ``"file.xlsx[Sheet]:12"``, Excel's row number); NetCDF labels it by
    its index along time, ``"file.nc[5]"``.

    The rows of one file numbered consecutively (``for_file``) are held as their first
    number and count: their arrays (``file_id``, ``line``) are built only if asked for
    (rows taken in another order, or joined with another file's).
    """

    def __init__(
        self, files: list[str], csv: list[bool], file_id: np.ndarray, line: np.ndarray
    ) -> None:
        self.files, self.csv = files, csv
        self._file_id: np.ndarray | None = file_id
        self._line: np.ndarray | None = line
        self._first, self._n = 0, int(line.size)

    @classmethod
    def for_file(cls, label: str, n: int, csv: bool) -> RowLabels:
        first = 2 if csv else 0  # CSV: line 1 is the header; NetCDF: index along time
        return cls._consecutive([label], [csv], first, n)

    @classmethod
    def _consecutive(cls, files: list[str], csv: list[bool], first: int, n: int) -> RowLabels:
        """Rows ``first`` to ``first + n - 1`` of the (only) file."""
        rows = cls.__new__(cls)
        rows.files, rows.csv = files, csv
        rows._file_id, rows._line = None, None
        rows._first, rows._n = int(first), int(n)
        return rows

    @property
    def file_id(self) -> np.ndarray:
        if self._file_id is None:
            self._file_id = np.zeros(self._n, dtype=np.int64)
        return self._file_id

    @property
    def line(self) -> np.ndarray:
        if self._line is None:
            self._line = np.arange(self._first, self._first + self._n)
        return self._line

    @classmethod
    def numbered(cls, label: str, line: np.ndarray) -> RowLabels:
        """Rows of a line-numbered file at the given line numbers."""
        line = np.asarray(line, dtype=np.int64)
        return cls([label], [True], np.zeros(line.size, dtype=np.int64), line)

    @classmethod
    def concat(cls, parts: list[RowLabels]) -> RowLabels:
        files = [f for p in parts for f in p.files]
        csv = [c for p in parts for c in p.csv]
        offsets = np.cumsum([0] + [len(p.files) for p in parts[:-1]])
        return cls(
            files,
            csv,
            np.concatenate([p.file_id + o for p, o in zip(parts, offsets, strict=True)]),
            np.concatenate([p.line for p in parts]),
        )

    def __len__(self) -> int:
        return self._n if self._line is None else int(self._line.size)

    def __getitem__(self, key: Any) -> Any:
        if self._line is None and isinstance(key, int | np.integer):
            i = int(key) + (self._n if key < 0 else 0)
            if not 0 <= i < self._n:
                raise IndexError(f"index {int(key)} is out of bounds for {self._n} rows")
            n = self._first + i
            return f"{self.files[0]}:{n}" if self.csv[0] else f"{self.files[0]}[{n}]"
        if self._line is None and isinstance(key, slice):
            r = range(self._n)[key]
            if r.step == 1:
                return RowLabels._consecutive(self.files, self.csv, self._first + r.start, len(r))
        if isinstance(key, int | np.integer):
            f = int(self.file_id[key])
            n = int(self.line[key])
            return f"{self.files[f]}:{n}" if self.csv[f] else f"{self.files[f]}[{n}]"
        return RowLabels(self.files, self.csv, self.file_id[key], self.line[key])

    def line_of(self, i: int) -> int:
        return int(self.line[i])


@dataclass
class Table:
    """One file's rows, in file order.

    Attributes
    ----------
    times
        ``datetime64[ns]``, UTC, naive.
    rows
        Where each row came from.
    numbers
        ``float64`` per requested numeric column; missing cells are NaN.
    text
        Requested key columns, stripped ``str`` values (object arrays).
    units
        Units found in the file (NetCDF ``attrs["units"]``); empty for CSV and Excel.
    detected
        What was detected rather than declared (``delimiter``, ``decimal``), for the report.
    """

    times: np.ndarray
    rows: RowLabels
    numbers: dict[str, np.ndarray]
    text: dict[str, np.ndarray]
    units: dict[str, str] = field(default_factory=dict)
    detected: dict[str, str] = field(default_factory=dict)


def read_table(
    path: Path,
    label: str,
    options: ReadOptions,
    numeric: Sequence[str],
    keys: Sequence[str] = (),
) -> Table:
    """Read one monitoring table.

    Parameters
    ----------
    path
        The file.
    label
        The file as the user named it; every message uses it.
    options
        Time column, time zone and format settings.
    numeric
        Columns (NetCDF: variables) to read as numbers.
    keys
        Columns to read as text (key columns of long tables, e.g. a meter id).

    Returns
    -------
    Table
        The rows in file order (not sorted).

    Raises
    ------
    ProjectFileError
        The file does not exist or is of an unsupported type; a format setting is invalid.
    MonitoringDataError
        The file cannot be read, lacks a column, or holds a value that breaks a rule.
    """
    if not (path.is_dir() if path.suffix.lower() in ZARR_SUFFIXES else path.is_file()):
        raise ProjectFileError(
            "monitoring file not found", file=label, rule="paths are relative to the project file"
        )
    from .safety import check_data_file

    check_data_file(path, label)
    numeric = list(dict.fromkeys(numeric))
    keys = list(dict.fromkeys(keys))
    for name in (*numeric, *keys):
        if name == options.time:
            raise MonitoringDataError(
                "the time column cannot also be read as a value",
                file=label,
                variable=name,
                rule="a column is the time, a value or a key",
            )
    both = set(numeric) & set(keys)
    if both:
        raise MonitoringDataError(
            "column read both as a number and as a key",
            file=label,
            variable=sorted(both)[0],
            rule="a column is the time, a value or a key",
        )
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, label, options, numeric, keys)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, label, options, numeric, keys)
    if suffix in NETCDF_SUFFIXES:
        return _read_netcdf(path, label, options, numeric, keys)
    if suffix in ZARR_SUFFIXES:
        return _read_netcdf(path, label, options, numeric, keys, engine="zarr")
    raise ProjectFileError(
        f"unsupported monitoring file type {suffix!r}",
        file=label,
        rule="CSV (.csv, .txt), Excel (.xlsx), NetCDF (.nc, .nc4, .netcdf, .cdf) or Zarr (.zarr)",
    )


# --- messages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """The file being read, to say where a row is."""

    label: str
    kind: str  # "csv", "xlsx" or "netcdf"
    sheet: str | None = None

    def at(self, line: int, time: object = None) -> str:
        place = {
            "csv": f"row {line}",
            "xlsx": f"sheet {self.sheet!r}, row {line}",
            "netcdf": f"index {line}",
        }[self.kind]
        return place if time is None or _is_missing(time) else f"{place} ({time})"


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _no_column(src: _Source, name: str, what: str, columns: Sequence[object]) -> NoReturn:
    """``what``: "time", "value" or "key"."""
    kind = "variable" if src.kind == "netcdf" else "column"
    title = kind if what == "value" else f"{what} {kind}"
    rule = (
        f"a table without a time {kind} cannot be read"
        if what == "time"
        else f"every mapped {kind} must exist"
    )
    raise MonitoringDataError(
        f"{title} not found; {kind}s are {[str(c) for c in columns]}",
        file=src.label,
        variable=name,
        rule=rule,
    )


# --- CSV --------------------------------------------------------------------------------


def _read_csv(
    path: Path | bytes,
    label: str,
    options: ReadOptions,
    numeric: list[str],
    keys: list[str],
    line_offset: int = 0,
) -> Table:
    """``path`` may be the bytes of a header and a block of rows of a larger file, whose
    first row is on line ``2 + line_offset`` of that file."""
    src = _Source(label, "csv")
    sample, whole = _sample(path, label)
    if not sample.strip():
        raise MonitoringDataError(
            "the file is empty", file=label, rule="a header row, then one row per time"
        )
    detected: dict[str, str] = {}
    delimiter = _delimiter(sample, options.delimiter, label, detected)
    records = _records(sample, delimiter)
    header = [c.strip() for c in records[0]]
    _check_one_column(header, delimiter, label)
    position = _positions(header, options.time, numeric, keys, src)
    decimal = _decimal(
        records[1:], [position[c] for c in numeric], delimiter, options, label, detected
    )
    if decimal == delimiter:
        raise ProjectFileError(
            f"the decimal mark {decimal!r} is also the delimiter",
            file=label,
            variable="decimal",
            rule='numbers with a decimal comma need another delimiter (delimiter = ";")',
        )
    if not any(r for r in records[1:]) and whole:
        raise MonitoringDataError("no rows of data", file=label, rule="one row per time")

    first_time = next((r[position[options.time]] for r in records[1:] if r), "")
    shape = _FIXED_SHAPE.fullmatch(first_time)
    names = list(range(len(header)))
    wanted = sorted(position.values())
    read = {
        "sep": delimiter,
        "decimal": decimal,
        "header": 0,
        "names": names,
        "index_col": False,
        "usecols": wanted if len(wanted) < len(names) else None,
        "keep_default_na": False,
        "skip_blank_lines": False,  # keeps row i on line i + 2; blank rows are dropped below
        "skipinitialspace": True,
        "encoding": "utf-8-sig",
        "engine": "c",
    }
    t = position[options.time]
    # The time as fixed-width bytes when the first row has a shape numpy reads (else as
    # text); numbers by the C parser into the nullable Float64, which refuses "TRUE"
    # (with float64 a block of booleans would become 1.0 and 0.0).
    time_dtype = f"S{len(first_time.encode()) + 1}" if shape is not None else "str"
    head = {t: time_dtype, **{position[c]: "str" for c in keys}}
    head_na: dict[int, Sequence[str]] = {position[c]: ("",) for c in keys}
    if shape is None:
        head_na[t] = MISSING_TOKENS
    dtype = {**head, **{position[c]: "Float64" for c in numeric}}
    na = {**head_na, **{position[c]: MISSING_TOKENS for c in numeric}}
    columns: dict[int, pd.Series] = {}
    try:
        frame = _csv(path, label, read, dtype, na)
        columns = {i: frame[i] for i in wanted}
    except MonitoringDataError:
        raise
    except ValueError:
        # A cell the C parser does not take as a number (a padded token, or an error):
        # each numeric column on its own, as text only where it must be.
        frame = _csv(path, label, {**read, "usecols": sorted(head)}, head, head_na)
        columns = {i: frame[i] for i in head}
        for c in numeric:
            one = {**read, "usecols": [position[c]]}
            try:
                columns[position[c]] = _csv(path, label, one, {position[c]: "Float64"}, na)[
                    position[c]
                ]
            except MonitoringDataError:
                raise
            except ValueError:
                columns[position[c]] = _csv(path, label, one, {position[c]: "str"}, na)[position[c]]
    del frame
    n = len(columns[t])
    line = np.arange(2 + line_offset, n + 2 + line_offset, dtype=np.int64)

    stamps = columns[t]
    parsed = _parse_fixed(stamps.to_numpy(), shape) if stamps.dtype.kind == "S" else None
    if parsed is not None:
        times, exact = parsed
    else:
        if stamps.dtype.kind == "S":
            stamps = _csv(path, label, {**read, "usecols": [t]}, {t: "str"}, {t: MISSING_TOKENS})[t]
        times, exact = _parse_text_times(stamps, line, src, options)

    numbers: dict[str, np.ndarray] = {}
    for name in numeric:
        col = columns.pop(position[name])
        if isinstance(col.dtype, pd.Float64Dtype):
            numbers[name] = col.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            numbers[name] = _numbers_from_text(col, decimal, name, line, src, stamps)
    text = {name: _keys_from_text(columns[position[name]]) for name in keys}
    return _finish(times, exact, line, numbers, text, src, options, stamps, detected)


def _sample(path: Path | bytes, label: str) -> tuple[str, bool]:
    """The first whole lines of the file (about 64 KiB) as text; whether that is the file."""
    try:
        with io.BytesIO(path) if isinstance(path, bytes) else path.open("rb") as fh:
            head = fh.read(_SAMPLE_BYTES)
            while b"\n" not in head:  # at least the header
                more = fh.read(_SAMPLE_BYTES)
                if not more:
                    break
                head += more
            whole = not fh.read(1)
    except OSError as exc:
        raise MonitoringDataError(f"cannot read the file: {exc.strerror}", file=label) from None
    if not whole:
        head = head[: head.rfind(b"\n") + 1]
    try:
        return codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=whole), whole
    except UnicodeDecodeError as exc:
        raise MonitoringDataError(
            f"cannot read CSV: not UTF-8 text (byte {exc.start} of the file)",
            file=label,
            rule="CSV files are UTF-8 text",
        ) from None


def _records(sample: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True)
    records = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > _SAMPLE_ROWS:
                break
    except csv.Error:  # an open quote at the end of the sample; the parser will judge
        pass
    return records or [[]]


def _delimiter(sample: str, declared: str | None, label: str, detected: dict[str, str]) -> str:
    if declared is not None:
        if len(declared) != 1 or declared in "\r\n\"'.0123456789":
            raise ProjectFileError(
                f"delimiter {declared!r} is not one character that can separate columns",
                file=label,
                variable="delimiter",
                rule='one of "," ";" "\\t" "|" (or leave it out to detect it)',
            )
        return declared
    best, best_key = ",", (False, 0)
    for d in DELIMITERS:
        records = _records(sample, d)
        width = len(records[0])
        rows = [r for r in records[1:] if r]
        regular = width > 1 and all(len(r) == width for r in rows)
        key = (regular, width)
        if key > best_key:
            best, best_key = d, key
    detected["delimiter"] = best
    return best


def _check_one_column(header: list[str], delimiter: str, label: str) -> None:
    if len(header) != 1:
        return
    for other in DELIMITERS:
        if other != delimiter and other in header[0]:
            also = ' (and decimal = "," if numbers use a decimal comma)' if other == ";" else ""
            raise MonitoringDataError(
                f"read as one column with delimiter {delimiter!r}; the header contains "
                f"{other!r}: set delimiter = {json.dumps(other)}{also}",
                file=label,
                rule="the delimiter separates the header's column names",
            )


def _positions(
    header: list[str], time: str, numeric: list[str], keys: list[str], src: _Source
) -> dict[str, int]:
    position: dict[str, int] = {}
    for what, names in (("time", [time]), ("value", numeric), ("key", keys)):
        for name in names:
            found = [i for i, h in enumerate(header) if h == name]
            if not found:
                _no_column(src, name, what, header)
            if len(found) > 1:
                raise MonitoringDataError(
                    f"column appears {len(found)} times in the header",
                    file=src.label,
                    variable=name,
                    rule="column names are unique",
                )
            position[name] = found[0]
    return position


_DOT = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")
_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def _decimal(
    records: list[list[str]],
    columns: list[int],
    delimiter: str,
    options: ReadOptions,
    label: str,
    detected: dict[str, str],
) -> str:
    if options.decimal is not None:
        if options.decimal not in (".", ","):
            raise ProjectFileError(
                f"decimal mark {options.decimal!r} is neither '.' nor ','",
                file=label,
                variable="decimal",
                rule='decimal = "." or ","',
            )
        return options.decimal
    if delimiter == ",":
        return "."
    cells = [r[i].strip() for r in records for i in columns if i < len(r)]
    comma = any(_COMMA.fullmatch(c) for c in cells)
    dot = any(_DOT.fullmatch(c) for c in cells)
    mark = "," if comma and not dot else "."
    if comma or dot:
        detected["decimal"] = mark
    return mark


def _csv(
    path: Path | bytes,
    label: str,
    read: dict[str, Any],
    dtype: dict[int, Any],
    na: dict[int, Sequence[str]],
) -> pd.DataFrame:
    source: Any = io.BytesIO(path) if isinstance(path, bytes) else path
    try:
        frame: pd.DataFrame = pd.read_csv(source, dtype=dtype, na_values=cast(Any, na), **read)
        return frame
    except pd.errors.ParserError as exc:
        raise MonitoringDataError(
            f"cannot read CSV: {exc}".splitlines()[0],
            file=label,
            rule="every row has the header's number of columns",
        ) from None
    except UnicodeDecodeError as exc:
        raise MonitoringDataError(
            f"cannot read CSV: not UTF-8 text ({exc.reason})",
            file=label,
            rule="CSV files are UTF-8 text",
        ) from None
    except OSError as exc:
        raise MonitoringDataError(f"cannot read the file: {exc.strerror}", file=label) from None


def _parse_fixed(raw: np.ndarray, shape: re.Match[str] | None) -> tuple[np.ndarray, bool] | None:
    """Timestamps that all have the shape of the first: as UTC if they carry an offset,
    else naive; ``None`` if any row differs (the text path then reads them)."""
    if shape is None:
        return None
    length = len(shape.group(0))
    base = len(shape.group("base"))
    u = raw.view(np.uint8).reshape(raw.size, raw.dtype.itemsize)
    if raw.dtype.itemsize != length + 1 or not (u[:, length - 1] != 0).all() or u[:, length].any():
        return None
    # The separators, and a digit first (numpy would take a sign before the year).
    if not (
        (u[:, 0] - np.uint8(48) < 10).all()
        & (u[:, 4] == ord("-")).all()
        & (u[:, 7] == ord("-")).all()
        & ((u[:, 10] == ord(" ")) | (u[:, 10] == ord("T"))).all()
        & (u[:, 13] == ord(":")).all()
    ):
        return None
    if shape.group("sec") and not (u[:, 16] == ord(":")).all():
        return None
    if shape.group("frac") and not (u[:, 19] == ord(".")).all():
        return None
    text = raw if base == length else np.ascontiguousarray(u[:, :base]).view(f"S{base}").ravel()
    try:
        local = text.astype("datetime64[us]")
    except ValueError:
        return None
    if np.isnat(local).any() or local.min() < _FIRST or local.max() >= _END:
        return None
    offset = shape.group("offset")
    if offset is None:
        return local.astype("datetime64[ns]"), False
    if offset == "Z":
        if not (u[:, base] == ord("Z")).all():
            return None
        return local.astype("datetime64[ns]"), True
    colon = ":" in offset
    if colon and not (u[:, base + 3] == ord(":")).all():
        return None
    sign = u[:, base]
    if not ((sign == ord("+")) | (sign == ord("-"))).all():
        return None
    h1, h2, m1, m2 = (u[:, base + k] for k in ((1, 2, 4, 5) if colon else (1, 2, 3, 4)))
    if not all(c.min() >= ord("0") and c.max() <= ord("9") for c in (h1, h2, m1, m2)):
        return None
    hours = h1.astype(np.int32) * 10 + h2 - 11 * ord("0")
    minutes = m1.astype(np.int32) * 10 + m2 - 11 * ord("0")
    if hours.max() > 23 or minutes.max() > 59:
        return None
    east = hours * 60 + minutes
    east[sign == ord("-")] *= -1
    return (local - east.astype("timedelta64[m]")).astype("datetime64[ns]"), True


def _parse_text_times(
    text: pd.Series, line: np.ndarray, src: _Source, options: ReadOptions
) -> tuple[np.ndarray, bool]:
    """Timestamps as text (missing cells NaN): naive local times, or UTC if every one
    carries an offset. Missing timestamps are NaT (judged by :func:`_finish`).

    pandas' ISO 8601 parser takes the column as it is (blanks around a value are fine)
    and refuses a mix of offsets, or of offsets and none; only then, or for a cell it
    cannot read, is the column stripped and examined cell by cell to say which row.
    """
    try:
        index = pd.DatetimeIndex(pd.to_datetime(text, format="ISO8601"))
    except (ValueError, TypeError, OverflowError):
        return _examine_text_times(text, line, src, options)
    exact = index.tz is not None
    if exact:
        index = index.tz_convert("UTC").tz_localize(None)
    values = index.to_numpy()
    _check_range(values, ~np.isnat(values), text, line, src, options)
    return values.astype("datetime64[ns]"), exact


def _examine_text_times(
    text: pd.Series, line: np.ndarray, src: _Source, options: ReadOptions
) -> tuple[np.ndarray, bool]:
    stripped = text.astype("str").str.strip()
    missing = (stripped.isna() | stripped.isin(MISSING_TOKENS)).to_numpy()
    stripped = stripped.where(~missing)
    has_offset = stripped.str.contains(_HAS_OFFSET, regex=True).fillna(False).to_numpy(dtype=bool)
    present = ~missing
    exact = bool(present.any() and has_offset[present].all())
    if present.any() and not exact and has_offset[present].any():
        first = int(np.argmax(present))
        i = int(np.argmax(present & (has_offset != has_offset[first])))
        raise MonitoringDataError(
            f"timestamp {stripped.iloc[i]!r} {'has' if has_offset[i] else 'has no'} UTC offset, "
            f"unlike {stripped.iloc[first]!r} at {src.at(int(line[first]))}",
            file=src.label,
            variable=options.time,
            where=src.at(int(line[i])),
            rule="either every timestamp carries its UTC offset or none does",
        )
    try:
        parsed = pd.to_datetime(stripped, format="ISO8601", errors="coerce", utc=exact)
    except (ValueError, TypeError, OverflowError) as exc:
        raise MonitoringDataError(
            f"cannot read the timestamps: {exc}".splitlines()[0],
            file=src.label,
            variable=options.time,
            rule="ISO 8601 timestamps",
        ) from None
    index = pd.DatetimeIndex(parsed)
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    values = index.to_numpy()
    bad = present & np.isnat(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise MonitoringDataError(
            f"cannot read timestamp {stripped.iloc[i]!r}",
            file=src.label,
            variable=options.time,
            where=src.at(int(line[i])),
            rule="ISO 8601 timestamps" + (" (or date cells)" if src.kind == "xlsx" else ""),
        )
    _check_range(values, present, stripped, line, src, options)
    return values.astype("datetime64[ns]"), exact


def _check_range(
    values: np.ndarray,
    present: np.ndarray,
    text: pd.Series,
    line: np.ndarray,
    src: _Source,
    options: ReadOptions,
) -> None:
    out = present & ((values < _FIRST) | (values >= _END))
    if out.any():
        i = int(np.argmax(out))
        raise MonitoringDataError(
            f"timestamp {str(text.iloc[i]).strip()!r} is outside the years 1678 to 2261",
            file=src.label,
            variable=options.time,
            where=src.at(int(line[i])),
            rule="timestamps between 1678 and 2261",
        )


def _numbers_from_text(
    column: pd.Series,
    decimal: str,
    name: str,
    line: np.ndarray,
    src: _Source,
    stamps: pd.Series | None,
) -> np.ndarray:
    text = column.astype("str").str.strip()
    missing = (text.isna() | text.isin(MISSING_TOKENS)).to_numpy()
    text = text.where(~missing)
    numeric = text.str.replace(",", ".", regex=False) if decimal == "," else text
    values = pd.to_numeric(numeric, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~missing & ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        value = text.iloc[i]
        hint = ""
        if decimal == "." and _COMMA.fullmatch(str(value)):
            hint = ' (a decimal comma? set decimal = ",")'
        raise MonitoringDataError(
            f"non-numeric value {value!r} in column {name!r}{hint}",
            file=src.label,
            variable=name,
            where=src.at(int(line[i]), _shown(stamps, i)),
            rule="monitored values are numbers",
        )
    return values


def _shown(stamps: pd.Series | None, i: int) -> object:
    """The time of row ``i`` as written, for a message."""
    if stamps is None:
        return None
    value = stamps.iloc[i]
    return value.decode("utf-8", "replace").strip() if isinstance(value, bytes) else value


def _keys_from_text(column: pd.Series) -> np.ndarray:
    text = column.astype("str").str.strip()
    return text.to_numpy(dtype=object)


# --- Excel ------------------------------------------------------------------------------


def _read_excel(
    path: Path, label: str, options: ReadOptions, numeric: list[str], keys: list[str]
) -> Table:
    try:
        with warnings.catch_warnings():
            # openpyxl's notes on styles and unsupported extensions say nothing on the data.
            warnings.simplefilter("ignore", UserWarning)
            with pd.ExcelFile(path, engine="openpyxl") as book:
                sheets = [str(s) for s in book.sheet_names]
                sheet = _sheet(sheets, options.sheet, label)
                cells = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    except MonitoringDataError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many types for a bad workbook
        raise MonitoringDataError(
            f"cannot read Excel file: {exc}".splitlines()[0],
            file=label,
            rule="an .xlsx workbook",
        ) from None
    src = _Source(label, "xlsx", sheet)
    filled = cells.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise MonitoringDataError(
            "the sheet is empty", file=label, where=f"sheet {sheet!r}", rule="a header row"
        )
    top = int(np.argmax(filled))  # the header: the first row with a cell
    header = ["" if _is_missing(v) else str(v).strip() for v in cells.iloc[top].tolist()]
    position = _positions(header, options.time, numeric, keys, src)
    body = cells.iloc[top + 1 :]
    line = np.arange(top + 2, top + 2 + len(body), dtype=np.int64)  # Excel rows from 1
    time_text = body.iloc[:, position[options.time]].astype("str")
    times, exact = _parse_text_times(time_text, line, src, options)
    numbers = {
        name: _numbers_from_text(body.iloc[:, position[name]], ".", name, line, src, time_text)
        for name in numeric
    }
    text = {name: _keys_from_text(body.iloc[:, position[name]]) for name in keys}
    return _finish(times, exact, line, numbers, text, src, options, time_text, {})


def _sheet(sheets: list[str], wanted: str | None, label: str) -> str:
    if wanted is not None:
        if wanted not in sheets:
            raise MonitoringDataError(
                f"sheet {wanted!r} not found; sheets are {sheets}",
                file=label,
                variable="sheet",
                rule="the declared sheet exists in the workbook",
            )
        return wanted
    if len(sheets) > 1:
        raise MonitoringDataError(
            f"the workbook has {len(sheets)} sheets {sheets}; say which to read",
            file=label,
            variable="sheet",
            rule="set sheet = the name of the sheet with the data",
        )
    return sheets[0]


# --- NetCDF -----------------------------------------------------------------------------


def _read_netcdf(
    path: Path,
    label: str,
    options: ReadOptions,
    numeric: list[str],
    keys: list[str],
    engine: str = "h5netcdf",
) -> Table:
    src = _Source(label, "netcdf")
    ds = _open_cf(path, label, engine)
    with ds:
        if options.time not in ds.variables:
            _no_column(src, options.time, "time", list(ds.variables))
        tvar = ds[options.time]
        tvals = np.asarray(tvar.values)
        if not np.issubdtype(tvals.dtype, np.datetime64) or tvals.ndim != 1:
            raise MonitoringDataError(
                "time variable is not a 1-D CF time coordinate",
                file=label,
                variable=options.time,
                rule="CF time units ('minutes since 2024-01-01 00:00') on one dimension",
            )
        line = np.arange(tvals.size, dtype=np.int64)
        nat = np.isnat(tvals)
        if nat.any():
            i = int(np.argmax(nat))
            raise MonitoringDataError(
                "missing timestamp",
                file=label,
                variable=options.time,
                where=src.at(i),
                rule="every row has a time",
            )
        # With an offset in the CF units xarray has applied it: the values are UTC. Without
        # one they are local times of the time zone, like a CSV's naive timestamps.
        exact = bool(CF_OFFSET.search(str(tvar.encoding.get("units", ""))))
        # Arrays just read from the file: ours, so converted without a copy when they are
        # already of the type wanted.
        times = tvals.astype("datetime64[ns]", copy=False)
        numbers: dict[str, np.ndarray] = {}
        units: dict[str, str] = {}
        for name in (*numeric, *keys):
            if name not in ds.variables:
                _no_column(src, name, "value" if name in numeric else "key", list(ds.data_vars))
            if ds[name].dims != tvar.dims:
                raise MonitoringDataError(
                    f"{name!r} is not along the time dimension {tvar.dims}",
                    file=label,
                    variable=name,
                    rule="monitored variables share the time dimension",
                )
        for name in numeric:
            var = ds[name]
            arr = np.asarray(var.values)
            if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
                raise MonitoringDataError(
                    f"values of {name!r} are not numeric ({arr.dtype})",
                    file=label,
                    variable=name,
                    rule="monitored values are numbers",
                )
            numbers[name] = arr.astype(np.float64, copy=False)
            if "units" in var.attrs:
                units[name] = str(var.attrs["units"])
        text = {}
        for name in keys:
            arr = np.asarray(ds[name].values)
            if arr.dtype.kind == "S":
                arr = np.char.decode(arr, "utf-8")
            text[name] = _keys_from_text(pd.Series(arr, dtype=object))
    table = _finish(times, exact, line, numbers, text, src, options, None, {})
    table.units = units
    return table


# --- common -----------------------------------------------------------------------------


def _finish(
    times: np.ndarray,
    exact: bool,
    line: np.ndarray,
    numbers: dict[str, np.ndarray],
    text: dict[str, np.ndarray],
    src: _Source,
    options: ReadOptions,
    stamps: pd.Series | None,
    detected: dict[str, str],
) -> Table:
    """Drop blank rows, check what is left, turn local times into UTC."""
    no_time = np.isnat(times)
    if no_time.any():
        blank = no_time.copy()
        for arr in numbers.values():
            blank &= np.isnan(arr)
        for arr in text.values():
            blank &= pd.isna(arr) | (arr == "")
        orphan = no_time & ~blank
        if orphan.any():
            i = int(np.argmax(orphan))
            raise MonitoringDataError(
                "missing timestamp",
                file=src.label,
                variable=options.time,
                where=src.at(int(line[i])),
                rule="every row with data has a time",
            )
        keep = ~blank
        times, line = times[keep], line[keep]
        numbers = {k: v[keep] for k, v in numbers.items()}
        text = {k: v[keep] for k, v in text.items()}
        if stamps is not None:
            stamps = stamps[keep]
    if times.size == 0:
        where = f"sheet {src.sheet!r}" if src.sheet else None
        raise MonitoringDataError(
            "no rows of data", file=src.label, where=where, rule="one row per time"
        )
    for name, arr in numbers.items():
        inf = np.isinf(arr)
        if inf.any():
            i = int(np.argmax(inf))
            shown = _shown(stamps, i)
            raise MonitoringDataError(
                f"infinite value {float(arr[i])!r} in column {name!r}",
                file=src.label,
                variable=name,
                where=src.at(int(line[i]), shown),
                rule="monitored values are numbers",
            )
    for name, arr in text.items():
        empty = pd.isna(arr) | (arr == "")
        if empty.any():
            i = int(np.argmax(empty))
            raise MonitoringDataError(
                "empty key",
                file=src.label,
                variable=name,
                where=src.at(int(line[i])),
                rule="a key column has a value in every row",
            )
    if not exact:
        times = _localize(times, options.timezone, line, src, options.time)
    if src.kind == "netcdf":
        rows = RowLabels.for_file(src.label, int(times.size), csv=False)
    else:
        name = src.label if src.sheet is None else f"{src.label}[{src.sheet}]"
        rows = RowLabels.numbered(name, line)
    return Table(times, rows, numbers, text, {}, detected)


def _localize(
    local: np.ndarray, tz: dt.tzinfo, line: np.ndarray, src: _Source, column: str
) -> np.ndarray:
    """Naive local times -> UTC; a time that daylight saving makes ambiguous or
    nonexistent is a typed error naming the row."""
    if isinstance(tz, dt.timezone):
        offset = tz.utcoffset(None)
        return local - np.timedelta64(int(offset.total_seconds() * 1e6), "us")
    index = pd.DatetimeIndex(local)
    try:
        return np.asarray(index.tz_localize(tz).asi8).view("datetime64[ns]")
    except ValueError:  # pandas' AmbiguousTimeError / NonExistentTimeError
        pass
    missing = np.asarray(index.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").isna())
    i = int(np.argmax(missing))
    gap = pd.isna(index[i : i + 1].tz_localize(tz, ambiguous=True, nonexistent="NaT")[0])
    what = (
        "does not exist (clocks go forward over it)"
        if gap
        else "is ambiguous (clocks go back and it occurs twice)"
    )
    raise MonitoringDataError(
        f"local timestamp {index[i]} {what} in {tz_name(tz)}",
        file=src.label,
        variable=column,
        where=src.at(int(line[i])),
        rule="where clocks change, write timestamps with their UTC offset",
    )


def _open_cf(path: Path, label: str, engine: str, lazy: bool = False) -> xr.Dataset:
    """A NetCDF file (h5netcdf) or Zarr store (zarr) with CF decoding; ``lazy`` builds no
    index (the time coordinate is not loaded)."""
    kind, rule = (
        ("Zarr", "Zarr stores with CF conventions")
        if engine == "zarr"
        else ("NetCDF", "NetCDF-4 (HDF5) files with CF conventions")
    )
    extra: dict[str, Any] = {"create_default_indexes": False} if lazy else {}
    try:
        with warnings.catch_warnings():
            # A store without consolidated metadata is read all the same.
            warnings.filterwarnings("ignore", "Failed to open Zarr store", RuntimeWarning)
            return xr.open_dataset(path, engine=engine, decode_times=True, **extra)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MonitoringDataError(
            f"cannot read {kind}: {exc}".splitlines()[0], file=label, rule=rule
        ) from None


# --- streaming: a table in blocks of rows -----------------------------------------------


@dataclass
class LazyTable:
    """One file's rows in blocks, not yet read (:mod:`reductions.streaming`).

    Attributes
    ----------
    blocks
        One ``dask.delayed`` per block of rows, in file order; each computes to the
        :class:`Table` of its rows (times in UTC, row labels naming the file's own lines
        or indices), or to the typed error :func:`read_table` would raise for them.
    units, detected
        As in :class:`Table`, known before any block is read.
    dataset
        NetCDF and Zarr: the dask-backed variables (dimension ``row``-like, as in the
        file, no index), chunked as the blocks; ``None`` for CSV.
    """

    label: str
    blocks: list[Any]
    units: dict[str, str] = field(default_factory=dict)
    detected: dict[str, str] = field(default_factory=dict)
    dataset: xr.Dataset | None = None

    def close(self) -> None:
        if self.dataset is not None:
            self.dataset.close()


def open_lazy(
    path: Path, label: str, options: ReadOptions, numeric: Sequence[str], rows: int
) -> LazyTable:
    """Open one monitoring file for reading in blocks of about ``rows`` rows.

    CSV: the delimiter and decimal mark are detected once, on the file's first lines, and
    the file is cut at line ends (quoted cells spanning lines are not supported); NetCDF
    (.nc) and Zarr (.zarr) are opened by xarray with dask chunks along time, without
    loading the time coordinate. Key columns (long tables) and Excel are not read in blocks.
    """
    suffix = path.suffix.lower()
    if not (path.is_dir() if suffix in ZARR_SUFFIXES else path.is_file()):
        raise ProjectFileError(
            "monitoring file not found", file=label, rule="paths are relative to the project file"
        )
    from .safety import check_data_file

    check_data_file(path, label)
    numeric = list(dict.fromkeys(numeric))
    rows = max(int(rows), 1)
    if suffix in CSV_SUFFIXES:
        return _lazy_csv(path, label, options, numeric, rows)
    if suffix in NETCDF_SUFFIXES or suffix in ZARR_SUFFIXES:
        engine = "zarr" if suffix in ZARR_SUFFIXES else "h5netcdf"
        return _lazy_cf(path, label, options, numeric, rows, engine)
    raise ProjectFileError(
        f"a {suffix!r} file cannot be read in blocks",
        file=label,
        variable="chunks",
        rule="tables read in chunks are CSV (.csv, .txt), NetCDF (.nc) or Zarr (.zarr)",
    )


def _lazy_csv(
    path: Path, label: str, options: ReadOptions, numeric: list[str], rows: int
) -> LazyTable:
    import dask

    src = _Source(label, "csv")
    sample, whole = _sample(path, label)
    if not sample.strip():
        raise MonitoringDataError(
            "the file is empty", file=label, rule="a header row, then one row per time"
        )
    detected: dict[str, str] = {}
    delimiter = _delimiter(sample, options.delimiter, label, detected)
    records = _records(sample, delimiter)
    header = [c.strip() for c in records[0]]
    _check_one_column(header, delimiter, label)
    position = _positions(header, options.time, numeric, [], src)
    decimal = _decimal(
        records[1:], [position[c] for c in numeric], delimiter, options, label, detected
    )
    # Every block is read with the settings detected here (a block alone could differ).
    fixed = ReadOptions(options.time, options.timezone, delimiter, decimal, options.sheet)
    lines = sample.splitlines()
    mean_line = max(1, len(sample.encode()) // max(1, len(lines)))
    blocksize = max(1, rows * mean_line)
    blocks = []
    with path.open("rb") as fh:
        head = fh.readline()
        start, line = fh.tell(), 2
        while True:
            piece = fh.read(blocksize)
            if not piece:
                break
            piece += fh.readline()  # to the end of the line
            n = piece.count(b"\n") + (0 if piece.endswith(b"\n") else 1)
            end = start + len(piece)
            blocks.append(
                dask.delayed(_guarded, pure=True)(
                    _csv_block, str(path), label, fixed, numeric, head, start, end, line
                )
            )
            start, line = end, line + n
    if not blocks:
        raise MonitoringDataError("no rows of data", file=label, rule="one row per time")
    return LazyTable(label, blocks, {}, detected)


def _guarded(fn: Any, *args: Any) -> Any:
    """``fn(*args)``, or the typed error it raised (so that every block's error is seen
    and the first in the file can be raised)."""
    try:
        return fn(*args)
    except InputError as exc:
        return exc


def _csv_block(
    path: str,
    label: str,
    options: ReadOptions,
    numeric: list[str],
    head: bytes,
    start: int,
    end: int,
    line: int,
) -> Table:
    with open(path, "rb") as fh:
        fh.seek(start)
        body = fh.read(end - start)
    return _read_csv(head + body, label, options, numeric, [], line_offset=line - 2)


def _lazy_cf(
    path: Path, label: str, options: ReadOptions, numeric: list[str], rows: int, engine: str
) -> LazyTable:
    import dask

    src = _Source(label, "netcdf")
    ds = _open_cf(path, label, engine, lazy=True)
    try:
        if options.time not in ds.variables:
            _no_column(src, options.time, "time", list(ds.variables))
        tvar = ds[options.time]
        if not np.issubdtype(tvar.dtype, np.datetime64) or tvar.ndim != 1:
            raise MonitoringDataError(
                "time variable is not a 1-D CF time coordinate",
                file=label,
                variable=options.time,
                rule="CF time units ('minutes since 2024-01-01 00:00') on one dimension",
            )
        units: dict[str, str] = {}
        for name in numeric:
            if name not in ds.variables:
                _no_column(src, name, "value", list(ds.data_vars))
            var = ds[name]
            if var.dims != tvar.dims:
                raise MonitoringDataError(
                    f"{name!r} is not along the time dimension {tvar.dims}",
                    file=label,
                    variable=name,
                    rule="monitored variables share the time dimension",
                )
            if not np.issubdtype(var.dtype, np.number) or np.issubdtype(
                var.dtype, np.complexfloating
            ):
                raise MonitoringDataError(
                    f"values of {name!r} are not numeric ({var.dtype})",
                    file=label,
                    variable=name,
                    rule="monitored values are numbers",
                )
            if "units" in var.attrs:
                units[name] = str(var.attrs["units"])
        exact = bool(CF_OFFSET.search(str(tvar.encoding.get("units", ""))))
        dim = tvar.dims[0]
        lazy = ds[[options.time, *numeric]].drop_indexes(list(ds.xindexes), errors="ignore")
        lazy = lazy.chunk({dim: rows})
    except BaseException:
        ds.close()
        raise
    times = lazy[options.time].data.to_delayed().ravel()
    values = {c: lazy[c].data.to_delayed().ravel() for c in numeric}
    offsets = np.concatenate([[0], np.cumsum(lazy.chunks[dim])[:-1]])
    blocks = [
        dask.delayed(_guarded, pure=True)(
            _cf_block,
            label,
            options,
            exact,
            int(offsets[k]),
            times[k],
            {c: values[c][k] for c in numeric},
        )
        for k in range(len(times))
    ]
    return LazyTable(label, blocks, units, {}, lazy)


def _cf_block(
    label: str,
    options: ReadOptions,
    exact: bool,
    offset: int,
    times: np.ndarray,
    numbers: dict[str, np.ndarray],
) -> Table:
    """A block of a NetCDF or Zarr table whose first row is at ``offset`` along time."""
    src = _Source(label, "netcdf")
    tvals = np.asarray(times).astype("datetime64[ns]")
    nat = np.isnat(tvals)
    if nat.any():
        raise MonitoringDataError(
            "missing timestamp",
            file=label,
            variable=options.time,
            where=src.at(offset + int(np.argmax(nat))),
            rule="every row has a time",
        )
    line = np.arange(offset, offset + tvals.size, dtype=np.int64)
    values = {k: np.asarray(v).astype(np.float64) for k, v in numbers.items()}
    table = _finish(tvals, exact, line, values, {}, src, options, None, {})
    table.rows = RowLabels([label], [False], np.zeros(line.size, dtype=np.int64), line)
    return table
