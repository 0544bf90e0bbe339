"""Uncertainty of ER (reductions.uncertainty): Monte Carlo (JCGM 101:2008), first order
(JCGM 100:2008), conservative results, ranking, declarations and the command.

The closed-form checks use CCER-01-002-V01 on an ex-ante estimate (one yearly value per
meter), where ER = (E (1 - mpe) - I (1 + mpe)) x (w_OM OM + w_BM BM) by eqs. (1)-(4) and
para. 7.3.4: linear in OM and BM, so the mean and standard deviation of ER are known in
closed form and every Monte Carlo tolerance below is a multiple of its own standard error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reductions.cli import main
from reductions.project import load_project
from reductions.uncertainty import UncertaintyError, propagate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ccer-01-002-offshore-wind"

EXPORT, IMPORT, MPE = 1_051_200.0, 2_000.0, 0.002
OM, BM = 0.9419, 0.4819
#: Net electricity after the conservative meter correction (para. 7.3.4) [MWh].
EG = EXPORT * (1 - MPE) - IMPORT * (1 + MPE)


def write_estimate(
    folder: Path, uncertainty: str, *, years: int = 1, om: float = OM, bm: float = BM
) -> Path:
    text = f"""
[project]
name = "closed-form estimate"
methodology = "ccer.01-002"
methodology_version = "V01"
timezone = "UTC+8"

[estimate]
start = 2025-01-01
years = {years}

[estimate.annual]
EG_export = {{ value = {EXPORT}, unit = "MWh" }}
EG_import = {{ value = {IMPORT}, unit = "MWh" }}

[parameters]
distance_from_shore = {{ value = 38, unit = "km" }}
crediting_period_start = 2025-01-01
EF_grid_OM_y = {{ value = {om}, unit = "t/MWh" }}
EF_grid_BM_y = {{ value = {bm}, unit = "t/MWh" }}
EF_grid_vintage = 2019
MPE_export = {{ value = {MPE}, unit = "1" }}
MPE_import = {{ value = {MPE}, unit = "1" }}

{uncertainty}
"""
    path = folder / "project.toml"
    path.write_text(text, encoding="utf-8")
    return path


LINEAR = """
[uncertainty]
seed = 7
draws = 200000
[uncertainty.inputs]
EF_grid_OM_y = { std = 0.02 }
EF_grid_BM_y = { std = 30, unit = "kg/MWh" }
"""


def test_linear_model_matches_closed_form(tmp_path: Path) -> None:
    """ER = EG (OM + BM) / 2 with independent normal OM, BM: mean = central ER,
    std = EG / 2 sqrt(u_OM^2 + u_BM^2). Tolerances: 5 standard errors of the estimate
    (mean: s / sqrt(N); std: s / sqrt(2 N))."""
    u = propagate(load_project(write_estimate(tmp_path, LINEAR)))
    central = EG * (0.5 * OM + 0.5 * BM)
    sigma = EG / 2 * math.hypot(0.02, 0.030)
    n = u.mc.draws
    assert n == 200_000
    assert u.central == pytest.approx(central, rel=1e-12)
    assert abs(u.mc.mean - central) < 5 * sigma / math.sqrt(n)
    assert abs(u.mc.std - sigma) < 5 * sigma / math.sqrt(2 * n)
    # First order: exact for a linear model (central differences of a linear function).
    assert u.gum.u == pytest.approx(sigma, rel=1e-9)
    coeffs = {lab: c for lab, c, _ in u.gum.coefficients}
    assert coeffs["EF_grid_OM_y"] == pytest.approx(EG / 2, rel=1e-9)
    assert coeffs["EF_grid_BM_y"] == pytest.approx(EG / 2, rel=1e-9)
    # Ranking: shares 0.02^2 : 0.03^2 of the variance, largest first; MC r^2 agrees.
    top = u.ranking[0]
    assert top["input"] == "EF_grid_BM_y"
    assert top["share"] == pytest.approx(0.03**2 / (0.02**2 + 0.03**2), rel=1e-9)
    assert top["mc_r2"] == pytest.approx(top["share"], abs=0.01)
    # Conservative: the one-sided 95 % lower bound is close to central - 1.645 sigma.
    assert u.mc.lower_bound == pytest.approx(central - 1.6449 * sigma, abs=0.02 * sigma)
    assert u.gum.lower_bound == pytest.approx(central - 1.6449 * sigma, rel=1e-4)


def test_full_correlation_adds_contributions_linearly(tmp_path: Path) -> None:
    """r = 1: u_c = c_1 u_1 + c_2 u_2 (JCGM 100:2008 eq. (16)); Monte Carlo agrees."""
    text = (
        LINEAR + '[[uncertainty.correlation]]\ninputs = ["EF_grid_OM_y", "EF_grid_BM_y"]\nr = 1\n'
    )
    u = propagate(load_project(write_estimate(tmp_path, text)))
    sigma = EG / 2 * (0.02 + 0.03)
    assert u.gum.u == pytest.approx(sigma, rel=1e-9)
    assert abs(u.mc.std - sigma) < 5 * sigma / math.sqrt(2 * u.mc.draws)
    assert u.validated


def test_skewed_input_gives_asymmetric_interval_never_below_zero(tmp_path: Path) -> None:
    """A lognormal factor with the 95 % range 0.003-0.03 (the shape of an IPCC default
    range) that dominates ER: the Monte Carlo interval is asymmetric about ER and above
    zero; the symmetric first-order interval runs below zero and is not the answer."""
    text = """
