"""The admin's audit page (R-12.1): read-only, filtered by actor, action, object and date."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from huike.accounts import policies
from huike.accounts.models import User
from huike.audit.selectors import audit_list
from huike.core.web import domain_errors

PAGE_SIZE = 50
ACTIONS = {
    "create": _("Created"), "update": _("Edited"), "delete": _("Deleted"), "restore": _("Restored"),
    "purge": _("Purged"), "assign": _("Assigned"), "merge": _("Merged"), "review": _("Reviewed"),
    "export": _("Exported"), "import": _("Imported"), "login": _("Logged in"), "logout": _("Logged out"),
    "login_failed": _("Failed login"), "password_change": _("Password changed"), "import_create": _("Imported"),
    "backup": _("Backup"), "write": _("Other write"),
}


def _date(raw: str, *, end: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start + dt.timedelta(days=1) if end else start


def _filters(params) -> dict:
    actor, object_id = params.get("actor", ""), params.get("object_id", "")
    return {
        "actor": int(actor) if actor.isdigit() else None,
        "action": params.get("action", "").strip()[:30],
        "object_type": params.get("object_type", "").strip()[:50],
        "object_id": int(object_id) if object_id.isdigit() else None,
        "date_from": _date(params.get("date_from", "")),
        "date_to": _date(params.get("date_to", ""), end=True),
        "request_id": params.get("request_id", "").strip()[:64],
    }


def _rows(entries) -> list[dict]:
    # The changes are flattened here: a field named "items" or "keys" would confuse the template's lookups.
    out = []
    for e in entries:
        changes = [(field, pair[0], pair[1]) if isinstance(pair, list) and len(pair) == 2 else (field, None, pair)
                   for field, pair in (e.changes or {}).items()]
        out.append({"entry": e, "action_label": ACTIONS.get(e.action, e.action), "changes": changes})
    return out


@login_required
@domain_errors
@require_GET
def audit_list_view(request):
    policies.require_admin(request.user)
    filters = _filters(request.GET)
    page = Paginator(audit_list(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_list.html", {
        "page": page, "rows": _rows(page.object_list), "actions": sorted(ACTIONS.items()),
        "actors": User.objects.order_by("username").only("id", "username", "display_name"),
        "params": request.GET, "query": query.urlencode(),
    })
