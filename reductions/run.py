"""Run a project: project file -> methodology -> applicability -> monitoring -> ledger.

This is the one path every entry point takes (library, ``reductions run``, ``verify``,
``validate``), so a report, its verification and a validation case cannot disagree on
how a number was produced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from . import registry
from .errors import (
    ApplicabilityError,
    InputError,
    ParameterError,
)
from .factors import CDM_GWP_RULE, GWP, GWP_SETS, cdm_gwp, gwp
from .ledger import TOTALS, Ledger
from .methodology import Finding, Methodology, Status
from .monitoring import DataQuality, load_monitoring
from .project import Project, load_project, resolve_parameters
from .timeutil import reporting_labels


@dataclass
class Result:
    """Everything a run produced: the ledger and how it came about."""

    project: Project
    methodology: type[Methodology]
    findings: list[Finding]
    monitoring: xr.Dataset
    quality: DataQuality
    ledger: Ledger
    gwp: dict[str, GWP] = field(default_factory=dict)
    gwp_rule: str = ""
    _labels: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def totals(self) -> dict[str, float]:
        """BE, PE, LE and ER over the period [t CO2e]."""
        return self.ledger.totals()

    def interval_labels(self) -> np.ndarray:
        """Reporting-interval label of each monitoring interval (computed once)."""
        if self._labels is None:
            self._labels = reporting_labels(
                self.monitoring["time"].values,
                self.monitoring["time_end"].values,
                self.project.period.timezone,
                self.project.period.reporting,
            )
        return self._labels

    def report(self) -> dict:
        from .report import build_report

        return build_report(self)

    def write(self, outdir: str | Path) -> dict[str, Path]:
        from .report import write_outputs

        return write_outputs(self, Path(outdir))


def select_gwp(project: Project, methodology: type[Methodology]) -> tuple[dict[str, GWP], str]:
    """The GWP values of the project, by the methodology's rule or the project's choice."""
    rule = methodology.gwp_rule
    start, end = project.period.start, project.period.end
    if rule == "cdm":
        for boundary in (dt.date(2013, 1, 1), dt.date(2021, 1, 1)):
            if start < boundary <= end:
                raise ParameterError(
                    f"the period crosses {boundary}, where the CDM GWP rule changes; split it",
                    file=project.file_label,
                    variable="period",
                    rule=CDM_GWP_RULE,
                )
        values = {g: cdm_gwp(g, start) for g in ("CH4", "N2O")}
        if project.gwp is not None and project.gwp.lower() != "cdm":
            if project.gwp not in GWP_SETS:
                raise ParameterError(
                    f"unknown GWP set {project.gwp!r}",
                    file=project.file_label,
                    variable="project.gwp",
                    rule=f"one of {GWP_SETS} or 'cdm'",
                )
            chosen = {g: gwp(g, project.gwp) for g in ("CH4", "N2O")}
            if any(chosen[g].value != values[g].value for g in chosen):
                project.noncompliance.append(
                    f"project.gwp = {project.gwp!r} overrides the GWP prescribed by the rule: "
                    f"{CDM_GWP_RULE}"
                )
            return chosen, f"project file: {project.gwp} (overrides the CDM rule)"
        return values, CDM_GWP_RULE
    if rule == "project":
        if project.gwp is None:
            raise ParameterError(
                "the methodology lets the project choose the GWP set; none given",
                file=project.file_label,
                variable="project.gwp",
                rule=f"one of {GWP_SETS}",
            )
        if project.gwp not in GWP_SETS:
            raise ParameterError(
                f"unknown GWP set {project.gwp!r}",
                file=project.file_label,
                variable="project.gwp",
                rule=f"one of {GWP_SETS}",
            )
        return {g: gwp(g, project.gwp) for g in ("CH4", "N2O")}, f"project file: {project.gwp}"
    return {}, "the methodology uses no GWP"


def check_findings(project: Project, findings: Sequence[Finding]) -> None:
    """Stop on a disqualifying finding unless the project overrides it (failures only)."""
    overridden = {o.finding: o for o in project.overrides}
    for f in findings:
        if f.status == Status.NOT_SUPPORTED:
            raise ApplicabilityError(
                f"{f.message} [{f.name}]",
                file=project.file_label,
                rule=f"{f.clause}; not yet supported",
            )
        if f.status == Status.FAIL:
            if f.name in overridden:
                project.noncompliance.append(
                    f"applicability finding {f.name} failed and was overridden: "
                    f"{overridden[f.name].reason}"
                )
                continue
            raise ApplicabilityError(
                f"{f.message} [{f.name}]", file=project.file_label, rule=f.clause
            )
    names = {f.name for f in findings}
    for name in overridden:
        if name not in names:
            raise ApplicabilityError(
                f"override names no finding of this methodology: {name!r}",
                file=project.file_label,
                variable="override",
            )


def _naming_project_file(exc: InputError, project: Project) -> InputError:
    """The same error, naming the project file (raised where the file was not known)."""
    return type(exc)(
        exc.message,
        file=project.file_label,
        variable=exc.variable,
        where=exc.where,
        rule=exc.rule,
    )


def run_project(
    path: str | Path, available: dict[tuple[str, str], type[Methodology]] | None = None
) -> Result:
    """Run the project file at ``path`` and return its :class:`Result`.

    An input error raised where the project file was not known (the registry, the
    monitoring checks, a plugin) is raised again naming the project file.
    """
    project = load_project(path)
    try:
        return _run(project, available)
    except InputError as exc:
        if exc.file is not None:
            raise
        raise _naming_project_file(exc, project) from None


def _run(project: Project, available: dict[tuple[str, str], type[Methodology]] | None) -> Result:
    methodology = registry.get(project.methodology, project.methodology_version, available)
    resolve_parameters(project, methodology)
    gwp_values, gwp_rule = select_gwp(project, methodology)
    project.gwp_values = gwp_values
    instance = methodology()
    findings = list(instance.applicability(project))
    check_findings(project, findings)
    monitoring, quality = load_monitoring(project, methodology)
    ledger = instance.quantify(project, monitoring)
    ledger.check()
    for s in TOTALS:
        if ledger[s].unit not in ("t", "tCO2e"):
            raise ApplicabilityError(
                f"{s} is in {ledger[s].unit}, not t CO2e", rule="totals are in t CO2e"
            )
    result = Result(
        project, methodology, findings, monitoring, quality, ledger, gwp_values, gwp_rule
    )
    result.interval_labels()  # data coarser than the reporting interval: stop here
    return result
