"""An auditor's machine is safe (issue 13, item 5).

An auditor reruns files the audited party wrote. So:

- ``run``, ``estimate`` and ``verify`` read only files under the project file's folder:
  a path with ``..``, an absolute path, or a symbolic link that leads out of the folder is
  refused (:class:`OutsideProjectError`, naming the file key and the rule), unless the
  auditor allows a folder with ``--allow-outside PATH``; the allowance is recorded in
  report.json (``project.allow_outside``, relative to the project folder).
- An Excel workbook is read only if it links to no other workbook (``xl/externalLinks``)
  and none of its XML parts declares a DOCTYPE or an entity (no entity expansion, no
  external entity, whatever XML parser openpyxl uses).
- A NetCDF (HDF5) file is read only if it holds no external link, external storage or
  virtual dataset (each of which reads another file).
- A methodology is found only among installed entry points (:mod:`reductions.registry`);
  a project file names an id, never a module or a path.
"""

from __future__ import annotations

import os
import xml.parsers.expat
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .errors import MonitoringDataError, ProjectFileError

if TYPE_CHECKING:
    from .project import Project

CONFINED = (
    "run, estimate and verify read only files under the project file's folder; "
    "allow another folder with --allow-outside PATH"
)


class OutsideProjectError(ProjectFileError):
    """A file the project (or report) names lies outside the project file's folder."""


class UnsafeFileError(MonitoringDataError):
    """A data file would make the reader fetch other files or expand XML entities."""


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def confine(
    root: Path,
    name: str,
    *,
    key: str,
    file: str,
    allow: Sequence[Path] = (),
) -> Path:
    """The file ``name`` (as the project file names it, relative to ``root``), resolved.

    Parameters
    ----------
    root
        The project file's folder.
    name
        The path as written in the project file (or the report).
    key
        The key that names it (``monitoring.flare.file``), for the message.
    file
        The file that names it (the project file or the report), for the message.
    allow
        Folders the user allowed outside ``root`` (``--allow-outside``).

    Raises
    ------
    OutsideProjectError
        ``name`` is absolute, or resolves (through ``..`` or symbolic links) outside
        ``root`` and every allowed folder.
    """
    given = Path(name)
    if given.is_absolute() or given.drive or given.anchor:
        raise OutsideProjectError(
            f"absolute path {name!r}",
            file=file,
            variable=key,
            rule="paths are relative to the project file (no absolute path goes into a "
            "report); " + CONFINED,
        )
    base = root.resolve()
    target = (root / given).resolve()
    if _within(target, base) or any(_within(target, a.resolve()) for a in allow):
        return target
    if ".." in given.parts:
        how = f"{name!r} leads out of the project folder through '..'"
    else:
        how = f"{name!r} is a symbolic link (or under one) that leads out of the project folder"
    raise OutsideProjectError(how, file=file, variable=key, rule=CONFINED)


def check_project(project: Project) -> None:
    """Every monitoring file of ``project`` lies under its folder (or an allowed one)."""
    allow = tuple(project.allow_outside)
    for spec in project.tables.values():
        if spec.data is not None:
            continue
        many = len(spec.files) > 1
        for k, f in enumerate(spec.files):
            key = f"{spec.where}.files[{k}]" if many else f"{spec.where}.file"
            confine(project.root, f, key=key, file=project.file_label, allow=allow)


def allowed_folders(paths: Iterable[str | Path] | None) -> tuple[Path, ...]:
    """``--allow-outside`` arguments as resolved folders; each must exist."""
    out = []
    for p in paths or ():
        path = Path(p)
        if not path.exists():
            raise ProjectFileError(
                "folder not found", file=str(p), variable="--allow-outside", rule=CONFINED
            )
        out.append(path.resolve())
    return tuple(dict.fromkeys(out))


def recorded(project: Project) -> list[str]:
    """The allowed folders as report.json records them: relative to the project folder."""
    base = project.root.resolve()
    out = []
    for a in project.allow_outside:
        try:
            out.append(Path(os.path.relpath(a, base)).as_posix())
        except ValueError:  # another drive (Windows): no absolute path in a report
            out.append(f"<another drive>/{a.name}")
    return out


# --- Excel ------------------------------------------------------------------------------


class _Stop(Exception):
    pass


def _prolog_declares_dtd(member: IO[bytes]) -> bool:
    """Whether an XML part declares a DOCTYPE or an entity before its root element.

    expat reads the prolog only: parsing stops at the first element, so a large sheet
    costs a few kilobytes. The encoding is expat's to detect (UTF-8, UTF-16...), so a
    declaration cannot hide behind one.
    """
    found = False

    def dtd(*_: object) -> None:
        nonlocal found
        found = True
        raise _Stop

    def start(*_: object) -> None:
        raise _Stop

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = dtd
    parser.EntityDeclHandler = dtd
    parser.StartElementHandler = start
    try:
        while chunk := member.read(1 << 14):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except xml.parsers.expat.ExpatError:
        return False  # not well-formed XML: openpyxl's error, not ours
    return found


def check_xlsx(path: Path, label: str) -> None:
    """Refuse a workbook that links to other workbooks or declares XML entities.

    Raises
    ------
    UnsafeFileError
        The workbook has external links, or an XML part with a DOCTYPE or ENTITY
        declaration.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a workbook: the reader says so
    with archive:
        for info in archive.infolist():
            name = info.filename
            low = name.lower()
            if low.startswith("xl/externallinks/"):
                raise UnsafeFileError(
                    f"the workbook links to other workbooks ({name})",
                    file=label,
                    rule="a workbook's values come from the workbook itself: break the "
                    "external links (Data > Edit Links > Break Link) and save it again",
                )
            if low.endswith((".xml", ".rels", ".vml")):
                with archive.open(info) as member:
                    if _prolog_declares_dtd(member):
                        raise UnsafeFileError(
                            f"XML part {name} declares a DOCTYPE or an entity",
                            file=label,
                            rule="workbooks are read without XML entity expansion; Excel "
                            "never writes a DOCTYPE",
                        )


# --- NetCDF -----------------------------------------------------------------------------


def check_hdf5(path: Path, label: str) -> None:
    """Refuse a NetCDF-4 (HDF5) file that reads other files: external links, external
    raw storage or virtual datasets."""
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5netcdf needs h5py
        return
    try:
        fh = h5py.File(path, "r")
    except OSError:
        return  # not HDF5 (the reader says so)
    problems: list[str] = []

    def visit(name: str, link: object) -> None:
        if isinstance(link, h5py.ExternalLink):
            problems.append(f"{name} is an external link to {link.filename}")
        elif isinstance(link, h5py.HardLink):
            obj = fh.get(name)
            if isinstance(obj, h5py.Dataset) and (obj.is_virtual or obj.external):
                problems.append(f"{name} is stored in another file")

    with fh:
        fh.visititems_links(visit)
    if problems:
        raise UnsafeFileError(
            problems[0],
            file=label,
            rule="a NetCDF file's data come from the file itself, never from another file",
        )


def check_data_file(path: Path, label: str) -> None:
    """The checks a monitoring file's type needs before it is read."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        check_xlsx(path, label)
    elif suffix in (".nc", ".nc4", ".netcdf", ".cdf"):
        check_hdf5(path, label)
