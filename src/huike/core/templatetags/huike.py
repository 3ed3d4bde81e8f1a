"""Template filters and tags shared by every page: labels, badges, phones, relative times, links."""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

STAGE_COLOURS = {"potential": "secondary", "intent": "primary", "closed": "success", "lost": "dark"}
INTENT_COLOURS = {"high": "danger", "medium": "warning", "low": "info"}
REVIEW_COLOURS = {"pending": "warning", "approved": "success", "returned": "danger"}


@register.filter
def option_label(key: str, kind: str) -> str:
    """{{ customer.industry|option_label:"industry" }} → 制造业 / Manufacturing."""
    from huike.customers import options

    return options.label(kind, key)


@register.filter
def phone(e164: str) -> str:
    from huike.customers.domain.phones import display_phone

    return display_phone(e164)


@register.filter
def reltime(value: dt.datetime | None) -> str:
    """"3 days ago" / "in 2 hours", short enough for a table cell."""
    if not value:
        return ""
    seconds = (value - timezone.now()).total_seconds()
    past, span = seconds < 0, abs(seconds)
    if span < 60:
        return _("just now")
    # Literal ngettext calls, so that makemessages extracts the units.
    for size, words in (
        (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
        (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
        (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    ):
        if span >= size:
            n = int(span // size)
            amount = words(n) % {"n": n}
            return (_("%(time)s ago") if past else _("in %(time)s")) % {"time": amount}
    return ""


def _badge(colour: str, text: str, extra: str = ""):
    return format_html('<span class="badge rounded-pill text-bg-{} {}">{}</span>', colour, extra, text)


@register.simple_tag
def stage_badge(customer):
    return _badge(STAGE_COLOURS.get(customer.stage, "secondary"), customer.get_stage_display(), "badge-stage")


@register.simple_tag
def intent_badge(customer):
    return _badge(INTENT_COLOURS.get(customer.intent, "secondary"), customer.get_intent_display(), "badge-intent")


@register.simple_tag
def review_badge(followup):
    return _badge(REVIEW_COLOURS.get(followup.review_status, "secondary"), followup.get_review_status_display(),
                  "badge-review")


@register.filter
def due_reason(key: str) -> str:
    """The cadence reason key ("intent:high", "stage:potential", "planned") in words."""
    from huike.customers.models import Intent, Stage, ValueClass

    if not key:
        return ""
    if key == "planned":
        return _("as planned in the last follow-up")
    dimension, _sep, value = key.partition(":")
    if dimension == "stage" and value in Stage.values:
        return _("stage rule: %(label)s") % {"label": Stage(value).label}
    if dimension == "intent" and value in Intent.values:
        return _("intent rule: %(label)s") % {"label": Intent(value).label}
    if dimension == "value_class" and value in ValueClass.values:
        return _("value class rule: %(label)s") % {"label": ValueClass(value).label}
    return key


@register.filter
def is_past(value: dt.datetime | None) -> bool:
    return bool(value and value < timezone.now())


@register.filter
def initials(user) -> str:
    name = str(user or "?").strip()
    return name[:1].upper() if name else "?"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def filesize(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
