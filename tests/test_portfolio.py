"""``reductions portfolio``: many projects, a report each and a summary (issue 12).

How it will be checked: a portfolio of generated projects, one of them broken, on a
``dask.distributed.LocalCluster`` and on the local process pool. The projects here are
copies of the examples' shapes with other data and scales: three days of hourly wind data
under ``cdm.acm0002`` and ``ccer.01-002`` (one of them over new year, so that two years
appear), the AMS-III.D example with a scaled herd, and a wind project whose data name a
column the CSV lacks. Totals are checked against the sums of the individual report.json
files, computed here from their intervals' labels (not with the module's own helpers).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from reductions.cli import main
from reductions.errors import ProjectFileError
from reductions.ledger import TOTALS
from reductions.portfolio import load_portfolio, run_portfolio, year_of
from tests._cli_project import ACM0002_HEAD, CCER_HEAD, EF_BM, EF_OM, INTERVAL_MONITORING, edit

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: Sums of the same floats in another order differ by a few ulp.
RTOL = 1e-12


def write_wind(
    root: Path, methodology: str, start: dt.date, days: int, scale: float, *, broken: bool = False
) -> Path:
    """Hourly export and import [MWh] of a wind farm, labelled by the end of each hour."""
    root.mkdir(parents=True)
    head = (ACM0002_HEAD if methodology == "cdm.acm0002" else CCER_HEAD).format(om=EF_OM, bm=EF_BM)
    head = head.replace("start = 2024-01-01", f"start = {start.isoformat()}")
    end = start + dt.timedelta(days=days - 1)
    head = head.replace("end = 2024-01-03", f"end = {end.isoformat()}")
    t0 = dt.datetime.combine(start, dt.time())
    rows = ["time_end,export,import"]
    for i in range(days * 24):
        e = round(scale * (10.0 + (i % 7) * 1.25 - (i % 3) * 0.5), 4)
        m = 0.125 if i % 5 == 0 else 0.0
        rows.append(f"{(t0 + dt.timedelta(hours=i + 1)).isoformat(' ', 'minutes')},{e},{m}")
    monitoring = INTERVAL_MONITORING
    if broken:
        monitoring = monitoring.replace('column = "import"', 'column = "import_MWh"')
    (root / "project.toml").write_text(head + monitoring, encoding="utf-8")
    (root / "monitoring.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root / "project.toml"


def copy_manure(root: Path, scale: float) -> Path:
    """The AMS-III.D example with its herd and biogas scaled."""
    shutil.copytree(EXAMPLES / "ams-iii-d-manure", root)
    lines = (root / "monitoring.csv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    scaled = {"swine_head", "biogas_flared_m3", "biogas_engine_m3"}
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        out.append(
            ",".join(
                str(round(float(c) * scale)) if h in scaled else c
                for h, c in zip(head, cells, strict=True)
            )
        )
    (root / "monitoring.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    return root / "project.toml"


PORTFOLIO = """\
[portfolio]
name = "test portfolio"
output = "out"
workers = 2

[[projects]]
path = "sites/*/project.toml"

