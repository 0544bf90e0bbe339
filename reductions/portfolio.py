"""Many projects at once: one report each and a portfolio summary.

A portfolio file (TOML) lists project files, by path or glob relative to itself::

    [portfolio]
    name = "Example portfolio"
    output = "out"          # relative to this file (default "out")
    workers = 2             # local process pool (default: the machine's CPU count)

    [[projects]]
    path = "../acm0002-wind/project.toml"
    name = "gansu-wind"     # optional; only for a path that is not a glob

    [[projects]]
    path = "sites/*/project.toml"

(``projects = ["a/project.toml", "sites/*/project.toml"]`` is the short form.) A project's
id is its ``name``, else its path relative to the portfolio file without ``.toml``, a
trailing ``/project`` and leading ``../``; ids must be unique.

Each project runs in a worker, on a local process pool by default or on any
``dask.distributed`` scheduler, through the same small interface (:class:`Pool`); it
writes its own report folder (``OUTPUT/<id>/``: report.json, results.nc, report.html)
and returns a small summary. A project that fails (bad input, a plugin's error) is
reported with its error and never stops the others.

A rerun skips a project whose key is unchanged and whose report is still in place and
intact: the key is the sha256 of the input files' hashes as the report lists them (the
project file and every monitoring file), this library's version, the methodology id and
version, and the version of the distribution the plugin comes from. The keys live in
``OUTPUT/portfolio-state.json``; ``force`` reruns everything. Failed projects are always
rerun.

The summary (``OUTPUT/portfolio.json``) holds every project's summary and the totals BE,
PE, LE and ER by methodology, programme (the part of the methodology id before its first
dot) and year (from each report's reporting intervals; an interval that spans years, as a
``total`` reporting over several years does, is counted under ``YYYY-YYYY``).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import math
import multiprocessing
import os
import time
import uuid
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Protocol

from . import __version__
from .errors import InputError, ProjectFileError
from .ledger import TOTALS

SCHEMA = "reductions.portfolio/1"
STATE_SCHEMA = "reductions.portfolio-state/1"
STATE_FILE = "portfolio-state.json"
SUMMARY_FILE = "portfolio.json"
#: What a project's report folder must hold for the project to be skipped.
OUTPUTS = ("report.json", "results.nc", "report.html")
#: The state file is rewritten at most this often during a run [s] (and at its end).
STATE_EVERY = 2.0

OK, SKIPPED, FAILED = "ok", "skipped", "failed"


# --- the portfolio file ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One project of a portfolio."""

    id: str
    path: Path
    #: The path as written relative to the portfolio file (posix), for messages.
    label: str


@dataclass(frozen=True)
class Portfolio:
    """A portfolio file, read and checked; project paths resolved."""

    path: Path
    name: str
    output: Path
    workers: int | None
    projects: tuple[Entry, ...]


def _default_id(rel: str) -> str:
    parts = [p for p in Path(os.path.normpath(rel)).with_suffix("").parts if p != ".."]
    if len(parts) > 1 and parts[-1] == "project":
        parts = parts[:-1]
    return "/".join(parts)


def _check_id(pid: str, label: str, where: str) -> str:
    parts = pid.split("/")
    if not pid or any(p in ("", ".", "..") for p in parts) or "\\" in pid or ":" in pid:
        raise ProjectFileError(
            f"{pid!r} is not a usable project id",
            file=label,
            variable=where,
            rule="an id names a folder of the output: letters, digits, '-', '_', '.', '/'",
        )
    return pid


