"""The few statistics insights rest on: a group of moods against the person's own baseline.

Moods are the writer's 1-10 ratings. An effect is Cohen's d (the difference of means over
the pooled standard deviation); confidence is 1 - p of a two-sided z test on the
difference. Both use a floor on the spread, so a handful of identical ratings cannot make
an infinite effect out of a one-point difference.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Mood points: below this spread, ratings are treated as this spread.
MIN_SPREAD = 1.0
# A medium effect (Cohen): smaller differences are not worth telling anyone about.
MIN_EFFECT = 0.5
MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Comparison:
    group_mean: float
    baseline_mean: float
    group_size: int
    baseline_size: int
    effect_size: float
    confidence: float

    @property
    def lower(self) -> bool:
        return self.effect_size < 0

    def notable(self) -> bool:
        return abs(self.effect_size) >= MIN_EFFECT and self.confidence >= MIN_CONFIDENCE

    def as_data(self) -> dict[str, float | int | str]:
        return {
            "direction": "LOWER" if self.lower else "HIGHER",
            "groupMean": round(self.group_mean, 2),
            "baselineMean": round(self.baseline_mean, 2),
            "sampleSize": self.group_size,
            "baselineSize": self.baseline_size,
            "effectSize": round(self.effect_size, 3),
        }


def compare(
    group: Sequence[float], baseline: Sequence[float], *, min_sample: int
) -> Comparison | None:
    """`group` against `baseline` (the person's other moods); None when either side has
    fewer than `min_sample`."""
    if len(group) < min_sample or len(baseline) < min_sample:
        return None
    m1, m2 = statistics.fmean(group), statistics.fmean(baseline)
    v1, v2 = _variance(group), _variance(baseline)
    n1, n2 = len(group), len(baseline)
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    effect = (m1 - m2) / pooled
    z = abs(m1 - m2) / math.sqrt(v1 / n1 + v2 / n2)
    return Comparison(m1, m2, n1, n2, round(effect, 6), round(math.erf(z / math.sqrt(2)), 4))


def _variance(values: Sequence[float]) -> float:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return max(spread, MIN_SPREAD) ** 2


def rarity(rate: float, length: int) -> float:
    """How unlikely `length` low days in a row are for someone whose days are low at `rate`."""
    return rate**length
