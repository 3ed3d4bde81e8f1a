"""Order features from SQL equal the windows computed one order at a time, on every boundary day."""
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from huike.classification import features_sql
from huike.classification.domain.thresholds import Thresholds
from huike.classification.domain.windows import in_window, months_before
from huike.testing.factories import make_customer, make_order

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def expected(orders: list[tuple[dt.date, Decimal]], t: Thresholds) -> dict:
    """The windows of features.py, by the definition: (start, end] in months before as-of."""
    def fen(months, offset=0):
        return sum(int(a * 100) for d, a in orders if in_window(d, AS_OF, months, offset))

    def count(months, offset=0):
        return sum(1 for d, _a in orders if in_window(d, AS_OF, months, offset))
    upto = [d for d, _a in orders if d <= AS_OF]
    return {
        "amt_annual": fen(t.annual_window_months), "cnt_annual": count(t.annual_window_months),
        "amt_class": fen(t.class_window_months), "amt_tier": fen(t.tier_window_months),
        "amt_recent": fen(t.churn_drop_window_months),
        "amt_before_recent": fen(t.churn_drop_window_months, t.churn_drop_window_months),
        "cnt_growth": count(t.growth_window_months),
        "cnt_growth_prev": count(t.growth_window_months, t.growth_window_months),
        "orders_ever": len(upto), "last_order": max(upto).toordinal() if upto else 0,
    }


@pytest.mark.parametrize("t", [Thresholds(), dataclasses.replace(Thresholds(), tier_window_months=4,
                                                                    class_window_months=9, growth_window_months=5)])
def test_order_features_equal_the_window_definitions_on_every_boundary(org, t):
    # given orders on each window edge, the day after it, as-of itself, and after as-of
    edges = {months_before(AS_OF, m) for m in (3, 4, 5, 6, 9, 10, 12, 24)}
    days = sorted({AS_OF, AS_OF + dt.timedelta(days=1), *edges, *(e + dt.timedelta(days=1) for e in edges),
                   dt.date(2020, 1, 1)})
    a, b, none = make_customer(org.ra1), make_customer(org.ra1), make_customer(org.ra1)
    placed = {a.pk: [], b.pk: [], none.pk: []}
    for i, day in enumerate(days):
        for c, amount in ((a, Decimal("100.10") + i), (b, Decimal("0.01") * (i + 1))):
            if c is b and i % 2:
                continue
            make_order(c, org.ra1, date=day, amount=amount)
            placed[c.pk].append((day, amount))
    # when the features are loaded by SQL
    snap = features_sql.load(AS_OF, t)
    # then every window holds exactly the orders its definition holds, for each customer
    for row, cid in enumerate(snap.features.ids.tolist()):
        got = {name: int(snap.features.columns[name][row]) for name in expected([], t)}
        assert got == expected(placed[cid], t), cid
    assert int(snap.features.columns["orders_ever"][list(snap.features.ids).index(none.pk)]) == 0


def test_the_non_renewed_streak_counts_the_latest_ended_contracts_in_a_row(org):
    from huike.testing.factories import make_contract

    def contracts(c, statuses):  # oldest first, each ended before as-of; one still running is not counted
        for i, status in enumerate(statuses):
            end = dt.date(2024, 1, 1) + dt.timedelta(days=200 * i)
            make_contract(c, org.ra1, start_date=end - dt.timedelta(days=365), end_date=end, renewal_status=status)
        make_contract(c, org.ra1, start_date=AS_OF, end_date=AS_OF + dt.timedelta(days=365),
                      renewal_status="not_renewed")
    # given customers whose ended contracts, newest last, were renewed or not
    cases = {"two_in_a_row": ["renewed", "not_renewed", "not_renewed"], "one": ["not_renewed", "renewed",
                                                                               "not_renewed"],
             "renewed_last": ["not_renewed", "not_renewed", "renewed"], "single": ["not_renewed"], "none": []}
    customers = {name: make_customer(org.ra1) for name in cases}
    for name, statuses in cases.items():
        contracts(customers[name], statuses)
    # and one whose only contract starts the day after as-of (one pass reads both the ends and the starts)
    customers["later"] = make_customer(org.ra1)
    make_contract(customers["later"], org.ra1, start_date=AS_OF + dt.timedelta(days=1),
                  end_date=AS_OF + dt.timedelta(days=366), renewal_status="not_renewed")
    # when the features are loaded (k = 2 latest contracts)
    snap = features_sql.load(AS_OF, Thresholds())
    ids = snap.features.ids.tolist()
    got = {name: int(snap.features.columns["nonrenewed_streak"][ids.index(c.pk)]) for name, c in customers.items()}
    # then the streak stops at the first renewed contract and looks at two at most
    assert got == {"two_in_a_row": 2, "one": 1, "renewed_last": 0, "single": 1, "none": 0, "later": 0}
    # and the cooperation starts with the first contract started by as-of (none for the later one)
    coop = {name: int(snap.features.columns["first_coop"][ids.index(c.pk)]) for name, c in customers.items()}
    first = (dt.date(2024, 1, 1) - dt.timedelta(days=365)).toordinal()
    assert coop == {"two_in_a_row": first, "one": first, "renewed_last": first, "single": first,
                    "none": AS_OF.toordinal(), "later": 0}


def test_the_stored_codes_and_flags_are_read_exactly_including_a_code_outside_the_known_ones(org):
    from huike.customers.models import Customer

    # given a classified customer with flags, an unclassified one, and one whose tier is a value no run writes
    a, b, odd = make_customer(org.ra1), make_customer(org.ra2), make_customer(org.ra1)
    Customer.objects.filter(pk=a.pk).update(value_tier="high", value_class="key", relationship_type="churn_risk",
                                            core_business=True, new_demand=True)
    Customer.objects.filter(pk=odd.pk).update(value_tier="legacy")
    # when the snapshot is loaded
    snap = features_sql.load(AS_OF, Thresholds())
    # then each customer's stored codes, flags and owner are the ones in the database
    ids = snap.features.ids.tolist()
    assert ids == sorted([a.pk, b.pk, odd.pk])
    got = {cid: (snap.current["value_tier"][i], snap.current["value_class"][i],
                 snap.current["relationship_type"][i], bool(snap.features.columns["core_business"][i]),
                 bool(snap.features.columns["proactive"][i]), bool(snap.features.columns["new_demand"][i]),
                 int(snap.owners[i])) for i, cid in enumerate(ids)}
    assert got == {a.pk: ("high", "key", "churn_risk", True, False, True, org.ra1.pk),
                   b.pk: ("", "", "", False, False, False, org.ra2.pk),
                   odd.pk: ("legacy", "", "", False, False, False, org.ra1.pk)}
