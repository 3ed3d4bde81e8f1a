"""Round trip (issue 5): generated customers (any Unicode) exported as csv through the export API, then imported
into an empty customer table, give the same records."""
import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huike.core.api_testing import client_for
from huike.customers.models import Customer
from huike.customers.services import customer_create
from huike.imports import services

FIELDS = ["code", "name", "kind", "industry", "contact_name", "contact_title", "phone", "email", "credit_code",
          "province", "city", "district", "address", "source", "first_contact_at", "owner", "demand", "budget",
          "purchase_cycle", "intent", "expected_close_date", "stage", "lost_reason", "tags", "remarks",
          "core_business", "proactive_collaboration", "new_demand"]
COMPARED = [f for f in FIELDS if f not in ("code", "tags", "owner")] + ["owner_id"]

# Any printable text: letters of every script, symbols, emoji, spaces inside (control characters are not
# spreadsheet text, and a leading apostrophe is the spreadsheet's own escape).
_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=25).map(
    str.strip).filter(lambda t: t and not t.startswith("'"))
_tag = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters=",，;；、|'"),
               min_size=1, max_size=12).map(str.strip).filter(bool)
_customer = st.fixed_dictionaries({
    "name": _text, "contact_name": _text, "contact_title": st.one_of(st.just(""), _text),
    "kind": st.sampled_from(["enterprise", "individual"]), "industry": st.sampled_from(["", "manufacturing", "it"]),
    "source": st.sampled_from(["", "exhibition", "referral"]), "province": _text, "city": st.just(""),
    "address": st.one_of(st.just(""), _text), "demand": st.one_of(st.just(""), _text), "remarks": _text,
    "intent": st.sampled_from(["high", "medium", "low"]), "stage": st.sampled_from(["potential", "intent", "lost"]),
    "expected_close_date": st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
    "first_contact_at": st.one_of(st.none(), st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2025, 12, 31),
                                                          timezones=st.just(dt.timezone.utc)).map(lambda d: d.replace(microsecond=0))),
    "core_business": st.booleans(), "new_demand": st.booleans(),
    "tags": st.lists(_tag, max_size=3, unique=True),
})


def _records():
    rows = []
    for c in Customer.objects.order_by("phone"):
        rows.append((tuple(getattr(c, f) for f in COMPARED), sorted(c.tags.values_list("name", flat=True))))
    return rows


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.lists(_customer, min_size=1, max_size=6))
def test_export_then_import_into_an_empty_table_gives_the_same_records(org, data):
    Customer.objects.all().delete()
    # given customers of two owners, created through the service
    for i, values in enumerate(data):
        values = {**values, "phone": f"1380000{i:04d}", "email": f"u{i}@example.com",
                  "lost_reason": "price" if values["stage"] == "lost" else ""}
        customer_create(actor=org.admin, data=values, owner=org.ra1 if i % 2 else org.rb1)
    before = _records()
    # when the admin exports them as csv with labels, the table is emptied, and the file imported
    response = client_for(org.admin).get("/api/v1/customers/export/", {"format": "csv", "labels": "true",
                                                                       "fields": ",".join(FIELDS)})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    Customer.objects.all().delete()
    job = services.import_create(actor=org.admin, upload=SimpleUploadedFile("export.csv", content), name="export.csv",
                                 size=len(content), kind="customers", draft=True)
    job.status = "queued"
    job.save(update_fields=["status"])
    job = services.import_execute(job.pk)
    # then every record is back as it was (with a new code), owners included
    assert list(job.row_errors.values_list("row", "field", "message")) == []
    assert (job.created, job.status) == (len(data), "done")
    assert _records() == before
