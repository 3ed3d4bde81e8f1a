"""Turning customer rows into spreadsheet cells: chosen fields, labels or raw keys, no formulas (R-11.2)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from huike.customers import options
from huike.customers.api.serializers import CUSTOMER_OUTPUT
from huike.customers.models import Customer, Intent, Kind, RelationshipType, Stage, ValueClass, ValueTier
from huike.reports.web.exports import DANGEROUS

# The API's customer fields (same names, no drift); the evidence object is no spreadsheet column.
EXPORT_FIELDS = [f for f in CUSTOMER_OUTPUT if f != "classification"]
DEFAULT_FIELDS = [
    "code", "name", "kind", "industry", "contact_name", "contact_title", "phone", "email", "credit_code",
    "province", "city", "address", "source", "owner", "intent", "stage", "tags", "next_followup_at", "created_at",
]
CHOICES = {"kind": Kind, "intent": Intent, "stage": Stage, "value_tier": ValueTier, "value_class": ValueClass,
           "relationship_type": RelationshipType}
OPTION_FIELDS = ("industry", "source", "company_size", "customer_type", "lost_reason")
# Characters XML 1.0 cannot carry; openpyxl refuses a cell holding one.
_ILLEGAL_XML = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]}
_TRIGGERS = frozenset(c[0] for c in DANGEROUS)


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula (or DDE) gets a leading apostrophe."""
    return "'" + text if text.startswith(DANGEROUS) else text


def header(field: str, labels: bool) -> str:
    if not labels:
        return field
    if field == "id":
        return "ID"
    return capfirst(str(Customer._meta.get_field(field).verbose_name))


def clean_fields(requested: Iterable[str] | str | None) -> list[str]:
    """Known field names in the order asked; none asked means the default set. Unknown names are an error."""
    from huike.core.errors import FieldErrors

    if isinstance(requested, str):
        requested = [f.strip() for f in requested.split(",")]
    names = [f for f in (requested or []) if f]
    unknown = [f for f in names if f not in EXPORT_FIELDS]
    if unknown:
        raise FieldErrors.single("fields", _("Unknown field: %(names)s.") % {"names": ", ".join(unknown)})
    return list(dict.fromkeys(names)) or list(DEFAULT_FIELDS)


def _when(labels: bool) -> Callable[[Any], str]:
    tz = timezone.get_current_timezone()  # once per export, not per cell
    if labels:
        return lambda v: v.astimezone(tz).replace(tzinfo=None).isoformat(" ", "seconds") if v else ""
    return lambda v: v.astimezone(tz).isoformat() if v else ""


def _text(v) -> str:
    if not v:
        return ""
    v = v.translate(_ILLEGAL_XML)
    return "'" + v if v[0] in _TRIGGERS else v


def converter(field: str, labels: bool, owners: Callable[[int], str]) -> Callable[[Any], Any]:
    """value → cell for one field, chosen once per export: text is neutralised; ids stay numbers."""
    if field == "id":
        return lambda v: v
    if field == "owner":
        return (lambda v: neutralise(owners(v))) if labels else (lambda v: v)
    if field == "tags":
        return lambda v: neutralise(", ".join(v))
    if labels and field in CHOICES:
        names = {k: str(lbl) for k, lbl in CHOICES[field].choices}
        return lambda v: names.get(v, v or "")
    if labels and field in OPTION_FIELDS:
        names = {k: options.label(field, k) for k in options.active_keys(field)}
        return lambda v: _text(names.get(v) or options.label(field, v)) if v else ""
    kind = Customer._meta.get_field(field).get_internal_type()
    if kind == "DateTimeField":
        return _when(labels)
    if kind == "DateField":
        return lambda v: v.isoformat() if v else ""
    if kind == "BooleanField":
        yes, no = (_("Yes"), _("No")) if labels else ("true", "false")
        return lambda v: yes if v else no
    return _text


def db_columns(fields: list[str]) -> list[str]:
    return ["id" if f == "id" else "owner_id" if f == "owner" else f for f in fields if f != "tags"]


def rows(queryset, fields: list[str], labels: bool, chunk: int = 2000, viewer=None) -> Iterator[list]:
    """The rows of `queryset` as cells, read in chunks (bounded memory); tags come per chunk in one query.

    Phone and email are masked on rows `viewer` may not see in full (R-12.3), as on the pages and the API."""
    from huike.accounts.models import User

    names: dict[int, str] = {}

    def owner_name(pk: int) -> str:
        if pk not in names:
            names[pk] = str(User.objects.filter(pk=pk).first() or pk)
        return names[pk]

    convert = [_masking(f, viewer, conv) for f, conv in ((f, converter(f, labels, owner_name)) for f in fields)]
    wants_tags = "tags" in fields
    values = queryset.prefetch_related(None).values_list("pk", *db_columns(fields), "owner_id")
    batch: list[tuple] = []
    for row in values.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) >= chunk:
            yield from _emit(batch, fields, convert, wants_tags)
            batch = []
    yield from _emit(batch, fields, convert, wants_tags)


def _emit(batch: list[tuple], fields: list[str], convert: list, wants_tags: bool) -> Iterator[list]:
    tags: dict[int, list[str]] = {}
    if wants_tags and batch:
        through = Customer.tags.through
        for cid, name in through.objects.filter(customer_id__in=[r[0] for r in batch]).values_list(
                "customer_id", "tag__name"):
            tags.setdefault(cid, []).append(name)
    for row in batch:
        values, owner_id = iter(row[1:-1]), row[-1]
        out = []
        for field, conv in zip(fields, convert):
            out.append(conv(sorted(tags.get(row[0], [])) if field == "tags" else next(values), owner_id))
        yield out


def _masking(field: str, viewer, conv: Callable[[Any], Any]) -> Callable[[Any, int], Any]:
    """A converter that also takes the row's owner: phone and email pass through the R-12.3 mask."""
    from huike.accounts.policies import can_see_contacts
    from huike.customers.domain.masking import mask_email, mask_phone

    mask = {"phone": mask_phone, "email": mask_email}.get(field)
    if mask is None or viewer is None:
        return lambda v, owner_id: conv(v)
    return lambda v, owner_id: conv(v if can_see_contacts(viewer, owner_id) else mask(v))
