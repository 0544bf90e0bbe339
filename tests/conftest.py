"""Shared fixtures of the engine and renewable-methodology tests.

The writers themselves live in ``strategies.py`` (plain functions, usable inside
hypothesis tests); the fixtures here bind them to temporary folders.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reductions.run import Result, run_project
from tests.strategies import ACM0002_BASE, BM_ARMENIA, OM_ARMENIA, hourly_frame, write_project


@pytest.fixture(scope="session")
def new_dir(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A fresh empty folder on every call (session-scoped, so hypothesis tests may use it)."""
    counter = itertools.count()
    return lambda: tmp_path_factory.mktemp(f"case{next(counter)}")


@pytest.fixture
def acm0002_project(tmp_path: Path) -> Callable[..., Path]:
    """Write an ACM0002 project of hourly interval data [MWh] into ``tmp_path``.

    Call it with the export (and import) of each hour from 2024-01-01 00:00 local time
    (UTC+8); the period is the whole days the data cover. Keyword arguments go to
    :func:`strategies.write_project` (``parameters`` are merged onto the fixture's).
    """

    def make(
        export: list[float] | np.ndarray,
        imports: list[float] | np.ndarray | None = None,
        *,
        parameters: dict[str, Any] | None = None,
        monitoring: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Path:
        days = max(1, len(export) // 24)
        params = {
            **ACM0002_BASE,
            "EF_grid_OM_y": {"value": OM_ARMENIA, "unit": "t/MWh", "source": "ASB0038-2018"},
            "EF_grid_BM_y": {"value": BM_ARMENIA, "unit": "t/MWh", "source": "ASB0038-2018"},
            **(parameters or {}),
        }
        mon = {
            "time": "timestamp",
            "timezone": "UTC+8",
            "label": "end",
            "interval": "1h",
            "variables": {
                "EG_export": {"column": "export", "unit": "MWh"},
                "EG_import": {"column": "import", "unit": "MWh"},
            },
            **(monitoring or {}),
        }
        kwargs.setdefault("end", dt.date(2024, 1, 1) + dt.timedelta(days=days - 1))
        return write_project(
            tmp_path,
            {"monitoring.csv": hourly_frame(export, imports)},
            methodology="cdm.acm0002",
            parameters=params,
            monitoring=mon,
            **kwargs,
        )

    return make


@pytest.fixture
def run() -> Callable[..., Result]:
    """``run_project``, for symmetry with the fixtures that write projects."""
    return run_project
