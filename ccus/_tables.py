"""Fast tabulated path for :mod:`ccus.properties` (placeholder: everything goes exact)."""

from __future__ import annotations

from typing import Any

import numpy as np


def evaluate(
    prop: str, pair: str, a: np.ndarray, b: np.ndarray, comp: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (values, done mask, flags); states not done go to the exact path."""
    n = a.shape[0]
    return np.full(n, np.nan), np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int32)


def settings() -> dict[str, Any]:
    """Fast-path table settings."""
    return {"status": "not built: every state uses the exact path"}
