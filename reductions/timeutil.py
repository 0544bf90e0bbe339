"""Time zones, interval lengths and reporting intervals.

Timestamps in files are local times of the project's time zone unless they carry an
offset; inside the engine every time is UTC (``datetime64[ns]``, naive). A crediting
period starts at local midnight (DESIGN.md, "Monitoring data, as it really arrives").
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import numpy as np
import pandas as pd

from .errors import ProjectFileError

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")


def parse_timezone(text: str, *, file: str | None = None, key: str = "timezone") -> dt.tzinfo:
    """``"UTC+8"``, ``"+08:00"``, ``"UTC"`` or an IANA name such as ``"Asia/Shanghai"``."""
    raw = str(text).strip()
    if raw.upper() in {"UTC", "Z", "GMT"}:
        return dt.UTC
    m = _OFFSET.match(raw.upper())
    if m:
        sign = 1 if m.group(1) == "+" else -1
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes >= 60:
            raise ProjectFileError(
                f"time-zone offset {raw!r} out of range", file=file, variable=key
            )
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        return zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ProjectFileError(
            f"unknown time zone {raw!r}",
            file=file,
            variable=key,
            rule="a UTC offset such as 'UTC+8' or '+08:00', or an IANA name",
        ) from None


def tz_name(tz: dt.tzinfo) -> str:
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz.key
    offset = tz.utcoffset(None)
    assert offset is not None
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    return f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"


def local_midnight_utc(day: dt.date, tz: dt.tzinfo) -> np.datetime64:
    """The UTC instant local ``day`` starts: its midnight, or, where clocks jump over
    midnight (America/Santiago in September), the instant of the jump."""
    local = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    return np.datetime64(local.astimezone(dt.UTC).replace(tzinfo=None), "ns")


def calendar_starts(first: dt.date, end: dt.date, unit: str) -> list[dt.date]:
    """The first days of the local calendar ``unit`` (day, month, quarter, year) that fall
    in ``[first, end)``, beginning with ``first`` itself."""
    out = [first]
    if unit == "day":
        out += [first + dt.timedelta(days=k) for k in range(1, (end - first).days)]
        return out
    months = {"month": 1, "quarter": 3, "year": 12}[unit]
    y, m = first.year, first.month
    # The first boundary after ``first``: the next start of a month, quarter or year.
    m0 = ((m - 1) // months + 1) * months + 1
    y, m = y + (m0 - 1) // 12, (m0 - 1) % 12 + 1
    while dt.date(y, m, 1) < end:
        out.append(dt.date(y, m, 1))
        m += months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return out


_CALENDAR = {
    "month": pd.DateOffset(months=1),
    "1month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
    "1year": pd.DateOffset(years=1),
}


def interval_offset(text: str, *, file: str | None = None) -> pd.DateOffset | pd.Timedelta:
    """A monitoring interval: ``"15min"``, ``"1h"``, ``"1D"``, ``"1s"``, ``"month"``, ``"year"``."""
    key = str(text).strip().lower()
    if key in _CALENDAR:
        return _CALENDAR[key]
    if re.fullmatch(r"[0-9.eE+-]+", key):
        # pandas reads a bare number as nanoseconds: the unit of a length is never guessed.
        raise ProjectFileError(
            f"interval {text!r} has no unit",
            file=file,
            variable="monitoring.interval",
            rule="a fixed length ('1s', '15min', '1h', '1D') or 'month', 'quarter', 'year'",
        )
    # pandas deprecates the lower-case day unit ("1d"): spell it "1D" after lowering.
    try:
        step = pd.Timedelta(re.sub(r"(?<![a-z])d$", "D", key))
    except ValueError:
        raise ProjectFileError(
            f"unknown interval {text!r}",
            file=file,
            variable="monitoring.interval",
            rule="a fixed length ('1s', '15min', '1h', '1D') or 'month', 'quarter', 'year'",
        ) from None
    if step <= pd.Timedelta(0):
        raise ProjectFileError(
            f"interval {text!r} must be positive", file=file, variable="monitoring.interval"
        )
    days = re.fullmatch(r"(\d*)\s*(?:d|day|days)", key)
    if days:
        # Local calendar days: 23 or 25 hours where clocks change.
        return pd.DateOffset(days=int(days.group(1) or 1))
    return step


def step_text(step: pd.Timedelta | np.timedelta64) -> str:
    """``"1h"``, ``"15min"``, ``"1D"``: a fixed interval as a project file writes it."""
    td = pd.Timedelta(step)
    for unit, name in ((86400, "D"), (3600, "h"), (60, "min"), (1, "s")):
        seconds = td.total_seconds()
        if seconds and seconds % unit == 0:
            return f"{int(seconds // unit)}{name}"
    return str(td)


def to_local(utc: np.ndarray, tz: dt.tzinfo) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(tz)


def to_utc_naive(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.tz_convert("UTC").tz_localize(None).values, dtype="datetime64[ns]")


REPORTING = ("total", "year", "quarter", "month", "day")
