"""What a report page shows: sections, each a chart and the table behind it, every number linked."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from huike.customers import options
from huike.customers.models import Intent, RelationshipType, Stage, ValueClass, ValueTier
from huike.service.models import Urgency

CHOICES = {"stage": Stage, "intent": Intent, "value_tier": ValueTier, "value_class": ValueClass,
           "relationship_type": RelationshipType, "urgency": Urgency}
OPTION_KINDS = {"industry": "industry", "source": "source", "lost_reason": "lost_reason"}


def label_of(kind: str, key) -> str:
    """The words for a stored key, in the user's language; '' is "Not set"."""
    if key in ("", None):
        return _("Not set")
    if kind in CHOICES:
        return str(dict(CHOICES[kind].choices).get(key, key))
    if kind in OPTION_KINDS:
        return options.label(OPTION_KINDS[kind], key)
    return str(key)


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # text | int | money | rate | num


@dataclass
class Section:
    id: str
    title: str
    chart: str  # pie | bar | line | funnel
    columns: list[Column]
    rows: list[dict]  # values by column key; row["_links"] = {column key: url}
    series: list[str]  # the columns drawn (the first column is the category)
    total: dict | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def cells(self):
        """Rows as [(column, display, raw, url)] for the template."""
        out = []
        for row in [*self.rows, *([self.total] if self.total else [])]:
            links = row.get("_links", {})
            out.append([(c, display(c.kind, row.get(c.key)), row.get(c.key), links.get(c.key)) for c in self.columns])
        return out

    def chart_data(self) -> dict:
        first = self.columns[0].key
        by_key = {c.key: c for c in self.columns}
        return {
            "id": self.id, "type": self.chart, "title": self.title,
            "categories": [str(r.get(first, "")) for r in self.rows],
            "links": [r.get("_links", {}).get(self.series[0]) for r in self.rows],
            "series": [{"name": by_key[k].label, "kind": by_key[k].kind,
                        "data": [chart_number(by_key[k].kind, r.get(k)) for r in self.rows]} for k in self.series],
        }


def chart_number(kind: str, value):
    if value is None:
        return None
    if kind == "rate":
        return round(float(value) * 100, 1)
    return float(value) if isinstance(value, (Decimal, str)) else value


def display(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return f"¥{Decimal(value):,.2f}"
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "num":
        return f"{float(value):,.1f}"
    return str(value)
