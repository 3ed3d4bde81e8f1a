"""The classification rules of R-5.1 – R-5.3 as pure functions.

`relationship_type` / `value_class` work on one customer and say why (the source of truth);
`*_batch` do the same over numpy columns for a run, and are tested to agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .features import Features, FeatureTable
from .thresholds import Thresholds
from .windows import months_before

FEN = 100


@dataclass(frozen=True)
class Decision:
    value: str
    rule: str                 # the rule that held, or "none"
    checks: dict[str, bool]   # each rule's conditions, evaluated (for the evidence)


# --- relationship type (R-5.3) -------------------------------------------------------------

def _grew(now: int, before: int, pct: int) -> bool:
    """Orders grew by ≥ pct %: now ≥ before × (1 + pct/100); from zero any order is growth."""
    if before == 0:
        return now > 0
    return now * 100 >= before * (100 + pct)


def _dropped(now: int, before: int, pct: int) -> bool:
    """Amount fell by ≥ pct %: now ≤ before × (1 − pct/100); nothing can fall from zero."""
    return before > 0 and now * 100 <= before * (100 - pct)


def relationship_checks(f: Features, t: Thresholds, as_of: dt.date) -> dict[str, dict[str, bool]]:
    coop_since = months_before(as_of, 12 * t.strategic_coop_years).toordinal()
    gap_since = months_before(as_of, t.low_gap_months).toordinal()
    months = t.annual_window_months
    return {
        "churn_risk": {
            "amount_dropped": _dropped(f.amt_recent, f.amt_before_recent, t.churn_drop_pct),
            "contracts_not_renewed": f.nonrenewed_streak >= t.churn_nonrenewed_contracts,
            "complaints": f.complaints_annual >= t.churn_complaints,
        },
        "strategic": {
            "amount": f.amt_annual >= t.strategic_min * FEN,
            "cooperation": bool(f.first_coop) and f.first_coop <= coop_since,
            "core_business": f.core_business,
            "proactive": f.proactive,
        },
        "potential": {
            "amount": t.potential_min * FEN <= f.amt_annual < t.potential_max * FEN,
            "growth": _grew(f.cnt_growth, f.cnt_growth_prev, t.potential_growth_pct),
            "new_demand": f.new_demand,
        },
        "stable": {
            "amount": t.stable_min * FEN <= f.amt_annual < t.stable_max * FEN,
            # 1 – 3 orders a month on average: min ≤ cnt / months < max
            "frequency": t.stable_orders_per_month_min * months <= f.cnt_annual < t.stable_orders_per_month_max * months,
            "no_complaint": f.complaints_annual == 0,
        },
        "low_frequency": {
            "has_ordered": f.orders_ever > 0,
            "amount": f.amt_annual < t.low_max * FEN,
            "gap": bool(f.last_order) and f.last_order <= gap_since,
        },
    }


def _holds(rule: str, c: dict[str, bool]) -> bool:
    if rule == "churn_risk":
        return c["amount_dropped"] or c["contracts_not_renewed"] or c["complaints"]
    if rule == "potential":
        return c["amount"] and (c["growth"] or c["new_demand"])
    return all(c.values())


def relationship_type(f: Features, t: Thresholds, as_of: dt.date) -> Decision:
    checks = relationship_checks(f, t, as_of)
    flat = {f"{rule}.{name}": v for rule, cs in checks.items() for name, v in cs.items()}
    for rule in t.rule_order:
        if _holds(rule, checks[rule]):
            return Decision(rule, rule, flat)
    return Decision("unclassified", "no_orders" if f.orders_ever == 0 else "none", flat)


RELATIONSHIP_CODES = ("churn_risk", "strategic", "potential", "stable", "low_frequency", "unclassified")


def relationship_batch(ft: FeatureTable, t: Thresholds, as_of: dt.date) -> np.ndarray:
    """Index into RELATIONSHIP_CODES for every row, the rules in t.rule_order."""
    coop_since = months_before(as_of, 12 * t.strategic_coop_years).toordinal()
    gap_since = months_before(as_of, t.low_gap_months).toordinal()
    months = t.annual_window_months
    a = ft.amt_annual
    before = ft.amt_before_recent
    grew = np.where(ft.cnt_growth_prev == 0, ft.cnt_growth > 0,
                    ft.cnt_growth * 100 >= ft.cnt_growth_prev * (100 + t.potential_growth_pct))
    holds = {
        "churn_risk": ((before > 0) & (ft.amt_recent * 100 <= before * (100 - t.churn_drop_pct)))
        | (ft.nonrenewed_streak >= t.churn_nonrenewed_contracts) | (ft.complaints_annual >= t.churn_complaints),
        "strategic": (a >= t.strategic_min * FEN) & (ft.first_coop > 0) & (ft.first_coop <= coop_since)
        & ft.core_business & ft.proactive,
        "potential": (a >= t.potential_min * FEN) & (a < t.potential_max * FEN) & (grew | ft.new_demand),
        "stable": (a >= t.stable_min * FEN) & (a < t.stable_max * FEN)
        & (ft.cnt_annual >= t.stable_orders_per_month_min * months)
        & (ft.cnt_annual < t.stable_orders_per_month_max * months) & (ft.complaints_annual == 0),
        "low_frequency": (ft.orders_ever > 0) & (a < t.low_max * FEN) & (ft.last_order > 0)
        & (ft.last_order <= gap_since),
    }
    out = np.full(len(ft), RELATIONSHIP_CODES.index("unclassified"), dtype=np.int8)
    decided = np.zeros(len(ft), dtype=bool)
    for rule in t.rule_order:
        hit = holds[rule] & ~decided
        out[hit] = RELATIONSHIP_CODES.index(rule)
        decided |= hit
    return out


# --- value class (R-5.2) -------------------------------------------------------------------

CLASS_CODES = ("strategic", "key", "normal")


def value_class(amt_class_fen: int, t: Thresholds) -> str:
    if amt_class_fen >= t.class_strategic_min * FEN:
        return "strategic"
    if amt_class_fen >= t.class_key_min * FEN:
        return "key"
    return "normal"


def value_class_batch(amt_class_fen: np.ndarray, t: Thresholds) -> np.ndarray:
    out = np.full(len(amt_class_fen), 2, dtype=np.int8)
    out[amt_class_fen >= t.class_key_min * FEN] = 1
    out[amt_class_fen >= t.class_strategic_min * FEN] = 0
    return out


# --- value tier (R-5.1, Pareto) ------------------------------------------------------------

TIER_CODES = ("high", "medium", "low")


@dataclass(frozen=True)
class TierCuts:
    """The amounts (fen) a customer needs for each tier, found by the last run; for one-off reclassification."""

    high_min: int | None
    medium_min: int | None
    customers: int


def value_tier_batch(amt_tier_fen: np.ndarray, t: Thresholds) -> tuple[np.ndarray, TierCuts]:
    """Rank by amount (desc); top high% by count are high, the next medium% medium, the rest low.

    Ties share the best rank, so a tie at a boundary stays together in the higher tier. A customer
    at competition rank r (0-based: how many have strictly more) is high when r < n × high%.
    Customers with no amount are low.
    """
    n = len(amt_tier_fen)
    out = np.full(n, 2, dtype=np.int8)
    if n == 0:
        return out, TierCuts(None, None, 0)
    desc = np.sort(amt_tier_fen)[::-1]
    rank = np.searchsorted(-desc, -amt_tier_fen, side="left")  # customers with strictly more
    positive = amt_tier_fen > 0
    out[positive & (rank * 100 < n * (t.tier_high_pct + t.tier_medium_pct))] = 1
    out[positive & (rank * 100 < n * t.tier_high_pct)] = 0
    high = amt_tier_fen[out == 0]
    medium = amt_tier_fen[out <= 1]
    return out, TierCuts(int(high.min()) if len(high) else None, int(medium.min()) if len(medium) else None, n)


def value_tier_single(amt_tier_fen: int, cuts: TierCuts) -> str:
    if amt_tier_fen <= 0:
        return "low"
    if cuts.high_min is not None and amt_tier_fen >= cuts.high_min:
        return "high"
    if cuts.medium_min is not None and amt_tier_fen >= cuts.medium_min:
        return "medium"
    return "low"
