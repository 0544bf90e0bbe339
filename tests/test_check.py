"""``reductions check PROJECT.toml --claimed CLAIM.toml`` (issue 13, item 0).

A validator's check of a claimed result: every claimed figure against the recomputation,
at the claim's tolerance, and the checks a validation or verification body makes, each
finding classed CAR, CL or FAR. The projects are the three-day fixtures of
``_cli_project.py`` (ACM0002 and CCER-01-002) and the La Venta II validation case with its
published claim (``validation/claims/mexico-la-venta-ii-pad``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reductions.check import ClaimFileError, check, load_claim
from reductions.cli import main
from reductions.run import run_project
from tests._cli_project import make_project

REPO = Path(__file__).resolve().parent.parent
LA_VENTA = REPO / "validation" / "cases" / "mexico-la-venta-ii-pad-margins" / "project.toml"
LA_VENTA_CLAIMS = REPO / "validation" / "claims" / "mexico-la-venta-ii-pad"

HEAD = """\
[claim]
document = "test monitoring report"
date = 2024-02-15
"""


def _total(quantity: str, value: object, unit: str = "t", period: str = "") -> str:
    v = repr(value) if not isinstance(value, str) else f'"{value}"'
    return f'[[claim.totals]]\nquantity = "{quantity}"\nvalue = {v}\nunit = "{unit}"\n{period}\n'


def _claim(tmp_path: Path, body: str, name: str = "claim.toml") -> Path:
    p = tmp_path / name
    p.write_text(HEAD + body, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def acm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float], dict]:
    project = make_project(tmp_path_factory.mktemp("acm") / "project")
    r = run_project(project)
    days = {i["label"]: i["ER"] for i in r.report()["intervals"]}
    return project, dict(r.totals), days


@pytest.fixture(scope="module")
def ccer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, float], float]:
    project = make_project(tmp_path_factory.mktemp("ccer") / "project", methodology="ccer.01-002")
    r = run_project(project)
    jan2 = [e for e in r.report()["quantities"] if e["symbol"] == "EG_export"][0]
    return project, dict(r.totals), jan2["by_interval"]["2024-01-02"]


def _classes(c) -> list[tuple[str, str, str]]:
    """The findings, without the fixture's own "cannot be checked" applicability CLs."""
    return [
        (f.cls, f.topic, f.subject)
        for f in c.findings
        if not (f.cls == "CL" and f.topic == "applicability")
    ]


def _cars(c) -> list[str]:
    return [f"{f.topic}: {f.subject}: {f.message}" for f in c.findings if f.cls == "CAR"]


# --- totals -------------------------------------------------------------------------------------


