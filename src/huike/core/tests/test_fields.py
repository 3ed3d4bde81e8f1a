"""PlainJSONField: JSON kept as written (PostgreSQL `json`), read back as the same Python values."""
import pytest
from django.db import connection

from huike.classification.models import Result
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def test_a_plain_json_document_reads_back_as_written(org):
    # given a customer's evidence with nesting, a list, a null, Chinese text and large integers
    customer = make_customer(org.ra1)
    evidence = {"run": None, "as_of": "2026-10-31", "features": {"amt_annual": 1_500_000_000_00, "proactive": 0},
                "rfm": [5, 4, 3], "note": "战略客户", "value_class_pending": False}
    # when it is saved through the ORM and read again
    Result.objects.create(customer=customer, evidence=evidence)
    # then it is equal, on either engine
    assert Result.objects.get(customer=customer).evidence == evidence
    assert list(Result.objects.filter(customer=customer).values_list("evidence", flat=True)) == [evidence]


def test_a_plain_json_update_keeps_the_other_keys(org):
    # given a stored document (as an approval rewrites one key of it)
    customer = make_customer(org.ra1)
    Result.objects.create(customer=customer, evidence={"value_class": "key", "value_class_pending": True})
    result = Result.objects.get(customer=customer)
    # when one key is changed and saved
    result.evidence = {**result.evidence, "value_class_pending": False}
    result.save(update_fields=["evidence"])
    # then the document holds both keys, the changed one with its new value
    assert Result.objects.get(customer=customer).evidence == {"value_class": "key", "value_class_pending": False}


def test_evidence_is_stored_as_json_text_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores every JSON document as text")
    # when the evidence column's type is looked up
    with connection.cursor() as cur:
        cur.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 'classification_result' "
                    "AND column_name = 'evidence'")
        # then it is json (kept as written), not jsonb
        assert cur.fetchone() == ("json",)
