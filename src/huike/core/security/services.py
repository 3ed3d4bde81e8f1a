"""A user changing their own password (R-12.5): checked, recorded, and every other session ended."""
from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huike.audit.services import audit_record
from huike.core.errors import FieldErrors

from .sessions import end_sessions


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str, keep_session: str | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not user.check_password(old_password):
        errors["old_password"] = [_("The current password is incorrect.")]
    try:
        validate_password(new_password, user)
    except DjangoValidationError as e:
        errors["new_password"] = [str(m) for m in e.messages]
    if errors:
        raise FieldErrors(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="password_change", obj=user, changes={"password": ["***", "***"]})
    # Other devices and the API token are out; the browser that made the change stays signed in.
    end_sessions(user=user, keep=keep_session)