def load_portfolio(path: str | Path) -> Portfolio:
    """Read and check a portfolio file; expand its globs (sorted)."""
    from .project import read_toml

    p = Path(path)
    label = str(path)
    doc = read_toml(p, "portfolio file")
    unknown = sorted(set(doc) - {"portfolio", "projects"})
    if unknown:
        raise ProjectFileError(
            f"unknown key {unknown[0]!r}", file=label, rule="a portfolio has [portfolio], projects"
        )
    head = doc.get("portfolio", {})
    if not isinstance(head, dict):
        raise ProjectFileError("[portfolio] must be a table", file=label, variable="portfolio")
    bad = sorted(set(head) - {"name", "output", "workers"})
    if bad:
        raise ProjectFileError(
            f"unknown key {bad[0]!r}",
            file=label,
            variable=f"portfolio.{bad[0]}",
            rule="[portfolio] has keys name, output, workers",
        )
    workers = head.get("workers")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ProjectFileError(
            f"{workers!r} is not a positive integer", file=label, variable="portfolio.workers"
        )
    root = p.parent
    output = head.get("output", "out")
    if not isinstance(output, str) or not output:
        raise ProjectFileError("output must be a folder name", file=label, variable="output")
    items = doc.get("projects")
    if not isinstance(items, list) or not items:
        raise ProjectFileError(
            "no projects",
            file=label,
            variable="projects",
            rule='list them: [[projects]] path = "..." (paths or globs relative to this file)',
        )
    entries: list[Entry] = []
    for k, item in enumerate(items):
        where = f"projects[{k}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise ProjectFileError(
                "a project is a path, or a table with path (and name)", file=label, variable=where
            )
        extra = sorted(set(item) - {"path", "name"})
        if extra:
            raise ProjectFileError(
                f"unknown key {extra[0]!r}",
                file=label,
                variable=f"{where}.{extra[0]}",
                rule="a project has keys path, name",
            )
        pattern = item["path"]
        name = item.get("name")
        if any(c in pattern for c in "*?["):
            if name is not None:
                raise ProjectFileError(
                    "a name is for one project, not a glob",
                    file=label,
                    variable=f"{where}.name",
                )
            matches = sorted(glob.glob(pattern, root_dir=root, recursive=True))
            matches = [m for m in matches if (root / m).is_file()]
            if not matches:
                raise ProjectFileError(
                    f"{pattern!r} matches no file", file=label, variable=f"{where}.path"
                )
        else:
            matches = [pattern]
        for m in matches:
            rel = Path(m).as_posix()
            if name is not None and not isinstance(name, str):
                raise ProjectFileError("name must be text", file=label, variable=f"{where}.name")
            pid = _check_id(name if name is not None else _default_id(rel), label, where)
            entries.append(Entry(pid, (root / m).resolve(), rel))
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.id in seen:
            raise ProjectFileError(
                f"two projects have the id {e.id!r} ({seen[e.id].label} and {e.label})",
                file=label,
                variable="projects",
                rule="ids are unique: give one of them a name",
            )
        seen[e.id] = e
    return Portfolio(
        p.resolve(),
        str(head.get("name", p.stem)),
        (root / output).resolve(),
        workers,
        tuple(entries),
    )


# --- one project, in a worker ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a worker needs to run one project (picklable; absolute paths)."""

    id: str
    path: str
    label: str
    outdir: str
    #: The key and report digest of the last successful run; None to run regardless.
    previous_key: str | None = None
    previous_digest: str | None = None


@cache
def _distribution(module: str) -> tuple[str, str]:
    """The distribution (name, version) an importable module comes from."""
    top = module.split(".")[0]
    names = metadata.packages_distributions().get(top, [])
    if not names:
        return (f"module {top}", "unknown")
    name = sorted(names)[0]
    try:
        return (name, metadata.version(name))
    except metadata.PackageNotFoundError:
        return (name, "unknown")


def input_hashes(project: Any) -> list[dict[str, str]]:
    """The ``inputs`` of the project's report: its file and every monitoring file, each
    with its sha256 (the same list, by the same function, as ``report.json`` holds)."""
    from .report import sha256

    out = []
    if project.path is not None:
        out.append({"path": project.path.name, "sha256": sha256(project.path)})
    for f in project.files():
        out.append({"path": Path(f).as_posix(), "sha256": sha256(project.root / f)})
    return out