def test_claim_equal_to_computed_exits_0_and_writes_check_json(acm, tmp_path, capsys):
    project, totals, days = acm
    body = "".join(_total(s, repr(totals[s])) for s in ("BE", "PE", "LE", "ER"))
    body += "".join(
        _total("ER", repr(v), period=f"period = {{start = {d}, end = {d}}}")
        for d, v in days.items()
    )
    claim = _claim(tmp_path, body)
    code = main(["check", str(project), "--claimed", str(claim), "-o", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "no CAR stands" in out
    data = json.loads((tmp_path / "out" / "check.json").read_text(encoding="utf-8"))
    assert data["schema"] == "reductions.check/1"
    assert data["summary"]["CAR"] == 0 and data["exit"] == 0
    assert data["differences"] == []
    assert len(data["comparisons"]) == 4 + len(days)
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["report_digest"] == report["digest"]
    assert "Check of a claimed result" in (tmp_path / "out" / "report.html").read_text("utf-8")


def test_planted_error_in_er_is_a_car_naming_quantity_and_period(acm, tmp_path, capsys):
    project, _, days = acm
    wrong = round(days["2024-01-02"] * 1.05, 3)
    claim = _claim(
        tmp_path, _total("ER", wrong, period="period = {start = 2024-01-02, end = 2024-01-02}")
    )
    code = main(["check", str(project), "--claimed", str(claim), "--no-report"])
    out = capsys.readouterr().out
    assert code == 1
    assert "CAR-01 [totals] ER (2024-01-02/2024-01-02)" in out
    assert "+5.000%" in out
    c = check(project, claim)
    (row,) = c.comparisons
    assert row.status == "differs" and row.period == "2024-01-02/2024-01-02"
    assert row.rel_diff == pytest.approx(0.05, rel=1e-4)


def test_tolerance_edges(acm, tmp_path):
    project, totals, _ = acm
    er = totals["ER"]
    # Published to the tonne: within half a tonne agrees, beyond it is a difference.
    nearest = round(er)
    assert abs(nearest - er) <= 0.5
    c = check(project, _claim(tmp_path, _total("ER", nearest)))
    assert c.comparisons[0].status == "agrees" and c.exit_code == 0
    # Two tonnes off, published to the tonne: a CAR.
    c = check(project, _claim(tmp_path, _total("ER", nearest + 2)))
    assert c.exit_code == 1 and _classes(c) == [("CAR", "totals", "ER (period)")]
    # The same two tonnes within a stated tolerance (with its reason): agrees.
    tol = '[claim.tolerance]\natol = 2.5\nwhy = "monthly rounding"\n'
    c = check(project, _claim(tmp_path, tol + _total("ER", nearest + 2)))
    assert c.exit_code == 0 and c.comparisons[0].status == "agrees"
    # A per-quantity tolerance overrides the claim's default for that quantity only.
    tol = (
        '[claim.tolerance]\natol = 0.5\nwhy = "to the tonne"\n'
        '[claim.tolerance.ER]\nrtol = 5e-3\nwhy = "the report says 0.5 %"\n'
    )
    c = check(project, _claim(tmp_path, tol + _total("ER", nearest + 2) + _total("BE", 1.0)))
    assert [r.status for r in c.comparisons] == ["agrees", "differs"]
    # Stated to one decimal and rounded down instead of to the nearest: a CL, not a CAR.
    tenths = int(er * 10) / 10
    if er * 10 - int(er * 10) > 0.5:
        c = check(project, _claim(tmp_path, _total("ER", f"{tenths:.1f}")))
        assert c.exit_code == 0 and _classes(c) == [("CL", "totals", "ER (period)")]
    # A value as a string keeps its trailing zeros: "0.62570" is stated to 5 decimals.
    assert load_claim(_claim(tmp_path, _total("ER", "100.50"))).totals[0].value.decimals == 2


def test_rounding_down_is_a_clarification_request(tmp_path):
    c = check(LA_VENTA, _claim(tmp_path, _total("ER", 192549, "tCO2e", "year = 2007")))
    assert c.exit_code == 0
    assert ("CL", "totals", "ER (2007)") in _classes(c)


# --- parameters and vintages --------------------------------------------------------------------


def test_parameter_differing_from_the_project_is_a_car(acm, tmp_path):
    project, _, _ = acm
    body = (
        "[claim.parameters]\n"
        'EF_grid_OM_y = {value = 0.8952, unit = "t/MWh", source = "MR table 3", vintage = 2023}\n'
        'EF_grid_BM_y = {value = 440.7, unit = "kg/MWh", source = "MR table 3", vintage = 2023}\n'
    )
    c = check(project, _claim(tmp_path, body))
    assert c.exit_code == 1
    assert [s.split(":")[1].strip() for s in _cars(c)] == ["EF_grid_OM_y (-)"]
    assert [r.status for r in c.comparisons] == ["differs", "agrees"]


def test_factor_vintage_later_than_the_period_is_a_car(ccer, tmp_path):
    project, _, _ = ccer
    body = (
        "[claim.parameters]\n"
        'EF_grid_OM_y = {value = 0.8922, unit = "t/MWh", source = "MEE", vintage = 2025}\n'
        'EF_grid_BM_y = {value = 0.4407, unit = "t/MWh", source = "MEE", vintage = 2022}\n'
    )
    c = check(project, _claim(tmp_path, body))
    cars = _cars(c)
    assert c.exit_code == 1
    assert any("later than the period's last year 2024" in s for s in cars)
    assert any("later than the document's date" in s for s in cars)
    # The project file states vintage 2023: a claimed 2022 is another publication.
    assert any("EF_grid_BM_y" in s and "project file's is 2023" in s for s in cars)


def test_consumption_average_used_as_a_margin_is_a_car(ccer, tmp_path):
    project, _, _ = ccer
    body = (
        "[claim.parameters]\n"
        'EF_grid_OM_y = {value = 0.6776, unit = "t/MWh", source = "MEE/NBS 2022", '
        'vintage = 2022, grid = "north"}\n'
    )
    c = check(project, _claim(tmp_path, body))
    assert any(f.cls == "CAR" and f.topic == "factor kind" for f in c.findings)


def test_missing_source_and_vintage_are_clarification_requests(acm, tmp_path):
    project, _, _ = acm
    body = '[claim.parameters]\nEF_grid_OM_y = {value = 0.8922, unit = "t/MWh"}\n'
    c = check(project, _claim(tmp_path, body))
    assert c.exit_code == 0
    topics = [(f.cls, f.topic) for f in c.findings if f.subject == "EF_grid_OM_y"]
    assert topics == [("CL", "sources"), ("CL", "factor vintage")]


# --- crediting period, applicability, calibration -----------------------------------------------


def test_crediting_period_not_containing_the_period_is_a_car(acm, tmp_path):
    project, _, _ = acm
    body = "[claim.crediting_period]\nstart = 2024-01-02\nyears = 10\n" + _total("PE", 0)
    c = check(project, _claim(tmp_path, body))
    assert [f.topic for f in c.findings if f.cls == "CAR"] == ["crediting period"]


def test_failed_applicability_is_a_car_not_a_crash(tmp_path):
    project = make_project(tmp_path / "p", methodology="ccer.01-002")
    text = project.read_text(encoding="utf-8").replace("value = 38, unit", "value = 12, unit")
    project.write_text(text, encoding="utf-8")
    c = check(project, _claim(tmp_path, _total("ER", 1000.0)))
    assert c.exit_code == 1 and c.result is None
    assert c.findings[0].cls == "CAR" and c.findings[0].topic == "applicability"
    assert c.comparisons[0].status == "not computed"


def test_uncalibrated_meter_is_far_when_totals_agree_car_when_not(ccer, tmp_path):
    project, totals, _ = ccer
    c = check(project, _claim(tmp_path, _total("ER", repr(totals["ER"]))))
    assert c.exit_code == 0
    assert ("FAR", "calibration") in [(f.cls, f.topic) for f in c.findings]
    c = check(project, _claim(tmp_path, _total("ER", round(totals["ER"] * 1.002, 3))))
    assert ("CAR", "calibration") in [(f.cls, f.topic) for f in c.findings]


# --- invoices against the meter -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "status", "code"),
    [(1.0015, "within band", 0), (0.9985, "within band", 0), (1.0030, "outside band", 1)],
)
def test_invoice_against_the_meters_accuracy_band(ccer, tmp_path, ratio, status, code):
    project, _, metered = ccer
    body = (
        '[[claim.records]]\nkind = "invoice"\nperiod = {start = 2024-01-02, end = 2024-01-02}\n'
        f'value = {metered * ratio!r}\nunit = "MWh"\ndocument = "inv 7"\n'
    )
    c = check(project, _claim(tmp_path, body))
    (row,) = c.comparisons
    assert row.status == status and c.exit_code == code
    if code:
        assert "outside the meter's accuracy band ±0.20%" in _cars(c)[0]


def test_invoice_without_an_accuracy_class_is_a_clarification_request(acm, tmp_path):
    project, _, _ = acm
    body = (
        '[[claim.records]]\nkind = "invoice"\nperiod = {start = 2024-01-01, end = 2024-01-01}\n'
        'value = 100.0\nunit = "MWh"\n'
    )
    c = check(project, _claim(tmp_path, body))
    assert [(k, t) for k, t, _ in _classes(c)] == [("CL", "cross-check")]
    c = check(project, _claim(tmp_path, body.replace('unit = "MWh"', 'unit = "MWh"\nmpe = 0.5')))
    assert c.comparisons[0].status in ("within band", "outside band")


# --- bad claim files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (_total("EEr", 1.0), "claim.totals[0].quantity", "did you mean 'ER'"),
        (_total("ER", 1.0, period="year = 2023"), "claim.totals[0].year", "outside the project"),
        (
            _total("ER", 1.0, period="period = {start = 2024-01-01, end = 2024-02-01}"),
            "claim.totals[0].period",
            "outside the project",
        ),
        (
            '[[claim.totals]]\nquantity = "ER"\nvalue = 1.0\n',
            "claim.totals[0].unit",
            "missing unit",
        ),
        (_total("ER", 1.0, unit="MWh"), "claim.totals[0].unit", "dimension"),
        (_total("ER", "abc"), "claim.totals[0].value", "not a number"),
        ("[claim.tolerance]\natol = 1\n" + _total("ER", 1.0), "claim.tolerance.why", "reason"),
        (
            '[claim.parameters]\nEF_grid_OM = {value = 0.9, unit = "t/MWh"}\n',
            "claim.parameters.EF_grid_OM",
            "did you mean 'EF_grid_OM_y'",
        ),
        (
            "[claim.parameters]\nEF_grid_OM_y = {value = 0.9}\n",
            "claim.parameters.EF_grid_OM_y.unit",
            "missing unit",
        ),
        (
            '[[claim.records]]\nkind = "receipt"\nyear = 2024\nvalue = 1\nunit = "MWh"\n',
            "claim.records[0].kind",
            "receipt",
        ),
        ("", "claim.totals", "nothing to check"),
        (_total("ER", 1.0) + "surprise = 1\n", "claim.totals[0].surprise", "unknown key"),
    ],
)
def test_bad_claim_files_are_typed_errors_naming_the_field(
    acm, tmp_path, capsys, body, field, words
):
    project, _, _ = acm
    claim = _claim(tmp_path, body)
    with pytest.raises(ClaimFileError) as exc:
        check(project, claim)
    assert exc.value.variable == field
    assert words in str(exc.value)
    assert main(["check", str(project), "--claimed", str(claim), "--no-report"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("reductions check: error: claim.toml") and field in err


def test_missing_document_is_an_error(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text("[claim]\n" + _total("ER", 1.0), encoding="utf-8")
    with pytest.raises(ClaimFileError, match="claim.document"):
        load_claim(p)


# --- a published claim, and copies with planted errors ------------------------------------------


def test_published_claim_la_venta_ii_agrees():
    c = check(LA_VENTA, LA_VENTA_CLAIMS / "claim.toml")
    assert c.exit_code == 0, _cars(c)
    assert {r.quantity: r.status for r in c.comparisons} == {
        "ER": "agrees",
        "BE": "agrees",
        "EG_PJ_y": "agrees",
        "EF_grid_OM_y": "agrees",
        "EF_grid_BM_y": "agrees",
        "EF_grid_CM_y": "agrees",
    }
    assert ("FAR", "ex-ante values", "monitoring") in _classes(c)


def test_published_claim_with_planted_er_error():
    c = check(LA_VENTA, LA_VENTA_CLAIMS / "claim-planted-er.toml")
    assert c.exit_code == 1
    assert [(f.topic, f.subject) for f in c.findings if f.cls == "CAR"] == [("totals", "ER (2007)")]


def test_published_claim_with_planted_vintage_error():
    c = check(LA_VENTA, LA_VENTA_CLAIMS / "claim-planted-vintage.toml")
    assert c.exit_code == 1
    assert {(f.topic, f.subject) for f in c.findings if f.cls == "CAR"} == {
        ("factor vintage", "EF_grid_OM_y")
    }


def test_example_claim_of_the_offshore_wind_farm(tmp_path):
    folder = REPO / "examples" / "ccer-01-002-offshore-wind"
    c = check(folder / "project.toml", folder / "claim.toml")
    assert c.exit_code == 0, _cars(c)
    assert {r.status for r in c.comparisons} == {"agrees", "within band"}
    assert [f.cls for f in c.findings] == ["FAR", "FAR"]
