"""An auditor's machine is safe (issue 13, item 5; reductions.safety).

An auditor reruns files the audited party wrote: run, estimate and verify read only
files under the project file's folder unless ``--allow-outside`` names another folder
(recorded in report.json); workbooks with external links or XML DOCTYPE/ENTITY
declarations are refused before openpyxl parses them; NetCDF files that point into other
files are refused; a project file names a methodology id, never a module or a path.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from reductions.cli import main
from reductions.errors import MethodologyNotFound
from reductions.run import run_project
from reductions.safety import OutsideProjectError, UnsafeFileError, check_hdf5, check_xlsx
from tests._cli_project import edit, expected_er_acm0002, make_project


def _cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def outside(tmp_path: Path) -> tuple[Path, Path]:
    """A project in ``tmp/proj`` whose data file lives in ``tmp/common``."""
    project = make_project(tmp_path / "proj")
    shared = tmp_path / "common"
    shared.mkdir()
    shutil.move(project.parent / "monitoring.csv", shared / "monitoring.csv")
    edit(project, 'file = "monitoring.csv"', 'file = "../common/monitoring.csv"')
    return project, shared


def test_dotdot_refused_naming_key_and_rule(outside: tuple[Path, Path]) -> None:
    project, _ = outside
    with pytest.raises(OutsideProjectError) as err:
        run_project(project)
    text = str(err.value)
    assert "monitoring.file" in text and "'..'" in text and "--allow-outside" in text


def test_allow_outside_reads_and_is_recorded(
    outside: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    project, shared = outside
    out = project.parent / "out"
    code, _, err = _cli(capsys, "run", str(project), "-o", str(out), "--allow-outside", str(shared))
    assert code == 0, err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["project"]["allow_outside"] == ["../common"]
    assert report["totals"]["ER"] == pytest.approx(expected_er_acm0002(), rel=1e-9)
    assert not any(Path(i["path"]).is_absolute() for i in report["inputs"])
    # verify reads the same files only with the same allowance.
    code, _, err = _cli(capsys, "verify", str(out / "report.json"))
    assert code == 2 and "inputs[1].path" in err and "'..'" in err
    code, out_text, err = _cli(
        capsys, "verify", str(out / "report.json"), "--allow-outside", str(shared)
    )
    assert code == 0, out_text + err


def test_absolute_path_refused_even_when_allowed(outside: tuple[Path, Path]) -> None:
    project, shared = outside
    edit(project, '"../common/monitoring.csv"', json.dumps(str(shared / "monitoring.csv")))
    with pytest.raises(OutsideProjectError, match="absolute path"):
        run_project(project, allow_outside=[shared])


def test_symlink_escaping_refused(outside: tuple[Path, Path]) -> None:
    project, shared = outside
    (project.parent / "link.csv").symlink_to(shared / "monitoring.csv")
    edit(project, '"../common/monitoring.csv"', '"link.csv"')
    with pytest.raises(OutsideProjectError, match="symbolic link"):
        run_project(project)
    assert run_project(project, allow_outside=[shared]).totals["ER"] > 0
    # A symlinked folder inside that points outside is refused the same way.
    (project.parent / "data").symlink_to(shared, target_is_directory=True)
    edit(project, '"link.csv"', '"data/monitoring.csv"')
    with pytest.raises(OutsideProjectError, match="symbolic link"):
        run_project(project)


def test_symlink_inside_folder_is_fine(tmp_path: Path) -> None:
    project = make_project(tmp_path / "proj")
    (project.parent / "sub").mkdir()
    shutil.move(project.parent / "monitoring.csv", project.parent / "sub" / "m.csv")
    (project.parent / "m.csv").symlink_to(project.parent / "sub" / "m.csv")
    edit(project, '"monitoring.csv"', '"m.csv"')
    assert run_project(project).totals["ER"] == pytest.approx(expected_er_acm0002(), rel=1e-9)


def test_verify_refuses_report_inputs_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A hand-made report naming /etc/passwd is refused before anything is hashed."""
    project = make_project(tmp_path / "proj")
    out = project.parent / "out"
    assert _cli(capsys, "run", str(project), "-o", str(out))[0] == 0
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    doc["inputs"].append({"path": "/etc/passwd", "sha256": "0" * 64})
    (out / "report.json").write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = _cli(capsys, "verify", str(out / "report.json"))
    assert code == 2 and "absolute path" in err and "inputs[2].path" in err


def test_allow_outside_must_exist(outside: tuple[Path, Path], capsys) -> None:
    project, shared = outside
    code, _, err = _cli(capsys, "run", str(project), "--allow-outside", str(shared / "nope"))
    assert code == 2 and "--allow-outside" in err


# --- Excel ----------------------------------------------------------------------------------


