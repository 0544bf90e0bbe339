"""Pure CO2 properties from ccus.properties against published reference values.

Sources (every number below names its own):

* [SW96] R. Span, W. Wagner, "A New Equation of State for Carbon Dioxide Covering the Fluid
  Region from the Triple-Point Temperature to 1100 K at Pressures up to 800 MPa",
  J. Phys. Chem. Ref. Data 25(6), 1509-1596 (1996), doi:10.1063/1.555991.
  Table 34 (saturation, p. 1560) and Table 35 (single phase, p. 1562), selected rows as
  reproduced in pychemqt, jjgomera/pychemqt, lib/mEoS/CO2.py, ``Test.test_span``
  (commit 065ee8d97e3ea41da18b5c08c1ed47f16105f443), which quotes the table and page.
  Fixed points (Tc, pc, rhoc, Tt, pt): same file, class attributes and ``_melting``
  (Tref = 216.592 K, Pref = 5.1795e5 Pa, cited to [SW96]); the same values stand in
  REFPROP's CO2.FLD header and in CoolProp's CarbonDioxide.json (melting_line T_0, p_0,
  BibTeX "Span-JPCRD-1996").
  The primary text was not read here: these are faithful secondary reproductions
  (they quote table and page), tagged [V-2nd].
* [LM17] A. Laesecke, C. D. Muzny, "Reference Correlation for the Viscosity of Carbon
  Dioxide", J. Phys. Chem. Ref. Data 46, 013107 (2017), doi:10.1063/1.4977429: values at
  (T, rho) as reproduced in pychemqt lib/mEoS/CO2.py ``Test.test_Laesecke`` (same commit;
  that file gives no table number). CoolProp 8 uses this correlation for CO2 viscosity
  (its fluid metadata: ``BibTeX-VISCOSITY = Laesecke-JPCRD-2017-CO2``).
* [H16] M. L. Huber, E. A. Sykioti, M. J. Assael, R. A. Perkins, "Reference Correlation of
  the Thermal Conductivity of Carbon Dioxide from the Triple Point to 1100 K and up to
  200 MPa", J. Phys. Chem. Ref. Data 45, 013102 (2016), doi:10.1063/1.4940892: Table 7
  (p. 15), as reproduced in pychemqt lib/mEoS/CO2.py ``Test.test_Huber`` (same commit).
  CoolProp 8 uses it (``BibTeX-CONDUCTIVITY = Huber-JPCRD-2016-CO2``).
* [EPA] 40 CFR 98.443, Equation RR-2: D = 0.0018682 t/sm3, CO2 at standard conditions
  60 degF and 14.696 psia (40 CFR 98.6, definition of standard conditions).

Tolerances. A published value rounded to its last printed digit is exact to half a unit in
that place, u = 0.5 * 10**(-decimals); the equation implemented in CoolProp is the published
one, so the exact path must agree within u plus 1e-9 relative for iteration and arithmetic.
The fast path is a table interpolation: its tolerance adds the bound the library states,
1e-4 relative in density (issue 3) and, for the other properties, the measured bounds it
publishes in ``backend_info()["fast_path"]["measured_max_errors"]``. Where a state lies
outside the fast tables the fast path falls back to the exact one (then it is held to the
exact tolerance by the same formula, which is wider, so no fast-only pass is possible).

Left out, and why:

* [SW96] Table 35 row T = 226.679 K, p = 50 MPa: it lies on the melting line (SW eq. 3.10
  gives p_melt(226.679 K) = 50.0 MPa) and ccus.properties flags it as solid (Flag.SOLID);
  tested below as a flagged state, not as a value.
* cv, u and the saturated-phase densities, enthalpies and speeds of sound of Table 34:
  ccus.properties exposes no cv or u, and no property at (T, quality).
* Fenghour, Wakeham & Vesovic (1998) viscosity values: CoolProp 8 does not use that
  correlation (it uses [LM17]), so they are not reference values for this library.
* NIST Chemistry WebBook values: no citable page with numbers was found with the search
  tools; none are used.
"""