[uncertainty]
seed = 11
draws = 100000
[uncertainty.inputs]
EF_grid_BM_y = { distribution = "lognormal", range95 = [0.003, 0.03] }
"""
    u = propagate(load_project(write_estimate(tmp_path, text, om=0.001, bm=0.01)))
    lo, hi = u.mc.interval
    assert 0 < lo < u.central < hi
    assert hi - u.central > 2 * (u.central - lo)
    assert float(u.mc.y.min()) > 0
    assert u.gum.interval[0] < 0 < u.mc.lower_bound
    assert not u.validated
    assert any("below zero" in w for w in u.warnings)
    assert u.as_dict()["answer"] == "Monte Carlo"
    assert u.as_dict()["conservative_ER"] == u.mc.lower_bound


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    path = write_estimate(tmp_path, LINEAR.replace("200000", "20000"))
    a = json.dumps(propagate(load_project(path)).as_dict(), sort_keys=True)
    b = json.dumps(propagate(load_project(path)).as_dict(), sort_keys=True)
    c = json.dumps(propagate(load_project(path), seed=8).as_dict(), sort_keys=True)
    assert a == b
    assert a != c


def test_adaptive_stopping_terminates(tmp_path: Path) -> None:
    """JCGM 101:2008 7.9.4: sequences of M = 10^4 draws (p = 0.95) until stable."""
    text = LINEAR.replace("draws = 200000\n", "digits = 2\n")
    u = propagate(load_project(write_estimate(tmp_path, text, years=3)))
    assert u.mc.stabilised
    assert u.mc.sequences >= 2
    assert u.mc.draws == u.mc.sequences * 10_000
    assert u.as_dict()["monte_carlo"]["numerical_tolerance"] == u.mc.tolerance


def test_meter_errors_systematic_and_random(tmp_path: Path) -> None:
    """A class-0.2S export meter: rectangular relative error of half-width 0.2 %, shared
    by every reading; c = dER/d(delta) = E (1 - mpe) CM. A random error per reading of a
    yearly estimate adds (c u)^2 per year."""
    text = """
[uncertainty]
seed = 3
draws = 50000
[uncertainty.inputs]
EG_export = { accuracy_class = "0.2S", random_rel_std = 0.001 }
"""
    u = propagate(load_project(write_estimate(tmp_path, text, years=2)))
    cm = 0.5 * OM + 0.5 * BM
    c = 2 * EXPORT * (1 - MPE) * cm  # two years share one systematic error
    u_sys = 0.002 / math.sqrt(3)
    u_rand2 = 2 * (EXPORT * (1 - MPE) * cm * 0.001) ** 2
    assert u.gum.complete
    assert u.gum.u == pytest.approx(math.sqrt((c * u_sys) ** 2 + u_rand2), rel=1e-6)
    assert abs(u.mc.std - u.gum.u) < 5 * u.gum.u / math.sqrt(2 * u.mc.draws)


def test_input_the_ledger_does_not_use_is_reported(tmp_path: Path) -> None:
    text = LINEAR + "distance_from_shore = { std = 1.0 }\n"
    u = propagate(load_project(write_estimate(tmp_path, text)))
    assert any(w.startswith("distance_from_shore: ER does not depend") for w in u.warnings)


@pytest.mark.parametrize(
    ("inputs", "variable", "words"),
    [
        ("EF_grid_OM_y = { std = -0.01 }", "EF_grid_OM_y", "standard uncertainty is positive"),
        (
            'EF_grid_OM_y = { distribution = "gamma", std = 0.01 }',
            "EF_grid_OM_y",
            "unknown distribution 'gamma'",
        ),
        ("EF_grid_XX_y = { std = 0.01 }", "EF_grid_XX_y", "no parameter or monitored"),
        ("EG_export = { std = 0.01, mpe = 0.002 }", "EG_export", "exactly one of"),
        ("EG_export = { mpe = 0.002, random_rel_std = -1 }", "EG_export", "not negative"),
        ("EF_grid_OM_y = { range95 = [0.9, 0.8] }", "EF_grid_OM_y", "low must be below"),
    ],
)
def test_bad_declarations(tmp_path: Path, inputs: str, variable: str, words: str) -> None:
    path = write_estimate(tmp_path, f"[uncertainty]\n[uncertainty.inputs]\n{inputs}\n")
    with pytest.raises(UncertaintyError) as info:
        propagate(load_project(path))
    text = str(info.value)
    assert f"uncertainty.inputs.{variable}" in text
    assert words in text
    assert "(rule:" in text


def test_correlation_matrix_not_positive_definite(tmp_path: Path) -> None:
    text = """