def run_key(inputs: Sequence[Mapping[str, str]], methodology: Any) -> str:
    """The key a rerun compares: sha256 of the input hashes, this library's version, the
    methodology id and version and the plugin's distribution and version."""
    dist, version = _distribution(methodology.__module__)
    body = {
        "inputs": [{"path": i["path"], "sha256": i["sha256"]} for i in inputs],
        "reductions": __version__,
        "methodology": {"id": methodology.id, "version": methodology.version},
        "plugin": {"distribution": dist, "version": version},
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def year_of(start: str, end: str) -> str:
    """The year of a reporting interval (local time, end exclusive); ``YYYY-YYYY`` if it
    spans years."""
    a = dt.datetime.fromisoformat(start)
    b = dt.datetime.fromisoformat(end) - dt.timedelta(microseconds=1)
    return f"{a.year:04d}" if a.year == b.year else f"{a.year:04d}-{b.year:04d}"


def summary_of_report(report: Mapping[str, Any]) -> dict[str, Any]:
    """Methodology, programme, totals and totals per year of a report."""
    years: dict[str, dict[str, list[float]]] = {}
    for row in report["intervals"]:
        y = years.setdefault(year_of(row["start"], row["end"]), {s: [] for s in TOTALS})
        for s in TOTALS:
            y[s].append(float(row[s]))
    mid = report["methodology"]["id"]
    return {
        "name": report["project"]["name"],
        "methodology": {"id": mid, "version": report["methodology"]["version"]},
        "programme": mid.split(".", 1)[0],
        "totals": {s: report["totals"][s] for s in TOTALS},
        "years": {y: {s: math.fsum(v[s]) for s in TOTALS} for y, v in sorted(years.items())},
        "digest": report["digest"],
    }


def _intact(outdir: Path, digest: str) -> dict[str, Any] | None:
    """The report in ``outdir`` if all outputs are there and it is the one with
    ``digest``, unedited."""
    from .report import digest as digest_of

    if not all((outdir / f).is_file() for f in OUTPUTS):
        return None
    try:
        report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(report, dict) or report.get("digest") != digest:
        return None
    return report if digest_of(report) == digest else None


def _message(exc: BaseException, task: Task) -> str:
    text = exc.one_line() if isinstance(exc, InputError) else str(exc)
    return text.replace(task.path, task.label) or type(exc).__name__


def _blank(task: Task) -> dict[str, Any]:
    """A project's summary before it has run (every key, so that all summaries have the
    same keys; a failed project keeps the nulls)."""
    return {
        "id": task.id,
        "project": task.label,
        "status": FAILED,
        "name": None,
        "methodology": None,
        "programme": None,
        "totals": None,
        "years": {},
        "report": None,
        "digest": None,
        "key": None,
        "error": None,
        "warnings": [],
        "seconds": None,
    }


def run_task(task: Task) -> dict[str, Any]:
    """Run one project (in a worker): its report folder and its summary.

    Never raises: a failure is a summary with status ``failed`` and the error's type and
    message. Warnings are returned in the summary, not printed by the worker.
    """
    from .project import load_project
    from .registry import get
    from .run import run

    t0 = time.perf_counter()
    out = _blank(task)
    outdir = Path(task.outdir)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            project = load_project(task.path)
            cls = get(project.methodology, project.methodology_version)
            out["methodology"] = {"id": cls.id, "version": cls.version}
            out["programme"] = cls.id.split(".", 1)[0]
            key = run_key(input_hashes(project), cls)
            report = None
            if task.previous_key == key and task.previous_digest is not None:
                report = _intact(outdir, task.previous_digest)
            if report is not None:
                out["status"] = SKIPPED
            else:
                result = run(project)
                result.write(outdir)
                report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
                # The key from the hashes the report certifies (a file that changed while
                # the project ran is caught by the next run).
                key = run_key(report["inputs"], cls)
                out["status"] = OK
            out.update(summary_of_report(report))
            out["key"] = key
            out["report"] = (Path(task.id) / "report.json").as_posix()
        except Exception as exc:  # a failed project is reported; the others go on
            out["status"] = FAILED
            out["error"] = {"type": type(exc).__name__, "message": _message(exc, task)}
    out["warnings"] = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    out["seconds"] = round(time.perf_counter() - t0, 3)
    return out


# --- where the projects run -----------------------------------------------------------------


class Pool(Protocol):
    """Where tasks run: a local process pool or a dask.distributed cluster."""

    description: str

    def submit(self, fn: Callable[[Task], dict[str, Any]], task: Task) -> Any: ...

    def completed(self, futures: Sequence[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class LocalPool:
    """A ``concurrent.futures.ProcessPoolExecutor`` (forkserver where the platform has it,
    with the engine preloaded; spawn elsewhere)."""

    def __init__(self, workers: int | None = None) -> None:
        n = workers or os.cpu_count() or 1
        ctx: BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            server = multiprocessing.get_context("forkserver")
            server.set_forkserver_preload(["reductions.portfolio", "reductions.run"])
            ctx = server
        else:
            ctx = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(max_workers=n, mp_context=ctx)
        self.description = f"local process pool, {n} worker{'s' if n != 1 else ''}"

    def submit(self, fn: Callable[[Task], dict[str, Any]], task: Task) -> Future:
        return self._executor.submit(fn, task)

    def completed(self, futures: Sequence[Any]) -> Iterator[Any]:
        return as_completed(futures)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    """A ``dask.distributed`` client: to a scheduler address, or one given (not closed)."""

    def __init__(self, scheduler: Any) -> None:
        try:
            import distributed
        except ImportError:
            raise InputError(
                "dask.distributed is not installed",
                variable="--scheduler",
                rule="pip install 'dask[distributed]' to run a portfolio on a dask cluster",
            ) from None
        self._distributed = distributed
        if isinstance(scheduler, str):
            try:
                self.client = distributed.Client(scheduler, timeout="10s")
            except OSError as exc:
                raise InputError(
                    f"cannot connect to the dask scheduler {scheduler!r}: {exc}",
                    variable="--scheduler",
                ) from None
            self._own = True
        else:
            self.client = scheduler
            self._own = False
        info = self.client.scheduler_info()
        n = len(info.get("workers", {}))
        where = info.get("address", "?")
        self.description = f"dask scheduler {where}, {n} worker{'s' if n != 1 else ''}"

    def submit(self, fn: Callable[[Task], dict[str, Any]], task: Task) -> Any:
        return self.client.submit(
            fn, task, pure=False, key=f"portfolio-{task.id}-{uuid.uuid4().hex}"
        )

    def completed(self, futures: Sequence[Any]) -> Iterator[Any]:
        return iter(self._distributed.as_completed(futures))

    def close(self) -> None:
        if self._own:
            self.client.close()


# --- the portfolio --------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioResult:
    """The summary of a portfolio run (what portfolio.json holds) and where it is."""

    summary: dict[str, Any]
    path: Path

    @property
    def projects(self) -> list[dict[str, Any]]:
        return self.summary["projects"]

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [p for p in self.projects if p["status"] == FAILED]


def _read_state(output: Path) -> dict[str, dict[str, Any]]:
    try:
        state = json.loads((output / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("schema") != STATE_SCHEMA:
        return {}
    projects = state.get("projects")
    return projects if isinstance(projects, dict) else {}


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


def _write_state(output: Path, done: Mapping[str, dict[str, Any]]) -> None:
    projects = {
        pid: {"project": s["project"], "key": s["key"], "digest": s["digest"]}
        for pid, s in sorted(done.items())
        if s["status"] != FAILED
    }
    _write_json(output / STATE_FILE, {"schema": STATE_SCHEMA, "projects": projects})


def _group(
    projects: Iterable[dict[str, Any]],
    key: Callable[[dict[str, Any]], Iterable[tuple[str, Mapping[str, float]]]],
) -> dict[str, dict[str, Any]]:
    parts: dict[str, dict[str, list[float]]] = {}
    count: dict[str, int] = {}
    for p in projects:
        for k, values in key(p):
            g = parts.setdefault(k, {s: [] for s in TOTALS})
            for s in TOTALS:
                g[s].append(values[s])
            count[k] = count.get(k, 0) + 1
    return {
        k: {"projects": count[k], **{s: math.fsum(g[s]) for s in TOTALS}}
        for k, g in sorted(parts.items())
    }


def _label(m: Mapping[str, str]) -> str:
    """``cdm.acm0002 v22.0``, as ``reductions run`` names a methodology."""
    from .methodology import version_label

    return f"{m['id']} {version_label(m['version'])}"


def aggregate(projects: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Totals over the projects that have a report: all, by methodology, programme, year."""
    good = [p for p in projects if p["status"] != FAILED]
    return {
        "totals": _group(good, lambda p: [("all", p["totals"])]).get(
            "all", {"projects": 0, **{s: 0.0 for s in TOTALS}}
        ),
        "by_methodology": _group(
            good,
            lambda p: [(_label(p["methodology"]), p["totals"])],
        ),
        "by_programme": _group(good, lambda p: [(p["programme"], p["totals"])]),
        "by_year": _group(good, lambda p: list(p["years"].items())),
    }


def run_portfolio(
    path: str | Path,
    *,
    scheduler: Any = None,
    workers: int | None = None,
    output: str | Path | None = None,
    force: bool = False,
    progress: Callable[[dict[str, Any], int, int], None] | None = None,
) -> PortfolioResult:
    """Run every project of a portfolio file; write its reports, portfolio.json and the
    state a rerun compares.

    Parameters
    ----------
    path
        The portfolio file.
    scheduler
        A dask.distributed scheduler address (``tcp://host:8786``) or a
        ``distributed.Client``; None runs on a local process pool.
    workers
        Size of the local pool (default: the file's ``workers``, else the CPU count).
    output
        Output folder (default: the file's ``output``, relative to it).
    force
        Rerun projects whose inputs have not changed.
    progress
        Called with each project's summary as it completes, its rank and the count.
    """
    portfolio = load_portfolio(path)
    outroot = Path(output).resolve() if output is not None else portfolio.output
    outroot.mkdir(parents=True, exist_ok=True)
    state = {} if force else _read_state(outroot)
    tasks = []
    for e in portfolio.projects:
        prev = state.get(e.id, {})
        tasks.append(
            Task(
                e.id,
                str(e.path),
                e.label,
                str(outroot / e.id),
                prev.get("key"),
                prev.get("digest"),
            )
        )
    pool: Pool = (
        LocalPool(workers or portfolio.workers) if scheduler is None else DaskPool(scheduler)
    )
    done: dict[str, dict[str, Any]] = {}
    t0 = time.perf_counter()
    last_write = t0
    try:
        futures = {pool.submit(run_task, t): t for t in tasks}
        for fut in pool.completed(list(futures)):
            task = futures[fut]
            try:
                s = fut.result()
            except Exception as exc:  # the worker died, or the pool broke
                s = _blank(task)
                s["error"] = {"type": type(exc).__name__, "message": str(exc) or repr(exc)}
            done[task.id] = s
            if progress is not None:
                progress(s, len(done), len(tasks))
            if time.perf_counter() - last_write > STATE_EVERY:
                _write_state(outroot, done)
                last_write = time.perf_counter()
    finally:
        pool.close()
        if done:
            _write_state(outroot, done)
    wall = time.perf_counter() - t0
    projects = [done[t.id] for t in tasks]
    summary = {
        "schema": SCHEMA,
        "name": portfolio.name,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "unit": "t CO2e",
        "runner": pool.description,
        "reductions": __version__,
        "counts": {k: sum(1 for p in projects if p["status"] == k) for k in (OK, SKIPPED, FAILED)},
        "seconds": round(wall, 3),
        **aggregate(projects),
        "failed": [
            {"id": p["id"], "project": p["project"], **(p["error"] or {})}
            for p in projects
            if p["status"] == FAILED
        ],
        "projects": projects,
    }
    target = outroot / SUMMARY_FILE
    _write_json(target, summary)
    return PortfolioResult(summary, target)


# --- console --------------------------------------------------------------------------------


def progress_line(s: Mapping[str, Any], k: int, n: int) -> str:
    """One line per completed project."""
    w = len(str(n))
    head = f"[{k:>{w}}/{n}] {s['status']:<7} {s['id']}"
    if s["status"] == FAILED:
        err = s["error"] or {}
        return f"{head}: {err.get('type')}: {err.get('message')}"
    m = s["methodology"]
    tail = " (inputs unchanged)" if s["status"] == SKIPPED else f" ({s['seconds']:.1f} s)"
    return f"{head}: {_label(m)}, ER {s['totals']['ER']:,.3f} t CO2e{tail}"


def summary_lines(summary: Mapping[str, Any]) -> list[str]:
    """The console tables: totals by methodology, programme and year; failed projects."""
    c = summary["counts"]
    lines = [
        f"{summary['name']}: {sum(c.values())} projects ({c[OK]} run, {c[SKIPPED]} skipped "
        f"as unchanged, {c[FAILED]} failed) on {summary['runner']} in "
        f"{summary['seconds']:.1f} s"
    ]
    for title, table in (
        ("methodology", summary["by_methodology"]),
        ("programme", summary["by_programme"]),
        ("year", summary["by_year"]),
    ):
        rows = [*table.items(), ("total", summary["totals"])]
        width = max(len(title), *(len(k) for k, _ in rows))
        lines.append("")
        lines.append(
            f"  {title:<{width}}  {'projects':>8}"
            + "".join(f"{s:>18}" for s in TOTALS)
            + "  [t CO2e]"
        )
        for k, v in rows:
            lines.append(
                f"  {k:<{width}}  {v['projects']:>8}" + "".join(f"{v[s]:>18,.3f}" for s in TOTALS)
            )
    if summary["failed"]:
        lines.append("")
        lines.append(f"  failed ({len(summary['failed'])}):")
        for f in summary["failed"]:
            lines.append(f"    {f['id']}: {f.get('type')}: {f.get('message')}")
    return lines
