"""What a rule can do (R-7.1). Each action is a JSON dict with a "type"; perform() does one ActionRun.

Writes go through the owning services (customer_update, reminders_create, notify), never .save().
"""
from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huike.accounts.models import Role, User

from .domain.conditions import render
from .events import current_rule
from .models import ActionRun, Reminder

TYPES = {
    "set_field": gettext_lazy("Set a field"),
    "add_tag": gettext_lazy("Add a tag"),
    "create_reminder": gettext_lazy("Create a task for the owner"),
    "notify": gettext_lazy("Notify"),
    "email": gettext_lazy("Send an email"),
    "message": gettext_lazy("Send an SMS or IM"),
    "cadence_reminders": gettext_lazy("Cadence reminders (built in)"),
    "complaint_escalation": gettext_lazy("Complaint deadline escalation (built in)"),
}
SET_BASED_LABEL = {"cadence_reminders", "complaint_escalation"}
RECIPIENTS = {"owner": gettext_lazy("Owner"), "manager": gettext_lazy("Owner's manager"),
              "user": gettext_lazy("A user")}
SETTABLE = ("intent", "stage", "industry", "source", "customer_type", "company_size", "remarks", "purchase_cycle",
            "budget", "expected_close_date", "lost_reason")


class ActionFailed(Exception):
    pass


def validate(actions: list[dict]) -> list[str]:
    """Problems with an action list, as messages (empty when fine)."""
    problems = []
    if not isinstance(actions, list) or not actions:
        return [_("Add at least one action.")]
    for a in actions:
        kind = a.get("type") if isinstance(a, dict) else None
        if kind not in TYPES:
            problems.append(_("Unknown action %(type)s.") % {"type": kind})
        elif kind == "set_field" and a.get("field") not in SETTABLE:
            problems.append(_("Choose a field the rule may set."))
        elif kind == "add_tag" and not str(a.get("tag", "")).strip():
            problems.append(_("Enter the tag to add."))
        elif kind in ("notify", "email", "message") and a.get("to") not in (*RECIPIENTS, "address"):
            problems.append(_("Choose who receives the message."))
        elif kind in ("create_reminder", "notify") and not str(a.get("title", "")).strip():
            problems.append(_("Enter a title."))
    return problems


def describe(action: dict, record: dict | None = None) -> str:
    """One line for the dry run: what the action would do to this record."""
    record = record or {}
    kind = action.get("type")
    label = str(TYPES.get(kind, kind))
    if kind == "set_field":
        return f"{label}: {action.get('field')} → {action.get('value')}"
    if kind == "add_tag":
        return f"{label}: {action.get('tag')}"
    if kind in ("create_reminder", "notify", "email", "message"):
        who = str(RECIPIENTS.get(action.get("to", "owner"), action.get("address") or action.get("to") or ""))
        text = render(str(action.get("title") or action.get("subject") or action.get("text") or ""), record)
        return f"{label} ({who}): {text}" if kind != "create_reminder" else f"{label}: {text}"
    return label


def system_actor() -> User:
    """Rule edits are recorded in the audit log under the first admin (rules are admins' work)."""
    actor = (User.objects.filter(is_active=True).filter(role=Role.ADMIN).order_by("id").first()
             or User.objects.filter(is_active=True, is_superuser=True).order_by("id").first())
    if actor is None:
        raise ActionFailed("no active admin to act as")
    return actor


def perform(run: ActionRun) -> None:
    action, customer = run.action, run.customer
    handler = _HANDLERS.get(action.get("type"))
    if handler is None:
        raise ActionFailed(f"unknown action {action.get('type')!r}")
    if customer is None or customer.deleted_at is not None:
        return  # the record is gone; nothing to do
    token = current_rule.set(run.rule_id)
    try:
        handler(run, action, customer)
    finally:
        current_rule.reset(token)


def _record(customer) -> dict:
    return {"name": customer.name, "code": customer.code, "contact_name": customer.contact_name,
            "owner": str(customer.owner) if customer.owner_id else "", "intent": customer.intent,
            "stage": customer.stage}


def _recipients(action: dict, customer) -> list[User]:
    to = action.get("to", "owner")
    if to == "owner":
        return [customer.owner] if customer.owner_id else []
    if to == "manager":
        team = customer.owner.team if customer.owner_id else None
        return [team.manager] if team and team.manager_id else []
    if to == "user":
        user = User.objects.filter(pk=action.get("user"), is_active=True).first()
        return [user] if user else []
    return []


def _set_field(run, action, customer) -> None:
    from huike.customers.services import customer_update

    if action.get("field") not in SETTABLE:
        raise ActionFailed(f"field {action.get('field')!r} may not be set by a rule")
    if str(getattr(customer, action["field"]) or "") == str(action.get("value") or ""):
        return
    customer_update(actor=system_actor(), customer=customer, data={action["field"]: action.get("value")})


def _add_tag(run, action, customer) -> None:
    from huike.customers.services import customer_update

    names = sorted(customer.tags.values_list("name", flat=True))
    if action["tag"] not in names:
        customer_update(actor=system_actor(), customer=customer, data={"tags": names + [action["tag"]]})


def _create_reminder(run, action, customer) -> None:
    from .services import reminders_create

    if not customer.owner_id:
        return
    due = timezone.now() + dt.timedelta(days=int(action.get("due_in_days") or 0))
    record = _record(customer)
    reminders_create([Reminder(user_id=customer.owner_id, customer=customer, key=run.key, source="rule",
                               title=render(action["title"], record)[:200],
                               body=render(action.get("body", ""), record), due_at=due)])


def _notify(run, action, customer) -> None:
    from huike.notifications.services import notify

    record = _record(customer)
    url = reverse("customers:detail", args=[customer.pk])
    for user in _recipients(action, customer):
        notify(user=user, title=render(action["title"], record), body=render(action.get("body", ""), record),
               url=url, kind="rule", key=f"{run.key}:u{user.pk}")


def _email(run, action, customer) -> None:
    from huike.notifications.providers import DeliveryError, send_email

    record = _record(customer)
    to = [action["address"]] if action.get("to") == "address" else [u.email for u in _recipients(action, customer)]
    for address in filter(None, to):
        try:
            send_email(to=address, title=render(action.get("subject") or action.get("title", ""), record),
                       body=render(action.get("body", ""), record), url="")
        except DeliveryError as e:
            raise ActionFailed(str(e)) from e


def _message(run, action, customer) -> None:
    from huike.notifications.models import ChannelPreference
    from huike.notifications.providers import DeliveryError, message_provider

    channel = "im" if action.get("channel") == "im" else "sms"
    if action.get("to") == "address":
        targets = [action.get("address", "")]
    else:
        prefs = ChannelPreference.objects.filter(user__in=_recipients(action, customer))
        targets = [p.im_handle if channel == "im" else p.phone for p in prefs]
    record = _record(customer)
    for target in filter(None, targets):
        try:
            message_provider().send(channel=channel, to=target, title=render(action.get("title", ""), record),
                                    body=render(action.get("text", ""), record), url="")
        except DeliveryError as e:
            raise ActionFailed(str(e)) from e


_HANDLERS = {"set_field": _set_field, "add_tag": _add_tag, "create_reminder": _create_reminder,
             "notify": _notify, "email": _email, "message": _message}
