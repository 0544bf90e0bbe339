"""The ``reductions`` command.

Exit codes: 0 success; 1 verification mismatch or a failed validation case; 2 bad input
(a one-line message naming the file, the variable or column, the row or time and the
rule broken; no traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, registry
from .cli_extras import add_allow_outside, add_json
from .errors import InputError
from .methodology import Methodology, Status, version_label

if TYPE_CHECKING:
    from .run import Result

EXIT_OK, EXIT_MISMATCH, EXIT_INPUT = 0, 1, 2


def _print_err(text: str) -> None:
    print(text, file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    table = registry.installed()
    if not table:
        print("no methodologies installed")
        return EXIT_OK
    width = max(len(i) for i, _ in table)
    for (mid, version), cls in sorted(table.items()):
        print(f"{mid:<{width}}  {version_label(version):<7}  {cls.title}")
    return EXIT_OK


def describe_text(cls: type[Methodology]) -> str:
    lines = [f"{cls.id} {version_label(cls.version)}: {cls.title}", "", "Sources:"]
    lines += [
        f"  - {s.cite()}" + (f" <{s.url}>" if s.url else "") + (f" ({s.note})" if s.note else "")
        for s in cls.sources
    ]
    lines += ["", "Parameters:"]
    for p in cls.parameters:
        extra = []
        if p.unit:
            extra.append(f"[{p.unit}]")
        if p.choices:
            extra.append("one of " + ", ".join(p.choices))
        if p.minimum is not None or p.maximum is not None:
            lo = "" if p.minimum is None else f">= {p.minimum}"
            hi = "" if p.maximum is None else f"<= {p.maximum}"
            extra.append(" and ".join(x for x in (lo, hi) if x))
        if p.default is not None:
            extra.append(f"default {p.default!r} ({p.default_source})")
        elif p.required:
            extra.append("required")
        lines.append(f"  {p.symbol}: {p.description} " + "; ".join(extra))
    lines += ["", "Monitoring variables:"]
    for v in cls.monitoring:
        req = "required" if v.required else "optional"
        more = "".join(
            [
                f", over {', '.join(v.dims)}" if v.dims else "",
                f", at {v.resolution}" if v.resolution else "",
                f", {v.period} period" if v.period != "reporting" else "",
            ]
        )
        lines.append(
            f"  {v.symbol} [{v.unit}] ({req}, {v.aggregate}{more}): {v.description}; "
            f"missing data: {v.missing.describe()}"
        )
    lines += ["", "Equations:"]
    lines += [f"  {e.reference}: {e.text}" for e in cls.equation_list()]
    return "\n".join(lines)


def cmd_describe(args: argparse.Namespace) -> int:
    cls = registry.get(args.id, args.version)
    if args.markdown is not None:
        from .cli_extras import describe_markdown

        text = describe_markdown(cls)
        if args.markdown == "-":
            print(text, end="")
        else:
            Path(args.markdown).write_text(text, encoding="utf-8")
            print(f"{cls.label()}: written to {args.markdown}")
        return EXIT_OK
    print(describe_text(cls))
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    """A commented project file template with every parameter and variable declared."""
    from .init_template import template

    text = template(registry.get(args.methodology, args.version))
    if args.output is None:
        print(text, end="")
        return EXIT_OK
    out = Path(args.output)
    if out.exists() and not args.force:
        raise InputError(
            "file exists", file=str(out), rule="init never overwrites a file; pass --force"
        )
    out.write_text(text, encoding="utf-8")
    print(f"template written to {out}")
    return EXIT_OK


def summary_lines(result: Result) -> list[str]:
    """The short block after the totals: what did not pass, what was inferred, rows
    outside the period, filled gaps, resampling, overrides."""
    lines = []
    for f in result.findings:
        if f.status != Status.PASS:
            lines.append(f"  {f.status}: {f.name} ({f.clause}): {f.message}")
    if not result.compliant:
        names = [f.name for f in result.findings if f.status == Status.OVERRIDDEN]
        lines.append("  NOT COMPLIANT: overridden " + ", ".join(names))
    for name, t in result.quality.tables.items():
        lines.append(f"  table {name}: {t.rows} rows; {t.interval}")
        if t.rows_before or t.rows_after:
            lines.append(
                f"    rows outside the {t.period} period: {t.rows_before} before, "
                f"{t.rows_after} after (not used)"
            )
        for key, value in t.detected.items():
            lines.append(f"    detected {key} = {value!r}")
        for k, n in t.filled_intervals.items():
            rules = sorted({f"{g.filled_by} ({g.rule})" for g in t.gaps if g.variable == k})
            lines.append(f"    filled {n} interval(s) of {k} with {', '.join(rules)}")
        for note in t.resampled:
            lines.append(f"    resampled {note}")
        if t.events:
            lines.append(f"    {len(t.events)} declared register event(s) applied")
    return lines


def cmd_run(args: argparse.Namespace) -> int:
    from .run import run_project

    if sys.stderr.isatty():  # dask's bar while a table is streamed (REDUCTIONS_PROGRESS=1 too)
        from .streaming import show_progress

        show_progress(True)

    result = run_project(args.project, allow_outside=args.allow_outside)
    outdir = Path(args.output) if args.output else Path(args.project).parent / "out"
    paths = result.write(outdir, series=args.series)
    if args.json:
        from .cli_extras import print_json, run_payload

        print_json(run_payload(paths))
        return EXIT_OK
    t = result.totals
    print(
        f"{result.project.name}: {result.methodology.label()}, "
        f"{result.project.period.start} to {result.project.period.end}"
    )
    for s in ("BE", "PE", "LE", "ER"):
        print(f"  {s} = {t[s]:,.3f} t CO2e")
    if result.project.estimate:
        print("  EX-ANTE ESTIMATE from expected annual values, not a monitored result")
    for line in summary_lines(result):
        print(line)
    print(f"  report: {paths['report']}")
    print(f"  results: {paths['results']}")
    print(f"  html: {paths['html']}")
    return EXIT_OK


def cmd_estimate(args: argparse.Namespace) -> int:
    """An ex-ante estimate: the yearly table a design document shows."""
    from .run import run_project

    result = run_project(args.project, allow_outside=args.allow_outside)
    if not result.project.estimate:
        raise InputError(
            "not an estimate: the project file has no [estimate] table",
            file=result.project.file_label,
            variable="estimate",
            rule="use `reductions run` for monitored data",
        )
    outdir = Path(args.output) if args.output else Path(args.project).parent / "out"
    paths = result.write(outdir)
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    print(
        f"{result.project.name}: {result.methodology.label()}, EX-ANTE ESTIMATE from expected "
        f"annual values, {result.project.period.start} to {result.project.period.end}"
    )
    print(f"  {'year':<6}" + "".join(f"{s:>16}" for s in ("BE", "PE", "LE", "ER")) + "  [t CO2e]")
    for row in report["intervals"]:
        print(
            f"  {row['label']:<6}" + "".join(f"{row[s]:>16,.3f}" for s in ("BE", "PE", "LE", "ER"))
        )
    t = result.totals
    print(f"  {'total':<6}" + "".join(f"{t[s]:>16,.3f}" for s in ("BE", "PE", "LE", "ER")))
    for line in summary_lines(result):
        print(line)
    print(f"  report: {paths['report']}")
    return EXIT_OK


def cmd_uncertainty(args: argparse.Namespace) -> int:
    """Monte Carlo and GUM bounds, conservative ER and sensitivity (reductions.uncertainty)."""
    from .report import write_outputs
    from .run import run_project
    from .uncertainty import propagate

    result = run_project(args.project)
    u = propagate(
        result.project,
        seed=args.seed,
        draws=args.draws,
        digits=args.digits,
        lower_confidence=args.lower_confidence,
    )
    print(
        f"{result.project.name}: {result.methodology.label()}, "
        f"{result.project.period.start} to {result.project.period.end}: uncertainty of ER"
    )
    for line in u.lines():
        print(line)
    if not args.no_report:
        outdir = Path(args.output) if args.output else Path(args.project).parent / "out"
        paths = write_outputs(result, outdir, uncertainty=u.as_dict())
        print(f"  report: {paths['report']}")
        print(f"  uncertainty: {paths['uncertainty']}")
        print(f"  html: {paths['html']}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify

    v = verify(args.report, args.project, allow_outside=args.allow_outside)
    if args.json:
        from .cli_extras import print_json, verify_payload

        print_json(verify_payload(v))
        return EXIT_OK if v.ok else EXIT_MISMATCH
    for note in v.notes:
        print(f"note: {note}")
    if v.ok:
        print(f"{args.report}: verified (digest, every input hash and every quantity agree)")
        return EXIT_OK
    print(f"{args.report}: DIFFERS")
    for d in v.differences:
        print(f"  {d}")
    return EXIT_MISMATCH


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import run_cases

    if args.json:
        from .cli_extras import print_json, validate_payload
        from .validation import case_rows, table

        found = case_rows(Path(args.cases_dir) if args.cases_dir else None, args.case or None)
        ok = table(found)[1]
        print_json(validate_payload(found, ok))
        return EXIT_OK if ok else EXIT_MISMATCH
    rows, ok = run_cases(Path(args.cases_dir) if args.cases_dir else None, args.case or None)
    print(rows)
    return EXIT_OK if ok else EXIT_MISMATCH


def cmd_check(args: argparse.Namespace) -> int:
    """A validator's check of a claimed result: exit 1 while a corrective action request
    (CAR) stands."""
    from .check import check, write_check

    c = check(args.project, args.claimed)
    for line in c.lines():
        print(line)
    if not args.no_report:
        outdir = Path(args.output) if args.output else Path(args.project).parent / "out"
        paths = write_check(c, outdir)
        print(f"  check: {paths['check']}")
        if "html" in paths:
            print(f"  html: {paths['html']}")
    return EXIT_MISMATCH if c.exit_code else EXIT_OK


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Many projects: one report each, portfolio.json, totals; exit 1 if any failed."""
    from .portfolio import progress_line, run_portfolio
    from .portfolio import summary_lines as portfolio_lines

    def progress(s: dict, k: int, n: int) -> None:
        print(progress_line(s, k, n), flush=True)

    result = run_portfolio(
        args.portfolio,
        scheduler=args.scheduler,
        workers=args.workers,
        output=args.output,
        force=args.force,
        progress=progress,
    )
    for line in portfolio_lines(result.summary):
        print(line)
    print(f"  summary: {result.path}")
    return EXIT_MISMATCH if result.failed else EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    """The same project under other methodologies or versions (reductions.compare)."""
    from .compare import compare

    c = compare(args.project, args.targets, args.set, allow_outside=args.allow_outside)
    if args.json:
        from .cli_extras import print_json

        print_json(c.as_dict())
        return EXIT_OK
    for line in c.lines():
        print(line)
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reductions", description=__doc__.splitlines()[0] if __doc__ else None
    )
    p.add_argument("--version", action="version", version=f"reductions {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="methodologies installed, with versions").set_defaults(
        func=cmd_list
    )
    d = sub.add_parser("describe", help="parameters, monitoring variables, equations")
    d.add_argument("id")
    d.add_argument("--version", dest="version", default=None)
    d.add_argument(
        "--markdown",
        nargs="?",
        const="-",
        default=None,
        metavar="FILE",
        help="write Markdown (to FILE, or to stdout)",
    )
    d.set_defaults(func=cmd_describe)
    i = sub.add_parser("init", help="a commented project file template for a methodology")
    i.add_argument("methodology")
    i.add_argument("--version", dest="version", default=None)
    i.add_argument("-o", "--output", default=None, help="write to this file (default: stdout)")
    i.add_argument("--force", action="store_true", help="overwrite the output file")
    i.set_defaults(func=cmd_init)
    r = sub.add_parser("run", help="run a project: report.json, results.nc, report.html")
    r.add_argument("project")
    r.add_argument(
        "-o",
        "--output",
        default=None,
        help="output folder (default: ./out beside the project file)",
    )
    r.add_argument(
        "--series",
        action="store_true",
        help="also write every series at its own resolution into results.nc (compressed)",
    )
    add_allow_outside(r)
    add_json(r)
    r.set_defaults(func=cmd_run)
    e = sub.add_parser("estimate", help="ex-ante estimate: ER per year of the crediting period")
    e.add_argument("project")
    e.add_argument("-o", "--output", default=None, help="output folder (default: ./out)")
    add_allow_outside(e)
    e.set_defaults(func=cmd_estimate)
    u = sub.add_parser(
        "uncertainty", help="Monte Carlo and GUM bounds, conservative ER, sensitivity"
    )
    u.add_argument("project")
    u.add_argument("-o", "--output", default=None, help="output folder (default: ./out)")
    u.add_argument("--seed", type=int, default=None, help="overrides [uncertainty] seed")
    u.add_argument(
        "--draws", type=int, default=None, help="a fixed number of draws (default: adaptive)"
    )
    u.add_argument("--digits", type=int, default=None, help="significant digits of u(ER)")
    u.add_argument(
        "--lower-confidence",
        type=float,
        default=None,
        help="one-sided confidence of the conservative lower bound (default 0.95)",
    )
    u.add_argument("--no-report", action="store_true", help="print only; write no report")
    u.set_defaults(func=cmd_uncertainty)
    v = sub.add_parser("verify", help="recompute a report from the files named in it")
    v.add_argument("report")
    v.add_argument("--project", default=None, help="the project file, if it has moved")
    add_allow_outside(v)
    add_json(v)
    v.set_defaults(func=cmd_verify)
    val = sub.add_parser("validate", help="run the validation cases and print a table")
    val.add_argument("case", nargs="*")
    val.add_argument(
        "--cases-dir", default=None, help="a folder of cases (default: the packaged cases)"
    )
    add_json(val)
    val.set_defaults(func=cmd_validate)
    ck = sub.add_parser("check", help="a validator's check of a claimed result (CLAIM.toml)")
    ck.add_argument("project")
    ck.add_argument("--claimed", required=True, help="CLAIM.toml: what the document states")
    ck.add_argument("-o", "--output", default=None, help="output folder (default: ./out)")
    ck.add_argument("--no-report", action="store_true", help="print only; write nothing")
    ck.set_defaults(func=cmd_check)
    pf = sub.add_parser(
        "portfolio", help="many projects, locally or on a dask cluster: a report each, totals"
    )
    pf.add_argument("portfolio")
    pf.add_argument(
        "--scheduler", default=None, help="a dask.distributed scheduler address (tcp://host:8786)"
    )
    pf.add_argument(
        "-o", "--output", default=None, help="output folder (default: the file's output)"
    )
    pf.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: CPU count)"
    )
    pf.add_argument("--force", action="store_true", help="rerun projects that have not changed")
    pf.set_defaults(func=cmd_portfolio)
    cmp = sub.add_parser(
        "compare", help="the same project under other methodologies or versions, side by side"
    )
    cmp.add_argument("project")
    cmp.add_argument(
        "--with",
        dest="targets",
        action="extend",
        nargs="+",
        required=True,
        metavar="ID[@VERSION]",
        help="methodologies to rerun the project under (cdm.acm0002@22.0)",
    )
    cmp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE[UNIT]",
        help="a parameter for the --with methodologies (repeatable): technology=wind, "
        "'distance_from_shore=38 km'",
    )
    add_allow_outside(cmp)
    add_json(cmp)
    cmp.set_defaults(func=cmd_compare)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            return int(args.func(args))
    except InputError as exc:
        _print_err(f"reductions {args.command}: error: {exc.one_line()}")
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        _print_err(f"reductions {args.command}: error: {exc.filename}: {exc.strerror}")
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
