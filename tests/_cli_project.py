"""A small project written into a temporary folder, for the command-line tests.

Private helper of ``test_bad_input.py`` and ``test_cli.py``: three local days
(2024-01-01 to 2024-01-03, UTC+8) of hourly meter data for a greenfield wind plant under
``cdm.acm0002`` (or an offshore wind farm under ``ccer.01-002``), either as interval
values (MWh per hour, each row labelled by the end of its hour) or as cumulative
registers (kWh readings on the hour). Tests copy it and break one thing at a time.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

#: Operating and build margin of the fixture [t/MWh] (illustrative values).
EF_OM = 0.8922
EF_BM = 0.4407
#: TOOL07 v07.0 Step 6: wind and solar, first crediting period: w_OM = 0.75, w_BM = 0.25.
W_OM, W_BM = 0.75, 0.25
DAYS = 3
START = dt.datetime(2024, 1, 1)

ACM0002_HEAD = """\
[project]
name = "CLI fixture: 3 days of a wind plant"
methodology = "cdm.acm0002"
methodology_version = "22.0"

[period]
start = 2024-01-01
end = 2024-01-03
timezone = "UTC+8"
reporting = "day"

[parameters]
project_activity = "greenfield"
technology = "wind"
crediting_period = 1
EF_grid_OM_y = {{ value = {om}, unit = "t/MWh", source = "fixture" }}
EF_grid_BM_y = {{ value = {bm}, unit = "t/MWh", source = "fixture" }}
"""

CCER_HEAD = """\
[project]
name = "CLI fixture: 3 days of an offshore wind farm"
methodology = "ccer.01-002"
methodology_version = "V01"

[period]
start = 2024-01-01
end = 2024-01-03
timezone = "UTC+8"
reporting = "day"

[parameters]
distance_from_shore = {{ value = 38, unit = "km", source = "fixture" }}
water_depth = {{ value = 26, unit = "m", source = "fixture" }}
EF_grid_OM_y = {{ value = {om}, unit = "t/MWh", source = "fixture" }}
EF_grid_BM_y = {{ value = {bm}, unit = "t/MWh", source = "fixture" }}
EF_grid_vintage = 2023
MPE_export = {{ value = 0.002, unit = "1", source = "fixture: accuracy class 0.2S" }}
MPE_import = {{ value = 0.002, unit = "1", source = "fixture: accuracy class 0.2S" }}
"""

INTERVAL_MONITORING = """
[monitoring]
file = "monitoring.csv"
time = "time_end"
timezone = "UTC+8"
label = "end"
interval = "1h"

[monitoring.variables]
EG_export = { column = "export", unit = "MWh" }
EG_import = { column = "import", unit = "MWh" }
"""

REGISTER_MONITORING = """
[monitoring]
file = "monitoring.csv"
time = "timestamp"
timezone = "UTC+8"

[monitoring.variables]
EG_export = { column = "export_register", unit = "kWh", kind = "register" }
EG_import = { column = "import_register", unit = "kWh", kind = "register" }
"""


def hourly_energy(n: int) -> tuple[list[float], list[float]]:
    """Export and import of each hour [MWh]: a deterministic, varied pattern."""
    export = [round(10.0 + (i % 7) * 1.25 - (i % 3) * 0.5, 4) for i in range(n)]
    imp = [0.125 if i % 5 == 0 else 0.0 for i in range(n)]
    return export, imp


def make_project(
    root: Path,
    *,
    methodology: Literal["cdm.acm0002", "ccer.01-002"] = "cdm.acm0002",
    kind: Literal["interval", "register"] = "interval",
) -> Path:
    """Write ``project.toml`` and ``monitoring.csv`` into ``root``; return the project path."""
    root.mkdir(parents=True, exist_ok=True)
    n = DAYS * 24
    export, imp = hourly_energy(n)
    if methodology == "cdm.acm0002":
        head = ACM0002_HEAD.format(om=EF_OM, bm=EF_BM)
    else:
        head = CCER_HEAD.format(om=EF_OM, bm=EF_BM)
    if kind == "interval":
        lines = ["time_end,export,import"]
        lines += [
            f"{(START + dt.timedelta(hours=i + 1)).isoformat(' ', 'minutes')},{e},{m}"
            for i, (e, m) in enumerate(zip(export, imp, strict=True))
        ]
        monitoring = INTERVAL_MONITORING
    else:
        # Registers in kWh, read on the hour from 00:00 on the first day to 00:00 after
        # the last: n + 1 readings, n differences.
        reg_e, reg_i = [1_000_000.0], [50_000.0]
        for e, m in zip(export, imp, strict=True):
            reg_e.append(round(reg_e[-1] + e * 1000.0, 1))
            reg_i.append(round(reg_i[-1] + m * 1000.0, 1))
        lines = ["timestamp,export_register,import_register"]
        lines += [
            f"{(START + dt.timedelta(hours=i)).isoformat(' ', 'minutes')},{a},{b}"
            for i, (a, b) in enumerate(zip(reg_e, reg_i, strict=True))
        ]
        monitoring = REGISTER_MONITORING
    project = root / "project.toml"
    project.write_text(head + monitoring, encoding="utf-8")
    (root / "monitoring.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project


def expected_er_acm0002() -> float:
    """ER of the ACM0002 fixture [t CO2e]: sum(export - import) x CM, PE = LE = 0.

    ACM0002 v22.0 eq. (11) with EG_PJ,y = EG_export - EG_import (greenfield) and the
    TOOL07 v07.0 Step 6 combined margin with wind weights 0.75 / 0.25.
    """
    export, imp = hourly_energy(DAYS * 24)
    return (sum(export) - sum(imp)) * (W_OM * EF_OM + W_BM * EF_BM)


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a text file; fail if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def csv_rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_rows(path: Path, rows: Sequence[str]) -> None:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def cli_command(*args: str) -> list[str]:
    """The command line that runs ``reductions`` as a new process."""
    return [sys.executable, "-m", "reductions.cli", *args]