from __future__ import annotations

from typing import Any

import CoolProp.CoolProp as CP
import numpy as np
import pytest

from ccus import properties as P

METHODS = ("exact", "fast")
NUMERIC = 1e-9  # relative allowance for CoolProp's iterations and arithmetic [-]
FAST_DENSITY_BOUND = 1e-4  # issue 3: fast-path max relative density error [-]


def _fast_bound(prop: str) -> float:
    if prop == "density":
        return FAST_DENSITY_BOUND
    measured: dict[str, Any] = P.backend_info()["fast_path"]["measured_max_errors"]
    return float(measured["pure_max_rel_error"][prop])


def _rtol(value: float, decimals: int, prop: str, method: str) -> float:
    """Half a unit in the last published digit, relative, plus the path's own bound."""
    tol = 0.5 * 10.0 ** (-decimals) / abs(value) + NUMERIC
    return tol + (_fast_bound(prop) if method == "fast" else 0.0)


# [SW96] Table 35 (p. 1562), single-phase rows: T [K], p [Pa], rho [kg/m3] (decimals),
# w [m/s] (decimals), cp [kJ/kg/K] (decimals), h [kJ/kg] (decimals), s [kJ/kg/K] (decimals).
TABLE35 = [
    # T,      p,     rho,     d,  w,      d,  cp,      d,  h,       d,  s,        d
    (240.0, 0.05e6, 1.1084, 4, 243.88, 2, 0.78815, 5, -48.014, 3, -0.04483, 5),
    (280.0, 0.5e6, 9.7568, 4, 257.27, 2, 0.87063, 5, -20.594, 3, -0.36761, 5),
    (230.0, 1.0e6, 1128.97, 2, 879.82, 2, 1.9959, 4, -400.19, 2, -2.1006, 4),
    (290.0, 5.0e6, 148.41, 2, 207.56, 2, 2.5783, 4, -81.892, 3, -0.95959, 5),
    (480.0, 10.0e6, 119.65, 2, 328.74, 2, 1.1732, 4, 133.66, 2, -0.48595, 5),
    (1100.0, 0.1e6, 0.48109, 5, 494.61, 2, 1.2593, 4, 883.69, 2, 1.3827, 4),
    (1100.0, 100e6, 371.36, 2, 675.48, 2, 1.3544, 4, 887.14, 2, 0.03152, 5),
    (327.673, 800e6, 1495.70, 2, 2052.8, 1, 1.5477, 4, 164.96, 2, -2.1926, 4),
]
ROW_ID = [f"SW96-T35-{r[0]:g}K-{r[1] / 1e6:g}MPa" for r in TABLE35]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", TABLE35, ids=ROW_ID)
def test_span_wagner_table35_density(row: tuple, method: str) -> None:
    T, p, rho, d = row[0], row[1], row[2], row[3]
    got = float(P.density(p, T, method=method))
    assert got == pytest.approx(rho, rel=_rtol(rho, d, "density", method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", TABLE35, ids=ROW_ID)
def test_span_wagner_table35_speed_of_sound(row: tuple, method: str) -> None:
    T, p, w, d = row[0], row[1], row[4], row[5]
    got = float(P.speed_of_sound(p, T, method=method))
    assert got == pytest.approx(w, rel=_rtol(w, d, "speed_of_sound", method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", TABLE35, ids=ROW_ID)
def test_span_wagner_table35_cp(row: tuple, method: str) -> None:
    T, p, cp, d = row[0], row[1], row[6], row[7]
    got = float(P.cp(p, T, method=method)) / 1e3  # J/kg/K -> kJ/kg/K
    assert got == pytest.approx(cp, rel=_rtol(cp, d, "cp", method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("row", TABLE35[:1] + TABLE35[2:], ids=ROW_ID[:1] + ROW_ID[2:])
def test_span_wagner_table35_enthalpy_entropy_differences(row: tuple, method: str) -> None:
    # [SW96] uses h = s = 0 for the ideal gas at 298.15 K, 101.325 kPa; ccus uses IIR. The
    # difference between two states does not depend on the reference state, so each row is
    # compared with the anchor row (280 K, 0.5 MPa) of the same table. Tolerance: the two
    # half-units of the two published values, plus the path's bound on each value.
    a = TABLE35[1]
    T, p = row[0], row[1]
    dh_pub = (row[8] - a[8]) * 1e3  # kJ/kg -> J/kg
    ds_pub = (row[10] - a[10]) * 1e3  # kJ/kg/K -> J/kg/K
    h = P.enthalpy(np.array([p, a[1]]), np.array([T, a[0]]), method=method)
    s = P.entropy(np.array([p, a[1]]), np.array([T, a[0]]), method=method)
    fast_h = _fast_bound("enthalpy") if method == "fast" else 0.0
    fast_s = _fast_bound("entropy") if method == "fast" else 0.0
    tol_h = 0.5e3 * (10.0 ** -row[9] + 10.0 ** -a[9]) + fast_h * (abs(h[0]) + abs(h[1]))
    tol_s = 0.5e3 * (10.0 ** -row[11] + 10.0 ** -a[11]) + fast_s * (abs(s[0]) + abs(s[1]))
    assert h[0] - h[1] == pytest.approx(dh_pub, abs=tol_h + NUMERIC * abs(dh_pub))
    assert s[0] - s[1] == pytest.approx(ds_pub, abs=tol_s + NUMERIC * abs(ds_pub))


def test_span_wagner_table35_melting_row_is_flagged_solid() -> None:
    # [SW96] Table 35, T = 226.679 K, p = 50 MPa: the melting-line row (rho = 1229.78 kg/m3
    # for the liquid). At the line ccus refuses the state rather than choose the phase.
    for method in METHODS:
        rho, flag = P.density(50e6, 226.679, method=method, errors="nan", return_flags=True)
        assert np.isnan(rho)
        assert int(flag) & P.Flag.SOLID


# [SW96] Table 34 (p. 1560), saturation pressure: T [K], p_sat [MPa] (decimals).
TABLE34 = [
    (216.592, 0.51796, 5),
    (240.0, 1.2825, 4),
    (260.0, 2.4188, 4),
    (280.0, 4.1607, 4),
    (300.0, 6.7131, 4),
    (304.0, 7.3555, 4),
]


@pytest.mark.parametrize(("T", "psat", "d"), TABLE34, ids=[f"SW96-T34-{r[0]:g}K" for r in TABLE34])
def test_span_wagner_table34_saturation_pressure(T: float, psat: float, d: int) -> None:
    got = float(P.saturation_pressure(T)) / 1e6  # Pa -> MPa
    assert got == pytest.approx(psat, rel=0.5 * 10.0**-d / psat + NUMERIC)


def test_span_wagner_fixed_points() -> None:
    # [SW96] critical and triple point (Tc = 304.1282 K, pc = 7.3773 MPa, rhoc = 467.6
    # kg/m3, Tt = 216.592 K, pt = 0.51795 MPa), each held to half a unit of its last digit.
    lim = P.CO2_LIMITS
    assert lim["T_critical"] == pytest.approx(304.1282, abs=0.5e-4)
    assert lim["p_critical"] == pytest.approx(7.3773e6, abs=0.5e2)
    assert lim["rho_critical"] == pytest.approx(467.6, abs=0.05)
    assert lim["T_triple"] == pytest.approx(216.592, abs=0.5e-3)
    # SW's stated triple-point pressure 0.51795 MPa is where their melting line (eq. 3.10)
    # starts; the equation of state's own vapour pressure at Tt is 0.51796 MPa (Table 34,
    # first row). ccus' CO2_LIMITS["p_triple"] is CoolProp's, i.e. the EOS value (517 964 Pa):
    # each is checked against its own published number, half a unit of the last digit.
    assert float(P.melting_pressure(216.592)) == pytest.approx(0.51795e6, abs=0.5e1)
    assert lim["p_triple"] == pytest.approx(0.51796e6, abs=0.5e1)


# [LM17] viscosity at (T [K], rho [kg/m3]) -> eta [mPa s] (decimals). ccus takes (p, T):
# p is CoolProp's HEOS pressure at (T, rho), and the test checks that ccus returns that
# density again (a round trip within 1e-9, or the fast-path bound) before comparing eta.
LM17 = [
    (220.0, 3.0, 0.011104, 6),
    (225.0, 1150.0, 0.22218, 5),
    (300.0, 65.0, 0.015563, 6),
    (300.0, 1400.0, 0.50594, 5),
    (700.0, 100.0, 0.033112, 6),
    (700.0, 1200.0, 0.22980, 5),
]

LM17_300K_1400 = (
    "CoolProp 8.0.0 gives 0.5059453 mPa s at 300 K, 1400 kg/m3 (464 MPa), 1.06 half-units "
    "above the reproduced 0.50594 (rel. 1.05e-5); unresolved without the primary table"
)

# [H16] Table 7 (p. 15): thermal conductivity at (T [K], rho [kg/m3]) -> lambda [mW/m/K].
# (The rho = 0 row cannot be posed at (p, T) and is left out.)
H16 = [
    (250.0, 2.0, 13.05, 2),
    (250.0, 1058.0, 140.00, 2),
    (310.0, 400.0, 73.04, 2),
]


def _p_at(T: float, rho: float) -> float:
    return float(CP.PropsSI("P", "T", T, "D", rho, "HEOS::CarbonDioxide"))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("T", "rho", "eta", "d"),
    LM17,
    ids=[
        "LM17-220K-3",
        "LM17-225K-1150",
        "LM17-300K-65",
        "LM17-300K-1400",
        "LM17-700K-100",
        "LM17-700K-1200",
    ],
)
def test_laesecke_muzny_viscosity(
    T: float, rho: float, eta: float, d: int, method: str, request: pytest.FixtureRequest
) -> None:
    if (T, rho) == (300.0, 1400.0) and method == "exact":
        # Known discrepancy, kept visible rather than hidden by a wider tolerance.
        request.applymarker(pytest.mark.xfail(strict=True, reason=LM17_300K_1400))
    p = _p_at(T, rho)
    assert float(P.density(p, T, method=method)) == pytest.approx(
        rho, rel=_fast_bound("density") if method == "fast" else NUMERIC
    )
    got = float(P.viscosity(p, T, method=method)) * 1e3  # Pa s -> mPa s
    assert got == pytest.approx(eta, rel=_rtol(eta, d, "viscosity", method))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("T", "rho", "lam", "d"), H16, ids=[f"H16-T7-{r[0]:g}K-{r[1]:g}" for r in H16]
)
def test_huber_thermal_conductivity(T: float, rho: float, lam: float, d: int, method: str) -> None:
    p = _p_at(T, rho)
    assert float(P.density(p, T, method=method)) == pytest.approx(
        rho, rel=_fast_bound("density") if method == "fast" else NUMERIC
    )
    got = float(P.thermal_conductivity(p, T, method=method)) * 1e3  # W/m/K -> mW/m/K
    assert got == pytest.approx(lam, rel=_rtol(lam, d, "thermal_conductivity", method))


@pytest.mark.parametrize("method", METHODS)
def test_epa_standard_density(method: str) -> None:
    # [EPA] D = 0.0018682 t/sm3 at 60 degF (288.7056 K) and 14.696 psia (101 325.4 Pa);
    # 5 significant digits: half a unit is 5e-8 t/m3.
    T = (60.0 - 32.0) / 1.8 + 273.15
    p = 14.696 * 6894.757293168361
    d = float(P.density(p, T, method=method)) / 1e3  # kg/m3 -> t/m3
    assert d == pytest.approx(0.0018682, rel=_rtol(0.0018682, 7, "density", method))
