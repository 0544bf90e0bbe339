"""``reductions compare``: the same project under other methodologies or versions (issue 13).

The main case is the example offshore wind farm (examples/ccer-01-002-offshore-wind),
written for CCER-01-002-V01, rerun under CDM ACM0002 v22.0 with the three parameters
ACM0002 needs and CCER does not declare given with ``--set``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from methodologies.renewable.acm0002 import ACM0002
from reductions import registry
from reductions.cli import EXIT_INPUT, EXIT_OK, main
from reductions.compare import (
    COMPARE_KEYS,
    Comparison,
    adapt,
    compare,
    parse_setting,
    parse_target,
)
from reductions.errors import InputError
from reductions.methodology import Parameter, Status
from reductions.project import load_project
from tests._cli_project import EF_BM, EF_OM, make_project

REPO = Path(__file__).resolve().parent.parent
OFFSHORE = REPO / "examples" / "ccer-01-002-offshore-wind" / "project.toml"
#: What ACM0002 needs and the CCER project does not give: a greenfield wind plant in its
#: first crediting period (TOOL07 weights 0.75/0.25).
ACM_SET = ("project_activity=greenfield", "technology=wind", "crediting_period=1")
#: The example's grid factors (North grid, MEE 2019) [t/MWh].
OM, BM = 0.9419, 0.4819


def _cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def ccer_vs_acm() -> Comparison:
    return compare(OFFSHORE, ["cdm.acm0002"], ACM_SET)


def test_ccer_against_acm0002_weights_and_combined_margin(ccer_vs_acm: Comparison) -> None:
    base, acm = ccer_vs_acm.columns
    assert base.as_written and base.methodology.id == "ccer.01-002"
    assert acm.ok and acm.methodology.id == "cdm.acm0002"
    (d,) = ccer_vs_acm.deltas
    q = {x.symbol: x for x in d.quantities}
    # The weights: CCER-01-002-V01 Tables 2-3 default 0.5/0.5; TOOL07 v07.0 Step 6 gives a
    # wind plant in its first crediting period 0.75/0.25. Each reason names its source.
    assert q["w_OM"].values == (0.5, 0.75)
    assert q["w_BM"].values == (0.5, 0.25)
    assert "CCER-01-002-V01 Table 2" in q["w_OM"].why[0]
    assert "TOOL07" in q["w_OM"].why[0]
    # The combined margin: the same formula in both, different weights.
    cm = q["EF_grid_CM_y"]
    assert cm.same_formula
    assert cm.values[0] == pytest.approx(0.5 * OM + 0.5 * BM, rel=1e-12)  # 0.7119
    assert cm.values[1] == pytest.approx(0.75 * OM + 0.25 * BM, rel=1e-12)  # 0.8269
    assert any("w_OM" in w for w in cm.why) and any("w_BM" in w for w in cm.why)
    assert set(cm.traced_to) == {"w_OM", "w_BM"}
    # EG_PJ_y: CCER corrects the meters (para. 7.3.4); ACM0002 nets the raw readings.
    eg = q["EG_PJ_y"]
    assert not eg.same_formula
    assert any("inputs only under ccer.01-002: EG_export_y, EG_import_y" in w for w in eg.why)
    only_ccer = {o.symbol: o for o in d.only_base}
    assert "EG_export_y" in only_ccer and "7.3.4" in only_ccer["EG_export_y"].equation
    assert "EG_facility_y" in {o.symbol for o in d.only_other}
    # BE and ER are traced to the weights and to the meter correction.
    assert {"w_OM", "w_BM", "e_EG_export"} <= set(q["ER"].traced_to)
    # Monitored data and the grid factors themselves agree.
    for same in ("EG_export", "EG_import", "EF_grid_OM_y", "EF_grid_BM_y"):
        assert same not in q


def test_er_ratio_follows_the_weights(ccer_vs_acm: Comparison) -> None:
    """ER = BE = EG_PJ_y x EF_grid_CM_y in both (PE = LE = 0), so

        ER_acm / ER_ccer = (EF_CM_acm / EF_CM_ccer) x (EG_PJ_acm / EG_PJ_ccer)

    with EF_CM_acm / EF_CM_ccer = (0.75 x 0.9419 + 0.25 x 0.4819) / (0.5 x 0.9419 + 0.5 x
    0.4819) = 0.8269 / 0.7119 = 1.16154 (the weights), and EG_PJ_acm / EG_PJ_ccer slightly
    above 1: CCER reduces the export readings by the meter's error (at most 0.35 % in the
    example's calibration records) and raises the import ones, ACM0002 takes them as read.
    """
    base, acm = ccer_vs_acm.columns
    assert base.totals is not None and acm.totals is not None
    q = {x.symbol: x for x in ccer_vs_acm.deltas[0].quantities}
    cm_ratio = (0.75 * OM + 0.25 * BM) / (0.5 * OM + 0.5 * BM)
    eg_ccer, eg_acm = q["EG_PJ_y"].values
    assert eg_ccer is not None and eg_acm is not None
    eg_ratio = eg_acm / eg_ccer
    assert 1.0 < eg_ratio < 1.0 / (1.0 - 0.0035)
    assert acm.totals["ER"] / base.totals["ER"] == pytest.approx(cm_ratio * eg_ratio, rel=1e-12)
    diff = ccer_vs_acm.difference(acm)
    assert diff is not None
    assert diff["ER"] == pytest.approx(acm.totals["ER"] - base.totals["ER"], rel=1e-15)
    assert diff["PE"] == 0.0 and diff["LE"] == 0.0


def test_adaptation_lists_what_was_not_carried_over(ccer_vs_acm: Comparison) -> None:
    acm = ccer_vs_acm.columns[1]
    a = acm.adaptation
    assert {"distance_from_shore", "water_depth", "MPE_export", "MPE_import"} <= set(a.not_used)
    assert set(a.set_here) == {"project_activity", "technology", "crediting_period"}
    assert any("calibration record" in x for x in a.dropped)
    assert a.missing == ()
    # Findings of one methodology only are listed, with their status under each.
    names = {f.name: f.statuses for f in ccer_vs_acm.deltas[0].findings}
    assert names["applicability.site"] == ("pass", None)
    assert names["applicability.technology"] == (None, "pass")
    # The project as written is untouched (frozen, and adapt works on a copy).
    assert ccer_vs_acm.project.methodology == "ccer.01-002"
    assert "distance_from_shore" in ccer_vs_acm.project.raw_parameters


def test_text_output(capsys: pytest.CaptureFixture) -> None:
    code, out, err = _cli(
        capsys,
        "compare",
        str(OFFSHORE),
        "--with",
        "cdm.acm0002",
        "--set",
        *ACM_SET[:1],
        "--set",
        ACM_SET[1],
        "--set",
        ACM_SET[2],
    )
    assert code == EXIT_OK, err
    assert "ccer.01-002 V01" in out and "cdm.acm0002 v22.0" in out and "(as written)" in out
    assert "EF_grid_CM_y [t/MWh]: 0.7119 -> 0.8269" in out
    assert "why: w_OM differs (0.5 -> 0.75, +50.00 %)" in out
    assert "parameters not used by cdm.acm0002 v22.0:" in out
    assert "only under ccer.01-002 V01:" in out


def test_same_methodology_twice_gives_no_differences(capsys: pytest.CaptureFixture) -> None:
    c = compare(OFFSHORE, ["ccer.01-002@V01"])
    base, again = c.columns
    assert again.ok and again.totals == base.totals
    (d,) = c.deltas
    assert d.same and not d.quantities and not d.findings
    assert again.adaptation.not_used == () and again.adaptation.dropped == ()
    assert "no differences" in "\n".join(c.lines())


def test_unknown_id_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture) -> None:
    code, out, err = _cli(capsys, "compare", str(OFFSHORE), "--with", "acm0002")
    assert code == EXIT_INPUT
    assert out == ""
    assert err.startswith("reductions compare: error:")
    assert "did you mean 'cdm.acm0002'?" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = _cli(capsys, "compare", str(OFFSHORE), "--with", "cdm.acm0002@21.0")
    assert code == EXIT_INPUT and "did you mean '22.0'?" in err


def test_unknown_set_name_exits_2(capsys: pytest.CaptureFixture) -> None:
    code, _, err = _cli(
        capsys, "compare", str(OFFSHORE), "--with", "cdm.acm0002", "--set", "technolgy=wind"
    )
    assert code == EXIT_INPUT
    assert "did you mean 'technology'?" in err


def test_target_missing_a_required_parameter_is_reported(capsys: pytest.CaptureFixture) -> None:
    code, out, err = _cli(
        capsys, "compare", str(OFFSHORE), "--with", "cdm.acm0002", "ccer.01-002", "--json"
    )
    assert code == EXIT_OK, err
    doc = json.loads(out)
    acm, ccer = doc["methodologies"][1:]
    assert acm["ok"] is False and acm["totals"] is None
    assert {m["symbol"] for m in acm["missing"]} == {
        "project_activity",
        "technology",
        "crediting_period",
    }
    assert "missing for cdm.acm0002 v22.0: project_activity" in acm["error"]
    # The other target still compares.
    assert ccer["ok"] is True
    assert [c["with"] for c in doc["comparisons"]] == ["ccer.01-002 V01"]
    assert doc["comparisons"][0]["same"] is True
    # And the text says why it cannot run.
    code, out, _ = _cli(capsys, "compare", str(OFFSHORE), "--with", "cdm.acm0002")
    assert code == EXIT_OK
    assert "CANNOT RUN: missing for cdm.acm0002 v22.0: project_activity" in out


def test_a_bad_set_value_is_the_target_error(capsys: pytest.CaptureFixture) -> None:
    c = compare(OFFSHORE, ["cdm.acm0002"], [*ACM_SET[:2], "crediting_period=4"])
    acm = c.columns[1]
    assert not acm.ok and acm.error is not None
    assert "above the maximum 3" in acm.error and "given with --set crediting_period" in acm.error
    assert c.deltas == ()


def test_json_output_parses(capsys: pytest.CaptureFixture) -> None:
    code, out, err = _cli(
        capsys,
        "compare",
        str(OFFSHORE),
        "--with",
        "cdm.acm0002",
        "--json",
        "--set",
        *ACM_SET[:1],
        "--set",
        ACM_SET[1],
        "--set",
        ACM_SET[2],
    )
    assert code == EXIT_OK, err
    doc = json.loads(out)
    assert tuple(doc) == COMPARE_KEYS
    assert doc["file"] == "project.toml"
    base, acm = doc["methodologies"]
    assert base["as_written"] and base["id"] == "ccer.01-002" and base["difference"] is None
    assert acm["difference"]["ER"] == pytest.approx(acm["totals"]["ER"] - base["totals"]["ER"])
    assert acm["relative_difference"]["PE"] is None  # PE = 0 as written
    (cmp,) = doc["comparisons"]
    q = {x["symbol"]: x for x in cmp["quantities"]}
    assert q["EF_grid_CM_y"]["same_formula"] is True
    assert any("w_BM" in w for w in q["EF_grid_CM_y"]["why"])
    assert "EG_export_y" in {o["symbol"] for o in cmp["only_in_base"]}


# --- two versions of one methodology ---------------------------------------------------------


class ACM0002Draft(ACM0002):
    """A made-up later version of ACM0002 whose combined-margin weights default to 0.5/0.5
    (as CCER's do): what a version change looks like in the comparison."""

    version = "99.0"
    parameters = tuple(
        Parameter(
            p.symbol,
            p.description,
            unit="1",
            default=0.5,
            default_source="ACM0002 v99.0 (made up for the test)",
            minimum=0.0,
            maximum=1.0,
        )
        if p.symbol in ("w_OM", "w_BM")
        else p
        for p in ACM0002.parameters
    )


def test_two_versions_of_one_methodology(tmp_path: Path) -> None:
    available = {ACM0002.key(): ACM0002, ACM0002Draft.key(): ACM0002Draft}
    project = make_project(tmp_path / "p")  # cdm.acm0002 22.0, greenfield wind
    c = compare(project, ["cdm.acm0002@99.0"], available=available)
    base, draft = c.columns
    assert draft.ok and draft.methodology.version == "99.0"
    (d,) = c.deltas
    q = {x.symbol: x for x in d.quantities}
    assert q["w_OM"].values == (0.75, 0.5)
    assert "ACM0002 v99.0 (made up for the test)" in q["w_OM"].why[0]
    assert q["EF_grid_CM_y"].values[1] == pytest.approx(0.5 * EF_OM + 0.5 * EF_BM)
    assert base.totals is not None and draft.totals is not None
    ratio = (0.5 * EF_OM + 0.5 * EF_BM) / (0.75 * EF_OM + 0.25 * EF_BM)
    assert draft.totals["ER"] / base.totals["ER"] == pytest.approx(ratio, rel=1e-12)
    # The same id: labels name the versions; the draft's own weights differ from TOOL07's,
    # which ACM0002 records as an override: not compliant.
    assert "cdm.acm0002 v22.0" in "\n".join(c.lines())
    assert not draft.result.compliant
    over = {f.name: f.statuses for f in d.findings}
    assert over["parameters.w_OM"] == (None, str(Status.OVERRIDDEN))


# --- pieces ----------------------------------------------------------------------------------


def test_parse_target() -> None:
    assert parse_target("cdm.acm0002") == ("cdm.acm0002", None)
    assert parse_target(" cdm.acm0002@22.0 ") == ("cdm.acm0002", "22.0")
    for bad in ("", "@22.0", "cdm.acm0002@"):
        with pytest.raises(InputError):
            parse_target(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("technology=wind", {"value": "wind"}),
        ("crediting_period=1", {"value": 1}),
        ("w_OM=0.75", {"value": 0.75}),
        ("storage=false", {"value": False}),
        ("crediting_period_start=2024-01-01", {"value": __import__("datetime").date(2024, 1, 1)}),
        ('technology="wind"', {"value": "wind"}),
        ("distance_from_shore=38 km", {"value": 38, "unit": "km"}),
        ("distance_from_shore=38[km]", {"value": 38, "unit": "km"}),
        ("EF_grid_OM_y=941.9 kg/MWh", {"value": 941.9, "unit": "kg/MWh"}),
    ],
)
def test_parse_setting(text: str, expected: dict) -> None:
    name, value = parse_setting(text)
    assert name == text.split("=", 1)[0]
    assert value["source"] == f"command line: --set {text}"
    assert {k: v for k, v in value.items() if k != "source"} == expected


