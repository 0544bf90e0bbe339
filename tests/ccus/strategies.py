"""Reusable hypothesis strategies for CO2 states and compositions."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ccus.properties import CO2_LIMITS, melting_pressure

T_TRIPLE = CO2_LIMITS["T_triple"]


@st.composite
def co2_states(
    draw: st.DrawFn,
    p_min: float = 0.05e6,
    p_max: float = 30e6,
    T_min: float = 220.0,
    T_max: float = 500.0,
) -> tuple[float, float]:
    """A fluid (p [Pa], T [K]) state of CO2 in the box, below the melting line."""
    T = draw(st.floats(T_min, T_max, allow_nan=False))
    lnp = draw(st.floats(float(np.log(p_min)), float(np.log(p_max)), allow_nan=False))
    p = float(np.exp(lnp))
    pm = float(melting_pressure(T))
    if p >= pm:
        p = 0.999 * pm
    return p, T


@st.composite
def compositions(
    draw: st.DrawFn,
    species: tuple[str, ...] = ("N2", "O2", "Ar", "CH4", "H2"),
    max_impurity: float = 0.05,
) -> dict[str, float]:
    """A CO2-rich mole-fraction composition summing to one."""
    imp = {s: draw(st.floats(0.0, max_impurity / len(species))) for s in species}
    imp = {k: v for k, v in imp.items() if v > 0}
    comp = dict(imp)
    comp["CO2"] = 1.0 - sum(imp.values())
    return comp
