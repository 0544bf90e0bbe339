"""``reductions init METHODOLOGY``: a commented project file template (issue 13, item 4).

The template names every parameter and monitoring variable the methodology declares.
What the user must give is written as a placeholder that the engine refuses until it is
replaced (``nan`` for a number, a ``"FILL IN: ..."`` string elsewhere), so a template
cannot run by accident; what has a default, and what is optional, is written as a
comment with its default and the source of that default.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .factors import GWP_SETS
from .methodology import PERIOD_KINDS, Methodology, MonitoringVariable, Parameter, version_label
from .timeutil import REPORTING

#: The mark of every value the user must replace.
FILL = "FILL IN"


def _s(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def _placeholder(p: Parameter) -> str:
    if p.kind == "number":
        return "nan"
    if p.kind == "choice" and p.choices:
        return _s(f"{FILL}: one of {', '.join(p.choices)}")
    what = {"integer": "an integer", "bool": "true or false", "date": "a date"}.get(p.kind, "")
    return _s(f"{FILL}: {what or 'a value'}")


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return _s(str(value))


def _parameter_lines(p: Parameter) -> list[str]:
    facts = [f"[{p.unit}]" if p.unit else "", p.kind if p.kind != "number" else ""]
    if p.choices:
        facts.append("one of " + ", ".join(p.choices))
    if p.minimum is not None:
        facts.append(f">= {p.minimum}")
    if p.maximum is not None:
        facts.append(f"<= {p.maximum}")
    if p.published_kinds:
        facts.append(
            "or a published factor: {published = <table>, grid = <grid>} "
            f"({', '.join(p.published_kinds)})"
        )
    lines = [_comment(f"{p.description} " + "; ".join(f for f in facts if f))]
    if p.default is not None:
        how = "prescribed: another value makes the result NOT compliant" if p.prescribed else ""
        lines.append(
            _comment(f"default {p.default!r} ({p.default_source or 'the methodology'}) {how}")
        )
        lines.append(f"# {p.symbol} = {_literal(p.default)}")
        return lines
    if p.kind == "number" and p.unit:
        value = f"{{ value = nan, unit = {_s(p.unit)}, source = {_s(FILL + ': the source')} }}"
    else:
        value = _placeholder(p)
    if not p.required:
        lines.append(_comment("optional"))
        lines.append(f"# {p.symbol} = {value}")
    else:
        lines.append(f"{p.symbol} = {value}")
    return lines


def _variable_lines(v: MonitoringVariable) -> list[str]:
    facts = [
        "required" if v.required else "optional",
        f"{'amount per interval' if v.aggregate == 'sum' else 'state (mean)'}",
    ]
    if v.resolution:
        facts.append(f"at {v.resolution} or finer")
    facts.append(f"missing data: {v.missing.describe()}")
    lines = [_comment(f"{v.description} [{v.unit}]; " + "; ".join(facts))]
    spec = [f"column = {_s(FILL + ': column name')}", f"unit = {_s(v.unit)}"]
    for d in v.dims:
        spec.append(f"{d} = {_s(FILL + f': the column of {d} labels')}")
    line = f"{v.symbol} = {{ {', '.join(spec)} }}"
    lines.append(line if v.required else f"# {line}")
    return lines


def _table(name: str, period: str, variables: Iterable[MonitoringVariable]) -> list[str]:
    return [
        "",
        f"[monitoring.{name}]",
        f"file = {_s(FILL + ': data file beside this one (.csv, .xlsx with sheet = ..., .nc)')}",
        'time = "timestamp"              # the time column',
        '# timezone = "UTC+8"            # default: the period\'s time zone',
        '# label = "end"                 # a timestamp labels the start or the end of its interval',
        '# interval = "1h"               # default: detected from the data',
        f'period = "{period}"',
        "",
        f"[monitoring.{name}.variables]",
        *[line for v in variables for line in _variable_lines(v)],
    ]


def template(cls: type[Methodology]) -> str:
    """The commented project file template of ``cls``."""
    out = [
        _comment(f"Project file for {cls.id} {version_label(cls.version)}: {cls.title}"),
        *[_comment(f"Source: {s.cite()}") for s in cls.sources],
        "# Written by `reductions init`. Replace every value marked FILL IN (and nan);",
        "# lines commented out keep the methodology's default or leave an optional input out.",
        f"# Paths are relative to this file; `reductions describe {cls.id}` lists the equations.",
        "",
        "[project]",
        f"name = {_s(FILL + ': project name')}",
        f"methodology = {_s(cls.id)}",
        f"methodology_version = {_s(cls.version)}",
    ]
    sets = ", ".join(sorted(GWP_SETS))
    if cls.gwp_rule == "project":
        out.append(f"gwp = {_s(f'{FILL}: one of {sets}')}")
    elif cls.gwp_rule == "cdm":
        out.append(f'# gwp = "AR5"   # default: the CDM rule by date; a set ({sets}) overrides it')
    out += [
        "",
        "[period]",
        f"start = {_s(FILL + ': first day, a TOML date such as 2024-01-01')}",
        f"end = {_s(FILL + ': last day, a TOML date such as 2024-12-31')}",
        'timezone = "UTC"                # the local time zone of the dates, e.g. "UTC+8"',
        f'reporting = "total"             # reporting intervals: one of {", ".join(REPORTING)}',
    ]
    periods = [k for k in PERIOD_KINDS if any(v.period == k for v in cls.monitoring)]
    if "baseline" in periods:
        out += [
            "",
            "[period.baseline]",
            f"start = {_s(FILL + ': first day of the baseline period')}",
            f"end = {_s(FILL + ': last day of the baseline period')}",
        ]
    out += ["", "[parameters]", "# symbol = value, or {value=, unit=, source=}"]
    for p in cls.parameters:
        out += [""] + _parameter_lines(p)
    for k in periods:
        out += _table(k, k, [v for v in cls.monitoring if v.period == k])
    if cls.adjustments:
        out += [
            "",
            f"# Adjustments this methodology accepts ({', '.join(cls.adjustments)}), one table",
            "# each, spread evenly over their days:",
            "# [[adjustment]]",
            '# name = "<unique name>"',
            "# value = 0.0                   # signed: + adds to the adjusted baseline",
            f'# unit = "{cls.adjustment_unit}"',
            "# start = 2024-01-01",
            "# end = 2024-12-31",
            f'# kind = "{cls.adjustments[0]}"',
            '# reason = "<why>"',
            '# source = "<the calculation or document>"',
        ]
    out += [
        "",
        "# A failed applicability condition may be set aside on the record (the result is",
        "# then NOT compliant):",
        "# [[override]]",
        '# finding = "<the finding\'s name>"',
        '# reason = "<why>"',
    ]
    return "\n".join(out) + "\n"