@pytest.mark.parametrize("bad", ["technology", "=wind", "technology=", "bad name=1"])
def test_parse_setting_refuses(bad: str) -> None:
    with pytest.raises(InputError):
        parse_setting(bad)


def test_set_with_unit_is_converted(tmp_path: Path) -> None:
    """A --set value in another unit reaches the target in its declared unit."""
    project = make_project(tmp_path / "p", methodology="ccer.01-002")
    c = compare(project, ["ccer.01-002"], ["distance_from_shore=40000 m"])
    (d,) = c.deltas
    q = {x.symbol: x for x in d.quantities}
    assert q["distance_from_shore"].values == (38.0, 40.0)
    assert "--set distance_from_shore=40000 m" in q["distance_from_shore"].why[0]
    assert not any(s in q for s in ("BE", "ER"))


def test_adapt_drops_calibrations_for_a_target_that_does_not_read_them() -> None:
    project = load_project(OFFSHORE)
    adapted, how = adapt(project, registry.get("cdm.acm0002"))
    assert all(not t.calibrations for t in adapted.tables.values())
    assert any(t.calibrations for t in project.tables.values())
    assert adapted.methodology == "cdm.acm0002" and adapted.methodology_version == "22.0"
    assert [s for s, _ in how.missing] == ["project_activity", "technology", "crediting_period"]


def test_adjustments_are_not_carried_to_a_methodology_without_them() -> None:
    """ipmvp.option-c accepts non-routine adjustments and cdm.acm0002 does not: adapting
    the building example to ACM0002 drops its [[adjustment]] tables and says so."""
    project = load_project(REPO / "examples" / "ipmvp-option-c-building" / "project.toml")
    assert project.adjustments
    adapted, a = adapt(project, ACM0002)
    assert adapted.adjustments == ()
    assert [x for x in a.dropped if "[[adjustment]]" in x] == [
        f"[[adjustment]] {adj.name!r} (cdm.acm0002 v22.0 accepts no non-routine adjustments)"
        for adj in project.adjustments
    ]
