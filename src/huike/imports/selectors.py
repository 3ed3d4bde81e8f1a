"""Reads of import jobs: a job is seen by the user who imported it and by admins; others get 404."""
from __future__ import annotations

from django.db.models import QuerySet

from huike.accounts.models import User
from huike.core.errors import NotFound

from .models import ImportJob


def jobs_visible(user: User) -> QuerySet:
    if not user or not user.is_authenticated or not user.is_active:
        return ImportJob.objects.none()
    qs = ImportJob.objects.select_related("owner")
    return qs if user.is_admin else qs.filter(owner=user)


def job_get(user: User, pk) -> ImportJob:
    try:
        return jobs_visible(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def job_errors(job: ImportJob) -> list[dict]:
    return [{"row": r, "field": f, "message": m}
            for r, f, m in job.row_errors.order_by("row", "id").values_list("row", "field", "message")]
