"""Classification thresholds (R-5): data, not constants. Defaults mirror the seeds.

Amounts are in yuan; windows in calendar months; percentages are whole numbers.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

RELATIONSHIP_RULES = ("churn_risk", "strategic", "potential", "stable", "low_frequency")


@dataclass(frozen=True)
class Thresholds:
    # value tier (Pareto by order amount over the tier window)
    tier_window_months: int = 6
    tier_high_pct: int = 20
    tier_medium_pct: int = 50
    tier_low_pct: int = 30
    # value class (annual amount)
    class_window_months: int = 12
    class_strategic_min: int = 500_000
    class_key_min: int = 100_000
    class_approval: bool = True
    # relationship type
    annual_window_months: int = 12
    churn_drop_window_months: int = 3
    churn_drop_pct: int = 50
    churn_nonrenewed_contracts: int = 2
    churn_complaints: int = 3
    strategic_min: int = 1_000_000
    strategic_coop_years: int = 2
    potential_min: int = 200_000
    potential_max: int = 1_000_000
    growth_window_months: int = 6
    potential_growth_pct: int = 30
    stable_min: int = 50_000
    stable_max: int = 200_000
    stable_orders_per_month_min: int = 1
    stable_orders_per_month_max: int = 3
    low_max: int = 50_000
    low_gap_months: int = 6
    rule_order: tuple[str, ...] = RELATIONSHIP_RULES
    # RFM segments: k for k-means, 0 = chosen by silhouette
    segments_k: int = 0

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rule_order"] = list(self.rule_order)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Thresholds":
        known = {f.name: f for f in fields(cls)}
        values = {}
        for k, v in data.items():
            if k not in known:
                continue
            values[k] = tuple(v) if k == "rule_order" else (bool(v) if k == "class_approval" else int(v))
        return replace(cls(), **values)


def validate(t: Thresholds) -> dict[str, str]:
    """Problems by field name (English keys for messages); empty when the thresholds are coherent."""
    problems: dict[str, str] = {}
    for f in fields(t):
        v = getattr(t, f.name)
        if isinstance(v, int) and not isinstance(v, bool) and v < 0:
            problems[f.name] = "negative"
    for name in ("tier_window_months", "class_window_months", "annual_window_months", "churn_drop_window_months",
                 "growth_window_months", "low_gap_months", "strategic_coop_years"):
        if getattr(t, name) < 1 or getattr(t, name) > 120:
            problems[name] = "window"
    if t.tier_high_pct + t.tier_medium_pct + t.tier_low_pct != 100:
        problems["tier_low_pct"] = "sum"
    if not 0 < t.tier_high_pct < 100 or not 0 <= t.tier_medium_pct < 100:
        problems["tier_high_pct"] = "pct"
    if not 0 < t.churn_drop_pct <= 100:
        problems["churn_drop_pct"] = "pct"
    if t.class_key_min >= t.class_strategic_min:
        problems["class_key_min"] = "overlap"
    if t.potential_min >= t.potential_max:
        problems["potential_max"] = "band"
    if t.stable_min >= t.stable_max:
        problems["stable_max"] = "band"
    if t.stable_orders_per_month_min > t.stable_orders_per_month_max:
        problems["stable_orders_per_month_max"] = "band"
    # the amount bands of stable, potential and strategic follow each other without overlapping
    if t.stable_max > t.potential_min:
        problems["stable_max"] = "overlap"
    if t.potential_max > t.strategic_min:
        problems["potential_max"] = "overlap"
    if t.low_max > t.stable_max:
        problems["low_max"] = "overlap"
    if sorted(t.rule_order) != sorted(RELATIONSHIP_RULES):
        problems["rule_order"] = "order"
    if t.segments_k == 1 or t.segments_k > 10:
        problems["segments_k"] = "k"
    if t.churn_nonrenewed_contracts < 1 or t.churn_complaints < 1:
        problems["churn_complaints"] = "count"
    return problems