def _workbook(path: Path) -> None:
    times = pd.date_range("2024-01-01 01:00", periods=72, freq="h")
    frame = pd.DataFrame({"time_end": times, "export": 10.0, "import": 0.0})
    frame.to_excel(path, index=False, sheet_name="data")


def _rewrite(src: Path, dst: Path, change: dict[str, bytes]) -> None:
    """Copy a workbook, replacing (or adding) archive members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename not in change:
                zout.writestr(info, zin.read(info.filename))
        for name, data in change.items():
            zout.writestr(name, data)


def _xlsx_project(root: Path, workbook: str) -> Path:
    project = make_project(root)
    edit(project, 'file = "monitoring.csv"', f'file = "{workbook}"')
    return project


def test_plain_workbook_runs(tmp_path: Path) -> None:
    project = _xlsx_project(tmp_path / "p", "m.xlsx")
    _workbook(project.parent / "m.xlsx")
    check_xlsx(project.parent / "m.xlsx", "m.xlsx")
    assert run_project(project).totals["BE"] > 0


def test_workbook_with_external_link_refused(tmp_path: Path) -> None:
    project = _xlsx_project(tmp_path / "p", "linked.xlsx")
    _workbook(tmp_path / "plain.xlsx")
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships"/></externalLink>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b"schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"
        b'" Target="file:///etc/secret.xlsx" TargetMode="External"/></Relationships>'
    )
    _rewrite(
        tmp_path / "plain.xlsx",
        project.parent / "linked.xlsx",
        {
            "xl/externalLinks/externalLink1.xml": link,
            "xl/externalLinks/_rels/externalLink1.xml.rels": rels,
        },
    )
    with pytest.raises(UnsafeFileError, match="links to other workbooks") as err:
        run_project(project)
    assert "linked.xlsx" in str(err.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
@pytest.mark.parametrize(
    "dtd",
    [
        # billion laughs (internal entities)
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        # external entity (XXE)
        '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        # a DOCTYPE behind a long comment (the prolog is read to its end)
        "<!--" + "x" * 100_000 + "--><!DOCTYPE foo>",
    ],
    ids=["entities", "external-entity", "late-doctype"],
)
def test_workbook_with_doctype_refused(tmp_path: Path, dtd: str, encoding: str) -> None:
    project = _xlsx_project(tmp_path / "p", "evil.xlsx")
    _workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    body = sheet.split("?>", 1)[1] if sheet.startswith("<?xml") else sheet
    text = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + dtd + body
    _rewrite(
        tmp_path / "plain.xlsx",
        project.parent / "evil.xlsx",
        {"xl/worksheets/sheet1.xml": text.encode(encoding)},
    )
    with pytest.raises(UnsafeFileError, match="DOCTYPE or an entity") as err:
        run_project(project)
    assert "xl/worksheets/sheet1.xml" in str(err.value)


# --- NetCDF ---------------------------------------------------------------------------------


def test_netcdf_external_link_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = np.arange(3.0)
    path = tmp_path / "m.nc"
    with h5py.File(path, "w") as f:
        f["y"] = np.arange(3.0)
        f["x"] = h5py.ExternalLink(str(other), "/x")
    with pytest.raises(UnsafeFileError, match="external link"):
        check_hdf5(path, "m.nc")
    plain = tmp_path / "plain.nc"
    with h5py.File(plain, "w") as f:
        f["y"] = np.arange(3.0)
    check_hdf5(plain, "plain.nc")


def test_netcdf_external_storage_refused(tmp_path: Path) -> None:
    raw = tmp_path / "raw.bin"
    np.arange(4.0).tofile(raw)
    path = tmp_path / "m.nc"
    with h5py.File(path, "w") as f:
        f.create_dataset("x", shape=(4,), dtype="f8", external=[(str(raw), 0, 32)])
    with pytest.raises(UnsafeFileError, match="stored in another file"):
        check_hdf5(path, "m.nc")


# --- plugins --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "os:system",
        "tests.plugins.evil_never_imported:Methodology",
        "../plugins/evil.py",
        "/tmp/evil.py",
        "importlib.import_module",
    ],
)
def test_project_cannot_name_a_module(tmp_path: Path, name: str) -> None:
    """The methodology key resolves only through installed entry points: a module path or a
    file path is an unknown id, and nothing is imported."""
    project = make_project(tmp_path / "p")
    edit(project, 'methodology = "cdm.acm0002"', f"methodology = {json.dumps(name)}")
    before = set(sys.modules)
    with pytest.raises(MethodologyNotFound, match="is not installed"):
        run_project(project)
    assert "tests.plugins.evil_never_imported" not in sys.modules
    assert not {m for m in set(sys.modules) - before if "evil" in m}
