"""The stored evidence of a classification, stated in words in the user's language (R-5)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .domain.features import Features
from .domain.rules import relationship_checks
from .domain.thresholds import Thresholds
from .domain.windows import months_before


def money(fen: int) -> str:
    """150万 for Chinese readers (as the seeds write amounts), ¥1,500,000 for English ones."""
    yuan = fen / 100
    if (get_language() or "").startswith("zh") and abs(yuan) >= 10_000:
        wan = yuan / 10_000
        return f"{wan:,.0f}万" if wan == int(wan) else f"{wan:,.2f}".rstrip("0").rstrip(".") + "万"
    return f"¥{yuan:,.0f}" if yuan == int(yuan) else f"¥{yuan:,.2f}"


def _relationship_lines(f: Features, t: Thresholds, as_of: dt.date, decided: str) -> list[dict[str, Any]]:
    c = relationship_checks(f, t, as_of)
    drop = (100 - f.amt_recent * 100 // f.amt_before_recent) if f.amt_before_recent else None
    lines = [
        {"rule": "churn_risk", "held": decided == "churn_risk", "checks": [
            (c["churn_risk"]["amount_dropped"], _("last %(m)d months %(now)s vs %(before)s before (%(drop)s), threshold −%(pct)d%%") % {
                "m": t.churn_drop_window_months, "now": money(f.amt_recent), "before": money(f.amt_before_recent),
                "drop": f"−{drop}%" if drop is not None else _("no amount before"), "pct": t.churn_drop_pct}),
            (c["churn_risk"]["contracts_not_renewed"], _("%(n)d latest ended contracts not renewed in a row (threshold %(k)d)") % {
                "n": f.nonrenewed_streak, "k": t.churn_nonrenewed_contracts}),
            (c["churn_risk"]["complaints"], _("%(n)d complaints in %(m)d months (threshold %(k)d)") % {
                "n": f.complaints_annual, "m": t.annual_window_months, "k": t.churn_complaints}),
        ]},
        {"rule": "strategic", "held": decided == "strategic", "checks": [
            (c["strategic"]["amount"], _("%(m)d-month amount %(a)s ≥ %(min)s") % {
                "m": t.annual_window_months, "a": money(f.amt_annual), "min": money(t.strategic_min * 100)}),
            (c["strategic"]["cooperation"], _("cooperating since %(d)s (≥ %(y)d years)") % {
                "d": f.first_coop_date or _("never"), "y": t.strategic_coop_years}),
            (c["strategic"]["core_business"], _("involves core business")),
            (c["strategic"]["proactive"], _("proactively proposed collaboration")),
        ]},
        {"rule": "potential", "held": decided == "potential", "checks": [
            (c["potential"]["amount"], _("%(m)d-month amount %(a)s within %(lo)s – %(hi)s") % {
                "m": t.annual_window_months, "a": money(f.amt_annual), "lo": money(t.potential_min * 100),
                "hi": money(t.potential_max * 100)}),
            (c["potential"]["growth"], _("orders in the last %(m)d months %(now)d vs %(before)d before (growth ≥ %(pct)d%%)") % {
                "m": t.growth_window_months, "now": f.cnt_growth, "before": f.cnt_growth_prev, "pct": t.potential_growth_pct}),
            (c["potential"]["new_demand"], _("new product/service demand flagged")),
        ]},
        {"rule": "stable", "held": decided == "stable", "checks": [
            (c["stable"]["amount"], _("%(m)d-month amount %(a)s within %(lo)s – %(hi)s") % {
                "m": t.annual_window_months, "a": money(f.amt_annual), "lo": money(t.stable_min * 100),
                "hi": money(t.stable_max * 100)}),
            (c["stable"]["frequency"], _("%(n)d orders in %(m)d months (%(lo)d to under %(hi)d a month)") % {
                "n": f.cnt_annual, "m": t.annual_window_months, "lo": t.stable_orders_per_month_min,
                "hi": t.stable_orders_per_month_max}),
            (c["stable"]["no_complaint"], _("no complaint in %(m)d months") % {"m": t.annual_window_months}),
        ]},
        {"rule": "low_frequency", "held": decided == "low_frequency", "checks": [
            (c["low_frequency"]["has_ordered"], _("%(n)d orders ever") % {"n": f.orders_ever}),
            (c["low_frequency"]["amount"], _("%(m)d-month amount %(a)s < %(max)s") % {
                "m": t.annual_window_months, "a": money(f.amt_annual), "max": money(t.low_max * 100)}),
            (c["low_frequency"]["gap"], _("last order %(d)s, on or before %(since)s") % {
                "d": f.last_order_date or _("never"), "since": months_before(as_of, t.low_gap_months)}),
        ]},
    ]
    return [{**line, "checks": [{"ok": ok, "text": text} for ok, text in line["checks"]]} for line in lines]


@lru_cache(maxsize=64)
def thresholds_of(set_id: int) -> Thresholds:
    """Saved threshold sets never change, so each is read once per process."""
    from .models import ThresholdSet

    row = ThresholdSet.objects.filter(pk=set_id).first() if set_id else None
    return Thresholds.from_dict(row.values) if row else Thresholds()


def explain(classification: dict[str, Any]) -> dict[str, Any]:
    """{dimension: {value, summary, …}} in the current language, from a customer's stored evidence."""
    if not classification or "features" not in classification:
        return {}
    t = thresholds_of(classification.get("thresholds") or 0)
    f = Features(**classification["features"])
    as_of = dt.date.fromisoformat(classification["as_of"])
    rel = classification["relationship_type"]
    lines = _relationship_lines(f, t, as_of, rel)
    held = next((line for line in lines if line["held"]), None)
    # Translators: between the reasons of one summary
    sep = _("; ")
    if held:
        rel_summary = sep.join(c["text"] for c in held["checks"] if c["ok"])
    elif f.orders_ever == 0:
        rel_summary = _("No cooperation record yet.")
    else:
        rel_summary = _("No rule held: %(why)s") % {"why": sep.join(
            next(c["text"] for c in line["checks"] if not c["ok"]) for line in lines)}
    klass = classification["value_class"]
    class_summary = _("%(m)d-month amount %(a)s: strategic ≥ %(s)s, key ≥ %(k)s") % {
        "m": t.class_window_months, "a": money(f.amt_class), "s": money(t.class_strategic_min * 100),
        "k": money(t.class_key_min * 100)}
    tier_summary = _("%(m)d-month amount %(a)s, ranked against every customer (top %(h)d%% high, next %(md)d%% medium)") % {
        "m": t.tier_window_months, "a": money(f.amt_tier), "h": t.tier_high_pct, "md": t.tier_medium_pct}
    stage_since = classification.get("stage_since")
    return {
        "as_of": classification["as_of"],
        "days_in_stage": (as_of - dt.date.fromisoformat(stage_since)).days if stage_since else None,
        "relationship_type": {"value": rel, "summary": rel_summary, "rules": lines},
        "value_class": {"value": klass, "pending": classification.get("value_class_pending", False),
                        "summary": class_summary},
        "value_tier": {"value": classification.get("value_tier"), "summary": tier_summary},
        "rfm": classification.get("rfm"),
        "segment": classification.get("segment"),
    }


def result_of(customer):
    """The customer's stored classification.Result, or None before its first run (select_related it in lists)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return customer.classification_result
    except ObjectDoesNotExist:
        return None


_CACHE: dict[tuple, dict[str, Any]] = {}
_CACHE_SIZE = 20_000


def explain_customer(customer) -> dict[str, Any]:
    """explain() for a customer, remembered per evidence fingerprint and language (lists show 50 at once).

    The fingerprint covers the inputs and results; the as-of date, threshold set and pending flag
    complete what explain() reads, so equal keys give equal words.
    """
    result = result_of(customer)
    data = result.evidence if result else {}
    if not data or not result.hash:
        return explain(data)
    key = (result.hash, data.get("as_of"), data.get("thresholds"), data.get("run"),
           data.get("value_class_pending"), get_language())
    words = _CACHE.get(key)
    if words is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        words = _CACHE[key] = explain(data)
    return words
