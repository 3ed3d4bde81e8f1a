"""The customer table's indexes (ADR 0021): every insert and every update of an indexed column writes each of
them, so the table carries only those its queries use. A new index on it is a decision: add it here too."""
import pytest
from django.db import IntegrityError, connection, transaction

from huike.customers.models import Customer
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db

ON_BOTH = {
    # the live list, its scopes, filters and sorts (Customer.Meta.indexes)
    "customer_live_list", "customer_live_owner_search", "customer_live_ind_stage_name",
    "customers_c_stage_8a208e_idx", "customers_c_intent_236d39_idx", "customers_c_industr_38c5bd_idx",
    "customers_c_owner_i_e59fb0_idx",
    # the duplicate checks of a new customer and of an import (Customer.Meta.constraints), the duplicate scan
    "customer_phone_unique", "customer_email_unique", "customer_credit_code_unique", "customer_name_key",
    # the reports (reports migrations 0001-0003)
    "reports_customer_live_owner", "reports_customer_book", "reports_customer_stage", "reports_customer_due",
    "reports_customer_late",
}
POSTGRES = ON_BOTH | {"customers_customer_pkey", "customer_code_unique", "customer_search_trgm"}
# SQLite: the code's unique index is the table's own; the search has its FTS5 table (migration 0004)
SQLITE = ON_BOTH | {"sqlite_autoindex_customers_customer_1"}


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename = 'customers_customer'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers_customer'")
        return {name for (name,) in cursor.fetchall()}


def test_the_customer_table_carries_only_the_indexes_its_queries_use():
    # given the migrated schema
    # when the customer table's indexes are listed
    found = _indexes()
    # then they are exactly the list, filter, duplicate-check and report indexes: none on created_at,
    # next_followup_at, owner or created_by alone, and no pattern-matching twin of the code's or the name key's
    assert found == (POSTGRES if connection.vendor == "postgresql" else SQLITE)


def test_two_customers_still_cannot_share_a_code(org):
    # given two customers
    first, second = make_customer(org.ra1), make_customer(org.ra1)
    # when the second is given the first one's code
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.filter(pk=second.pk).update(code=first.code)
    # then the unique index refused it and the codes are unchanged
    assert Customer.objects.get(pk=second.pk).code != first.code