[[projects]]
path = "extra/herd.toml"
name = "big-herd"
"""


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """Five projects: three wind, two manure (one named), one wind project broken."""
    sites = tmp_path / "sites"
    write_wind(sites / "wind-a", "cdm.acm0002", dt.date(2024, 1, 1), 3, 1.0)
    write_wind(sites / "wind-b", "ccer.01-002", dt.date(2023, 12, 31), 3, 2.5)
    write_wind(sites / "wind-c", "cdm.acm0002", dt.date(2024, 3, 1), 2, 0.5)
    write_wind(sites / "broken", "cdm.acm0002", dt.date(2024, 1, 1), 3, 1.0, broken=True)
    copy_manure(sites / "manure", 1.0)
    herd = copy_manure(tmp_path / "extra", 3.0)
    herd.rename(tmp_path / "extra" / "herd.toml")
    path = tmp_path / "portfolio.toml"
    path.write_text(PORTFOLIO, encoding="utf-8")
    return path


def sums_of_reports(out: Path, ids: list[str]) -> dict[str, dict[str, dict[str, float]]]:
    """Totals by methodology, programme and year, from the report.json files alone."""
    groups: dict[str, dict[str, dict[str, list[float]]]] = {
        "by_methodology": {},
        "by_programme": {},
        "by_year": {},
    }
    for pid in ids:
        report = json.loads((out / pid / "report.json").read_text(encoding="utf-8"))
        m = report["methodology"]
        version = m["version"] if not m["version"][:1].isdigit() else f"v{m['version']}"
        for name, key in (
            ("by_methodology", f"{m['id']} {version}"),
            ("by_programme", m["id"].split(".")[0]),
        ):
            g = groups[name].setdefault(key, {s: [] for s in TOTALS})
            for s in TOTALS:
                g[s].append(report["totals"][s])
        for row in report["intervals"]:
            g = groups["by_year"].setdefault(row["label"][:4], {s: [] for s in TOTALS})
            for s in TOTALS:
                g[s].append(row[s])
    return {
        name: {k: {s: math.fsum(v[s]) for s in TOTALS} for k, v in table.items()}
        for name, table in groups.items()
    }


def check_summary(summary: dict[str, Any], out: Path) -> None:
    ok = [p["id"] for p in summary["projects"] if p["status"] != "failed"]
    assert sorted(ok) == [
        "big-herd",
        "sites/manure",
        "sites/wind-a",
        "sites/wind-b",
        "sites/wind-c",
    ]
    expected = sums_of_reports(out, ok)
    for name in ("by_methodology", "by_programme", "by_year"):
        assert set(summary[name]) == set(expected[name]), name
        for key, values in expected[name].items():
            for s in TOTALS:
                assert summary[name][key][s] == pytest.approx(values[s], rel=RTOL, abs=1e-9)
    assert set(summary["by_year"]) == {"2023", "2024"}
    assert set(summary["by_programme"]) == {"cdm", "ccer"}
    assert summary["by_methodology"]["cdm.acm0002 v22.0"]["projects"] == 2
    total = math.fsum(p["totals"]["ER"] for p in summary["projects"] if p["status"] != "failed")
    assert summary["totals"]["ER"] == pytest.approx(total, rel=RTOL)
    assert summary["totals"]["projects"] == 5
    # The broken project is reported with its error; the others finished.
    [failed] = summary["failed"]
    assert failed["id"] == "sites/broken"
    assert failed["type"] == "MonitoringDataError"
    assert "import_MWh" in failed["message"]
    assert str(out.parent) not in failed["message"]  # no absolute path
    assert not (out / "sites/broken" / "report.json").exists()


def test_local_pool(portfolio: Path) -> None:
    result = run_portfolio(portfolio)
    out = portfolio.parent / "out"
    assert result.path == out / "portfolio.json"
    summary = json.loads(result.path.read_text(encoding="utf-8"))
    assert summary["counts"] == {"ok": 5, "skipped": 0, "failed": 1}
    assert summary["runner"] == "local process pool, 2 workers"
    check_summary(summary, out)
    wind_b = next(p for p in summary["projects"] if p["id"] == "sites/wind-b")
    assert wind_b["programme"] == "ccer"
    assert wind_b["methodology"] == {"id": "ccer.01-002", "version": "V01"}
    assert set(wind_b["years"]) == {"2023", "2024"}
    # The herd three times as large: every biogas term scales with it.
    herd = next(p for p in summary["projects"] if p["id"] == "big-herd")
    manure = next(p for p in summary["projects"] if p["id"] == "sites/manure")
    assert herd["totals"]["ER"] == pytest.approx(3 * manure["totals"]["ER"], rel=1e-3)


@pytest.mark.slow
def test_rerun_skips_unchanged_and_reruns_changed(portfolio: Path) -> None:
    out = portfolio.parent / "out"
    first = run_portfolio(portfolio, workers=2).summary
    er = {p["id"]: p["totals"]["ER"] for p in first["projects"] if p["status"] != "failed"}
    second = run_portfolio(portfolio, workers=2).summary
    status = {p["id"]: p["status"] for p in second["projects"]}
    assert status == {
        "big-herd": "skipped",
        "sites/broken": "failed",
        "sites/manure": "skipped",
        "sites/wind-a": "skipped",
        "sites/wind-b": "skipped",
        "sites/wind-c": "skipped",
    }
    check_summary(second, out)
    assert second["totals"] == first["totals"]
    # One byte of one monitoring file, one hand-edited report, one changed project file.
    edit(
        portfolio.parent / "sites/wind-a/monitoring.csv",
        "2024-01-01 01:00,10.0",
        "2024-01-01 01:00,90.0",
    )
    report = out / "sites/wind-c/report.json"
    edit(report, '"unit": "t CO2e"', '"unit": "t CO2"')
    edit(
        portfolio.parent / "extra/herd.toml",
        "storage_time = { value = 0.5,",
        "storage_time = { value = 0.4,",
    )
    third = run_portfolio(portfolio, workers=2).summary
    status = {p["id"]: p["status"] for p in third["projects"]}
    assert status["sites/wind-a"] == status["sites/wind-c"] == status["big-herd"] == "ok"
    assert status["sites/wind-b"] == status["sites/manure"] == "skipped"
    check_summary(third, out)
    new = {p["id"]: p["totals"]["ER"] for p in third["projects"] if p["totals"] is not None}
    assert new["sites/wind-a"] > er["sites/wind-a"]
    assert new["sites/wind-c"] == er["sites/wind-c"]
    forced = run_portfolio(portfolio, workers=2, force=True).summary
    assert forced["counts"] == {"ok": 5, "skipped": 0, "failed": 1}


@pytest.mark.slow
def test_cli(portfolio: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["portfolio", str(portfolio), "--workers", "2"])
    out, err = capsys.readouterr()
    assert code == 1, err
    lines = out.splitlines()
    assert sum(1 for x in lines if x.startswith("[")) == 6
    assert any(
        x.startswith("[") and "failed  sites/broken: MonitoringDataError" in x for x in lines
    )
    assert "5 run, 0 skipped as unchanged, 1 failed" in out
    assert "  failed (1):" in out
    for title in ("methodology", "programme", "year"):
        assert any(x.split()[:2] == [title, "projects"] for x in lines), title
    code = main(["portfolio", str(portfolio), "--workers", "2"])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "0 run, 5 skipped as unchanged, 1 failed" in out
    shutil.rmtree(portfolio.parent / "sites/broken")
    code = main(["portfolio", str(portfolio), "--workers", "2", "-o", str(portfolio.parent / "o2")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert (portfolio.parent / "o2/sites/wind-a/report.json").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('projects = ["nothing/*.toml"]', "matches no file"),
        ('projects = ["a/project.toml", "a.toml"]', "two projects have the id"),
        ("projects = []", "no projects"),
        ('[portfolio]\nworker = 2\n[[projects]]\npath = "a.toml"', "unknown key 'worker'"),
        ('[[projects]]\npath = "*.toml"\nname = "x"', "a name is for one project"),
        ('[[projects]]\npath = "a.toml"\nname = "../x"', "not a usable project id"),
    ],
)
def test_bad_portfolio_file(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b/a.toml").write_text("", encoding="utf-8")
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProjectFileError, match=message):
        load_portfolio(path)
    assert main(["portfolio", str(path)]) == 2
    _, err = capsys.readouterr()
    assert message.split("'")[0] in err and "Traceback" not in err


def test_ids(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "p.toml"
    path.parent.mkdir()
    path.write_text(
        'projects = ["../one/project.toml", "two.toml", {path = "x/y/z.toml", name = "zed"}]',
        encoding="utf-8",
    )
    p = load_portfolio(path)
    assert [e.id for e in p.projects] == ["one", "two", "zed"]
    assert p.output == (tmp_path / "sub" / "out").resolve()
    assert p.name == "p"


def test_plugin_error_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin that raises (not an input error): the project fails with the error's type
    and message, in the worker's own function (run here in-process)."""
    from methodologies.renewable.acm0002 import ACM0002
    from reductions import registry
    from reductions.portfolio import Task, run_task

    class Faulty(ACM0002):
        def quantify(self, inputs: Any, ledger: Any) -> None:
            raise ZeroDivisionError("a plugin's bug")

    table = {**registry.installed(), Faulty.key(): Faulty}
    monkeypatch.setattr(registry, "installed", lambda: table)
    project = write_wind(tmp_path / "p", "cdm.acm0002", dt.date(2024, 1, 1), 1, 1.0)
    s = run_task(Task("p", str(project), "p/project.toml", str(tmp_path / "out")))
    assert s["status"] == "failed"
    assert s["error"] == {"type": "ZeroDivisionError", "message": "a plugin's bug"}
    assert s["methodology"] == {"id": "cdm.acm0002", "version": "22.0"}
    assert s["totals"] is None