[uncertainty]
[uncertainty.inputs]
EF_grid_OM_y = { std = 0.01 }
EF_grid_BM_y = { std = 0.01 }
EG_export = { mpe = 0.002 }
[[uncertainty.correlation]]
inputs = ["EF_grid_OM_y", "EF_grid_BM_y"]
r = 0.9
[[uncertainty.correlation]]
inputs = ["EF_grid_OM_y", "EG_export"]
r = 0.9
[[uncertainty.correlation]]
inputs = ["EF_grid_BM_y", "EG_export"]
r = -0.9
"""
    with pytest.raises(UncertaintyError) as info:
        propagate(load_project(write_estimate(tmp_path, text)))
    text_ = str(info.value)
    assert "uncertainty.correlation" in text_
    assert "not positive semi-definite" in text_
    assert "JCGM 101:2008 6.4.8" in text_


def test_bad_correlation_names_an_undeclared_input(tmp_path: Path) -> None:
    text = LINEAR + '[[uncertainty.correlation]]\ninputs = ["EF_grid_OM_y", "EG_export"]\nr = 0.5\n'
    with pytest.raises(UncertaintyError, match="'EG_export' has no declared uncertainty"):
        propagate(load_project(write_estimate(tmp_path, text)))


def test_command_on_the_example(tmp_path: Path, capsys: Any) -> None:
    """`reductions uncertainty` on examples/ccer-01-002-offshore-wind/uncertainty.toml
    (monitored 15-minute data, meter classes, grid factors, a correlation): the summary,
    uncertainty.json tied to report.json by its digest, report.html with the plot, and
    report.json still verifies."""
    out = tmp_path / "out"
    rc = main(["uncertainty", str(EXAMPLE / "uncertainty.toml"), "-o", str(out), "--draws", "2000"])
    printed = capsys.readouterr().out
    assert rc == 0
    assert "conservative ER" in printed and "EF_grid_BM_y" in printed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    section = json.loads((out / "uncertainty.json").read_text(encoding="utf-8"))
    assert section["report_digest"] == report["digest"]
    assert "uncertainty" not in report
    assert section["monte_carlo"]["draws"] == 2000
    assert section["settings"]["seed"] == 20240101
    assert (
        section["conservative_ER"]
        < section["central_ER"]
        == pytest.approx(report["totals"]["ER"], rel=1e-12)
    )
    assert {r["input"] for r in section["ranking"]} >= {"EG_export", "EG_import", "EF_grid_OM_y"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "share of the variance of ER by input" in html
    assert main(["verify", str(out / "report.json")]) == 0


def test_command_without_declarations_is_an_input_error(capsys: Any) -> None:
    rc = main(["uncertainty", str(EXAMPLE / "estimate.toml"), "--no-report"])
    assert rc == 2
    assert "no uncertainty is declared" in capsys.readouterr().err


def test_draws_are_vectorised_not_looped(tmp_path: Path) -> None:
    """10^5 draws of a closed-form annual ER run through the plugin in one chunk each:
    the model is evaluated as many times as there are chunks, not draws."""
    from reductions.uncertainty.model import Model

    calls = 0
    original = Model.evaluate

    def counting(self: Model, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return original(self, *args, **kwargs)

    Model.evaluate = counting  # type: ignore[method-assign]
    try:
        u = propagate(load_project(write_estimate(tmp_path, LINEAR.replace("200000", "100000"))))
    finally:
        Model.evaluate = original  # type: ignore[method-assign]
    assert u.mc.draws == 100_000
    assert calls <= 3  # one chunk of MC draws, one for the GUM coefficients
    assert np.isfinite(u.mc.y).all()
