"""A classification run over a small hand-built book of customers whose answers are written out."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from huike.automation.models import Reminder
from huike.classification.models import Change, Result, Run, Strategy
from huike.classification.services import (
    change_decide, classify_customer, run_create, run_execute, thresholds_save, what_if,
)
from huike.core.errors import FieldErrors, Forbidden
from huike.customers.models import Customer
from huike.testing.factories import make_complaint, make_contract, make_customer, make_order

AS_OF = dt.date(2026, 6, 30)


def order(c, actor, day, amount):
    return make_order(c, actor, date=day, amount=Decimal(amount), product="标准版")


def run(actor, as_of=AS_OF) -> Run:
    r = run_create(actor=actor, as_of=as_of)
    return run_execute(r.pk)


@pytest.fixture
def book(org):
    rep = org.ra1
    c = {}
    c["strategic"] = make_customer(rep, name="战略甲", core_business=True, proactive_collaboration=True)
    make_contract(c["strategic"], rep, start_date=dt.date(2023, 1, 1), end_date=dt.date(2027, 1, 1))
    for month in range(7, 13):
        order(c["strategic"], rep, dt.date(2025, month, 15), "200000.00")   # 1.2M in the 12 months
    c["churn"] = make_customer(rep, name="流失乙")
    order(c["churn"], rep, dt.date(2026, 2, 10), "100000.00")               # (Dec 30, Mar 30]: 100,000
    order(c["churn"], rep, dt.date(2026, 5, 10), "50000.00")                # last 3 months: 50,000 → −50 %
    c["potential"] = make_customer(rep, name="潜力丙", new_demand=True)
    order(c["potential"], rep, dt.date(2026, 5, 1), "300000.00")
    c["stable"] = make_customer(rep, name="稳定丁")
    for i in range(12):                                                       # one order a month, 60,000
        order(c["stable"], rep, dt.date(2025, 7, 10) + dt.timedelta(days=30 * i), "5000.00")
    c["low"] = make_customer(rep, name="低频戊")
    order(c["low"], rep, dt.date(2025, 12, 1), "3000.00")
    c["prospect"] = make_customer(rep, name="潜在己")
    return c


def test_a_run_classifies_every_customer_with_its_evidence(org, book):
    # when a manager runs the classification as of 30 June 2026
    r = run(org.ma)
    # then each customer holds the class its numbers give
    got = {k: Customer.objects.get(pk=c.pk) for k, c in book.items()}
    assert {k: c.relationship_type for k, c in got.items()} == {
        "strategic": "strategic", "churn": "churn_risk", "potential": "potential", "stable": "stable",
        "low": "low_frequency", "prospect": "unclassified"}
    assert {k: c.value_class for k, c in got.items()} == {
        "strategic": "strategic", "churn": "key", "potential": "key", "stable": "normal", "low": "normal",
        "prospect": "normal"}
    # six customers: the top 20 % (rank < 1.2 → 2 with the rank rule) are high, the prospect has no amount
    assert got["prospect"].value_tier == "low"
    assert got["churn"].classification_result.evidence["features"]["amt_recent"] == 5_000_000
    assert got["churn"].classification_result.evidence["features"]["amt_before_recent"] == 10_000_000
    assert got["strategic"].classification_result.evidence["run"] == r.pk
    assert got["strategic"].classification_result.rfm_m == 5 and got["prospect"].classification_result.rfm_r is None
    assert r.status == "done"
    assert r.counts["customers"] == 6
    assert r.counts["relationship_type"]["unclassified"] == 1


def test_a_second_run_writes_nothing(org, book):
    run(org.ma)
    history = Change.objects.count()
    r2 = run(org.admin)
    assert r2.counts["changed"] == 0
    assert Change.objects.count() == history


def test_first_value_class_applies_at_once_later_ones_wait_for_approval(org, book):
    run(org.ma)
    stable = book["stable"]
    # when the stable customer buys 100,000 more, the new class waits for approval
    order(stable, org.ra1, dt.date(2026, 6, 1), "100000.00")
    r = run(org.ma)
    stable.refresh_from_db()
    assert stable.value_class == "normal"
    change = Change.objects.get(customer=stable, status="pending")
    assert (change.value_class_from, change.value_class_to) == ("normal", "key")
    assert r.counts["pending"] == 1
    # a rep cannot approve; a manager of another team does not see it; the team's manager approves
    with pytest.raises(Forbidden):
        change_decide(actor=org.ra1, change_ids=[change.pk], approve=True)
    assert change_decide(actor=org.mb, change_ids=[change.pk], approve=True) == 0
    assert change_decide(actor=org.ma, change_ids=[change.pk], approve=True) == 1
    stable.refresh_from_db()
    assert stable.value_class == "key"


def test_approval_can_be_turned_off(org, book):
    run(org.ma)
    thresholds_save(actor=org.admin, values={"class_approval": False})
    order(book["stable"], org.ra1, dt.date(2026, 6, 1), "100000.00")
    run(org.ma)
    book["stable"].refresh_from_db()
    assert book["stable"].value_class == "key"


def test_a_relationship_change_creates_the_strategy_tasks_for_the_owner(org, book):
    run(org.ma)
    stable = book["stable"]
    for _ in range(3):
        make_complaint(stable, org.ra1, received_at=timezone.make_aware(dt.datetime(2026, 6, 1, 10)))
    run(org.ma)
    stable.refresh_from_db()
    assert stable.relationship_type == "churn_risk"
    tasks = Reminder.objects.filter(customer=stable, source="strategy").order_by("key")
    expected = Strategy.objects.get(dimension="relationship_type", value="churn_risk").actions()
    assert sorted(t.title for t in tasks) == sorted(expected)
    assert {t.user_id for t in tasks} == {org.ra1.pk}
    # running again for the same date adds no task twice
    Result.objects.filter(customer=stable).update(hash=0)
    run(org.ma, AS_OF)
    assert Reminder.objects.filter(customer=stable, source="strategy").count() == len(expected)


def test_purging_a_classified_customer_removes_its_results_and_history(org, book):
    from huike.customers.services import customer_delete
    from huike.recycle.services import customer_purge

    # given a run (the results and history tables have no database foreign key, ADR 0024)
    run(org.ma)
    gone = book["churn"]
    kept = Change.objects.exclude(customer=gone).count()
    assert Change.objects.filter(customer=gone).count() == 1
    # when the churning customer is deleted and purged from the recycle bin
    customer_delete(actor=org.admin, customer=gone)
    customer_purge(actor=org.admin, pk=gone.pk)
    # then its result and history rows went with it, and the others' stayed
    assert not Result.objects.filter(customer_id=gone.pk).exists()
    assert not Change.objects.filter(customer_id=gone.pk).exists()
    assert Change.objects.count() == kept
    assert Result.objects.count() == len(book) - 1


def test_a_change_keeps_the_evidence_that_made_it_after_a_later_run_restates_the_result(org, book):
    from django.utils import translation

    from huike.classification.evidence import explain

    # given the first run's history row of the customer whose last three months halved
    first = run(org.ma)
    change = Change.objects.get(customer=book["churn"], run=first)
    # when a run three months later restates the customer's result (the orders left every window)
    later = run(org.ma, as_of=dt.date(2026, 9, 30))
    assert Result.objects.get(customer=book["churn"]).evidence["features"]["amt_recent"] == 0
    # then the first change still holds the inputs and threshold set it was made from, and says why in words
    change.refresh_from_db()
    assert later.pk != first.pk
    assert (change.threshold_set, change.stage_since) == (0, book["churn"].stage_changed_at.date())
    assert (change.amt_recent, change.amt_before_recent, change.orders_ever) == (5_000_000, 10_000_000, 2)
    with translation.override("en"):
        words = explain(change.evidence)
    assert words["relationship_type"]["value"] == "churn_risk"
    assert "¥50,000 vs ¥100,000" in words["relationship_type"]["summary"]


def test_deleting_the_user_who_decided_a_change_keeps_the_change_without_its_decider(org, book):
    from huike.accounts.models import Role, User

    # given a history row decided by a user (the key has no database constraint, classification migration 0008)
    run(org.ma)
    decider = User.objects.create_user("decider", password="x", role=Role.MANAGER, team=org.ma.team)
    change = Change.objects.filter(customer=book["churn"]).first()
    Change.objects.filter(pk=change.pk).update(decided_by=decider)
    # when the user is deleted
    decider.delete()
    # then the change stays, with no decider
    assert Change.objects.get(pk=change.pk).decided_by_id is None


def test_a_run_rewrites_the_customer_codes_and_the_facts_tiers_in_place_on_postgresql(org, book):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("heap-only updates are PostgreSQL's")
    tables = ("customers_customer", "reports_customerfact")

    def hot_updates() -> list[int]:
        with connection.cursor() as cur:
            cur.execute("SELECT " + ", ".join(f"pg_stat_get_xact_tuples_hot_updated('{t}'::regclass)" for t in tables))
            return list(cur.fetchone())
    # given six unclassified customers and their facts, on pages kept 60% and half empty (fillfactor 40:
    # customers migration 0013; 50: reports migration 0010)
    with connection.cursor() as cur:
        cur.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s) ORDER BY relname", [list(tables)])
        assert cur.fetchall() == [("customers_customer", ["fillfactor=40"]),
                                  ("reports_customerfact", ["fillfactor=50"])]
    before = hot_updates()
    # when a run gives each its first codes
    run(org.ma)
    # then all six customer rows and six facts rows were updated in place: neither the codes nor the facts'
    # tier are in an index, so no index entry was written
    assert [after - b for after, b in zip(hot_updates(), before)] == [6, 6]


def test_a_run_that_analyses_its_staging_table_writes_the_same_codes(org, book, monkeypatch):
    from huike.classification import writer

    # given a writer that gives the planner its staging table's statistics from the first staged row
    monkeypatch.setattr(writer, "ANALYZE_FROM", 1)
    # when a run classifies the book
    run(org.ma)
    # then the codes are those of a run without it (test_a_run_classifies_every_customer_with_its_evidence)
    assert {k: Customer.objects.get(pk=c.pk).relationship_type for k, c in book.items()} == {
        "strategic": "strategic", "churn": "churn_risk", "potential": "potential", "stable": "stable",
        "low": "low_frequency", "prospect": "unclassified"}
    assert Result.objects.count() == len(book)


def _written(book) -> dict:
    """What the runs stored for the book, less the run ids and times: codes, results, history, tasks, facts."""
    from huike.reports.models import CustomerFact

    ids = [c.pk for c in book.values()]

    def plain(evidence: dict) -> dict:
        return {k: v for k, v in evidence.items() if k != "run"}
    return {
        "codes": sorted(Customer.objects.filter(pk__in=ids).values_list("pk", "value_tier", "value_class",
                                                                      "relationship_type")),
        "results": sorted((r.customer_id, r.hash, r.rfm_r, r.rfm_f, r.rfm_m, r.segment, r.classified_on,
                           plain(r.evidence)) for r in Result.objects.filter(customer_id__in=ids)),
        "history": sorted(Change.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "as_of", "value_tier_from", "value_tier_to", "value_class_from", "value_class_to",
            "relationship_type_from", "relationship_type_to", "status")),
        "tasks": sorted(Reminder.objects.filter(customer_id__in=ids, source="strategy").values_list(
            "customer_id", "user_id", "title", "status")),
        "facts": sorted(CustomerFact.objects.filter(customer_id__in=ids).values_list("customer_id", "value_tier")),
    }


def test_chunks_of_two_customers_write_what_one_chunk_writes(org, book, monkeypatch):
    from django.db import transaction

    from huike.classification import writer

    # given a first run, then orders and complaints that move a value class (waiting for approval) and a
    # relationship type (bringing the strategy's tasks), then a second run that restates every result
    def runs() -> dict:
        with transaction.atomic():
            run(org.ma)
            order(book["stable"], org.ra1, dt.date(2026, 7, 1), "100000.00")
            for _ in range(3):
                make_complaint(book["potential"], org.ra1, received_at=timezone.make_aware(dt.datetime(2026, 7, 1)))
            run(org.ma, dt.date(2026, 7, 31))
            written = _written(book)
            transaction.set_rollback(True)
        return written
    # when the runs write the book in one chunk, and again (from the same start) in chunks of two customers
    whole = runs()
    monkeypatch.setattr(writer, "CHUNK", 2)
    chunked = runs()
    # then they wrote the same, and what they wrote is the moves
    assert chunked == whole
    assert ("stable", "normal", "key", "pending") in {
        (k, f, t, s) for k, c in book.items() for (cid, _d, _tf, _tt, f, t, _rf, _rt, s) in whole["history"]
        if cid == c.pk}
    assert {cid for cid, *_ in whole["tasks"]} == {book["potential"].pk}
    assert len(whole["results"]) == len(book)


def test_a_run_keeps_the_report_facts_and_their_day_rollup_exact(org, book):
    from django.db import connection

    from huike.reports import facts, rollup
    from huike.reports.models import CustomerFact, OwnerDayFacts

    # given a run over the book, then one customer reclassified on its own (both write tiers in bulk)
    run(org.ma)
    order(book["low"], org.ra1, timezone.localdate(), "600000.00")
    classify_customer(book["low"].pk)
    # then the facts copy every customer's tier, and two are counted as high value in the day rollup
    tiers = dict(Customer.objects.values_list("pk", "value_tier"))
    assert dict(CustomerFact.objects.values_list("customer_id", "value_tier")) == tiers
    assert sum(OwnerDayFacts.objects.values_list("high_value", flat=True)) == 3
    # and both equal a computation from scratch
    def rows():
        return sorted(tuple(round(v, 6) if isinstance(v, float) else v for v in r)
                      for r in OwnerDayFacts.objects.values_list("owner_id", "day", *rollup.METRICS))
    kept = rows()
    facts.rebuild(connection)
    assert rows() == kept


def test_one_customer_is_reclassified_with_the_runs_cut_points(org, book):
    run(org.ma)
    low = book["low"]
    order(low, org.ra1, timezone.localdate(), "600000.00")
    changed = classify_customer(low.pk)
    low.refresh_from_db()
    assert changed is True
    assert low.value_tier == "high"
    assert low.relationship_type != "low_frequency"


def test_reps_cannot_start_runs_and_future_dates_are_refused(org):
    with pytest.raises(Forbidden):
        run_create(actor=org.ra1, as_of=AS_OF)
    with pytest.raises(FieldErrors):
        run_create(actor=org.ma, as_of=timezone.localdate() + dt.timedelta(days=1))
    assert Run.objects.count() == 0


def test_what_if_shows_the_moves_without_saving(org, book):
    run(org.ma)
    result = what_if(actor=org.admin, values={"class_key_min": 40_000}, as_of=AS_OF)
    moves = {(b, a): n for b, a, n in result["matrices"]["value_class"]}
    assert moves[("normal", "key")] == 1       # the stable customer's 60,000
    assert Customer.objects.get(pk=book["stable"].pk).value_class == "normal"
    with pytest.raises(FieldErrors) as e:
        what_if(actor=org.admin, values={"class_key_min": 900_000})
    assert "class_key_min" in e.value.errors


def test_incoherent_thresholds_are_refused(org):
    with pytest.raises(FieldErrors) as e:
        thresholds_save(actor=org.admin, values={"tier_high_pct": 30})
    assert list(e.value.errors) == ["tier_low_pct"]
    with pytest.raises(Forbidden):
        thresholds_save(actor=org.ma, values={"tier_high_pct": 20})
