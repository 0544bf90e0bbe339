"""Conservative results: the lower bound at a chosen confidence, and the uncertainty
deductions of the programmes whose text we have read.

Only rules read in their text are coded, each with its citation. Read and coded:

- Verra VCS VM0033 v2.1 (4 September 2023), section 8.5.2 "Estimation of uncertainty",
  eqs. (91)-(92): the allowable uncertainty is 20 % of NER at a 90 % confidence level
  (or 30 % at 95 %); where it is met there is no deduction; where it is exceeded, NER is
  multiplied by (100 % - NER_ERROR + allowable_uncert), NER_ERROR being the half-width of
  the confidence interval as a percentage of the value. Read in the parsed copy of the
  methodology PDF in hashgraph/guardian, docs/VM0033-methodology-pdf-parsed/.
  VM0033 is a tidal-wetland (AFOLU) methodology: the rule is shown for projects under it
  and for comparison, not as the rule of the project's own programme.

Not coded, because their text could not be read here: the CDM "Standard for sampling and
surveys for CDM project activities and programmes of activities" (90/10 precision and its
conservative adjustments), the CDM VVS, and the Gold Standard's uncertainty provisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

NOT_CODED = (
    "CDM Standard for sampling and surveys for CDM project activities and programmes of "
    "activities (90/10 precision rule): text not read here, not coded",
    "Gold Standard uncertainty provisions: text not read here, not coded",
)


@dataclass(frozen=True)
class Deduction:
    rule: str
    source: str
    applies_to: str
    uncertainty: float  # as a fraction of ER
    allowable: float
    deduction: float  # fraction of ER deducted
    conservative_er: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "source": self.source,
            "applies_to": self.applies_to,
            "uncertainty_fraction": self.uncertainty,
            "allowable_fraction": self.allowable,
            "deduction_fraction": self.deduction,
            "conservative_ER": self.conservative_er,
        }


def vm0033_deduction(er: float, draws: np.ndarray, level: float = 0.90) -> Deduction:
    """VM0033 v2.1 section 8.5.2, eq. (92), at a 90 % (allowable 20 %) or 95 % (30 %)
    confidence level.

    NER_ERROR is taken as the half-width of the probabilistically symmetric Monte Carlo
    interval at ``level``, divided by |ER| (the methodology combines percentage
    half-widths of its pools, eq. (91); here the interval of ER itself is used).
    """
    allowable = {0.90: 0.20, 0.95: 0.30}[level]
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    error = float((hi - lo) / 2 / abs(er)) if er != 0 else float("inf")
    deduction = max(0.0, error - allowable)
    return Deduction(
        f"verra.vm0033.v2.1.8.5.2@{int(level * 100)}",
        "Verra VCS VM0033 v2.1 (2023-09-04), section 8.5.2, eqs. (91)-(92): adjusted NER = "
        f"NER x (100 % - NER_ERROR + {allowable:.0%}) where NER_ERROR exceeds "
        f"{allowable:.0%} at {level:.0%} confidence",
        "VCS VM0033 projects (shown for comparison otherwise)",
        error,
        allowable,
        deduction,
        er * (1.0 - deduction),
    )