def test_year_of() -> None:
    assert year_of("2024-12-01T00:00:00+08:00", "2025-01-01T00:00:00+08:00") == "2024"
    assert year_of("2023-01-01T00:00:00+08:00", "2025-01-01T00:00:00+08:00") == "2023-2024"


@pytest.mark.slow
def test_local_cluster(portfolio: Path) -> None:
    """The same portfolio on a dask LocalCluster of two processes: the same totals."""
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'dask[distributed]')"
    )
    local = run_portfolio(portfolio, output=portfolio.parent / "local").summary
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        summary = run_portfolio(
            portfolio, scheduler=cluster.scheduler_address, output=portfolio.parent / "dask"
        ).summary
        assert summary["runner"].startswith("dask scheduler tcp://")
        assert summary["runner"].endswith("2 workers")
        check_summary(summary, portfolio.parent / "dask")
        for name in ("totals", "by_methodology", "by_programme", "by_year"):
            assert summary[name] == local[name]
        # A rerun on the cluster skips what is unchanged, as on the local pool.
        again = run_portfolio(
            portfolio, scheduler=cluster.scheduler_address, output=portfolio.parent / "dask"
        ).summary
        assert again["counts"] == {"ok": 0, "skipped": 5, "failed": 1}
    # The reports are the same, apart from their creation time.
    for p in local["projects"]:
        if p["status"] == "failed":
            continue
        a = json.loads((portfolio.parent / "local" / p["report"]).read_text(encoding="utf-8"))
        b = json.loads((portfolio.parent / "dask" / p["report"]).read_text(encoding="utf-8"))
        for r in (a, b):
            r.pop("created"), r.pop("digest")
        assert a == b
