import pytest

from huike.audit.models import AuditEntry
from huike.configuration.services import cadence_rule_update, deadline_update, option_save
from huike.core.errors import FieldErrors, Forbidden
from huike.customers import options
from huike.customers.models import Option
from huike.followups.models import CadenceRuleRow
from huike.service.models import ComplaintDeadline
from huike.testing.factories import make_customer


def test_admin_adds_an_industry_and_it_becomes_selectable(org):
    # given the admin adds 新能源 to the industry list
    option_save(actor=org.admin, data={"kind": "industry", "key": "new_energy", "label_zh": "新能源",
                                       "label_en": "New energy"})
    # then a customer can use it at once (the cached list was refreshed)
    c = make_customer(org.ra1, industry="new_energy")
    assert c.industry == "new_energy"
    assert ("new_energy", "新能源") in options.choices("industry")


def test_deactivating_an_entry_keeps_records_but_refuses_new_ones(org):
    c = make_customer(org.ra1, industry="energy")
    option_save(actor=org.admin, option=Option.objects.get(kind="industry", key="energy"), data={"active": False})
    c.refresh_from_db()
    assert c.industry == "energy"
    with pytest.raises(FieldErrors) as e:
        make_customer(org.ra1, industry="energy")
    assert list(e.value.errors) == ["industry"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "industry", "key": "Bad Key", "label_zh": "x", "label_en": "x"}, "key"),
        ({"kind": "industry", "key": "it", "label_zh": "x", "label_en": "x"}, "key"),
        ({"kind": "planet", "key": "mars", "label_zh": "x", "label_en": "x"}, "kind"),
        ({"kind": "industry", "key": "x1", "label_zh": "", "label_en": "x"}, "label_zh"),
        ({"kind": "industry", "key": "x2", "label_zh": "x", "label_en": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_entries_are_refused(org, data, field):
    count = Option.objects.count()
    with pytest.raises(FieldErrors) as e:
        option_save(actor=org.admin, data=data)
    assert field in e.value.errors
    assert Option.objects.count() == count


def test_only_admins_change_settings(org):
    rule = CadenceRuleRow.objects.get(dimension="intent", value="high")
    row = ComplaintDeadline.objects.get(urgency="critical")
    for actor in (org.ma, org.ra1):
        with pytest.raises(Forbidden):
            option_save(actor=actor, data={"kind": "industry", "key": "zz", "label_zh": "z", "label_en": "z"})
        with pytest.raises(Forbidden):
            cadence_rule_update(actor=actor, rule=rule, data={"n": 1})
        with pytest.raises(Forbidden):
            deadline_update(actor=actor, row=row, data={"response_hours": 1})
    rule.refresh_from_db(), row.refresh_from_db()
    assert (rule.n, row.response_hours) == (2, 2)
    assert not Option.objects.filter(key="zz").exists()


def test_an_edited_cadence_rule_drives_the_next_due_time(org):
    rule = CadenceRuleRow.objects.get(dimension="intent", value="high")
    cadence_rule_update(actor=org.admin, rule=rule, data={"n": 1})
    c = make_customer(org.ra1, intent="high", stage="intent")
    assert round((c.next_followup_at - c.created_at).total_seconds() / 3600) == 24
    assert c.next_followup_reason == "intent:high"
    assert AuditEntry.objects.get(object_type="followups.cadencerulerow").changes == {"n": [2, 1]}


def test_bad_cadence_and_deadline_values_are_refused(org):
    rule = CadenceRuleRow.objects.get(dimension="intent", value="medium")
    with pytest.raises(FieldErrors):
        cadence_rule_update(actor=org.admin, rule=rule, data={"n": 9})  # weekday 9
    row = ComplaintDeadline.objects.get(urgency="urgent")
    with pytest.raises(FieldErrors) as e:
        deadline_update(actor=org.admin, row=row, data={"response_hours": 10, "resolve_hours": 5})
    assert list(e.value.errors) == ["resolve_hours"]
    with pytest.raises(FieldErrors):
        deadline_update(actor=org.admin, row=row, data={"response_hours": 0})
    rule.refresh_from_db(), row.refresh_from_db()
    assert (rule.n, row.response_hours, row.resolve_hours) == (0, 8, 72)


def test_changing_a_rule_recomputes_existing_customers_in_the_worker(org, django_capture_on_commit_callbacks):
    # given a high-intent customer due in two days and a low-intent one
    hot = make_customer(org.ra1, intent="high", stage="intent")
    cold = make_customer(org.ra1, intent="low", stage="closed")
    cold_due = cold.next_followup_at
    rule = CadenceRuleRow.objects.get(dimension="intent", value="high")
    # when the admin makes high intent daily (the queued task runs on commit)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cadence_rule_update(actor=org.admin, rule=rule, data={"n": 1})
    # then the hot customer's due time moved a day earlier and the cold one's did not move
    assert len(callbacks) == 1
    hot.refresh_from_db(), cold.refresh_from_db()
    assert round((hot.next_followup_at - hot.created_at).total_seconds() / 3600) == 24
    assert cold.next_followup_at == cold_due


def test_the_recompute_runs_a_bounded_number_of_queries(org, django_assert_max_num_queries):
    from huike.customers.cadence import refresh_all_cadences

    for _ in range(30):
        make_customer(org.ra1, intent="medium")
    CadenceRuleRow.objects.filter(dimension="intent", value="medium").update(kind="days", n=1)
    # rules (1) + one batch (1) + the bulk update (1 or a few) + an empty batch (1)
    with django_assert_max_num_queries(6):
        assert refresh_all_cadences(batch_size=100) == 30
