"""Shared helpers for page views: error translation, pagination, HTMX-aware redirects."""
from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import Forbidden, NotFound

PAGE_SIZE = 50


def domain_errors(view):
    """Out-of-scope records become 404 and forbidden actions 403, as on the API."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except Forbidden as e:
            raise PermissionDenied(e.message) from None

    return wrapper


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE, count: int | None = None) -> Page:
    """A page of `queryset`; `count`, when the caller already knows it exactly, spares the COUNT query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached property: this is its cached value
    return paginator.get_page(request.GET.get("page"))


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that HTMX follows as a full page load (HX-Redirect) instead of swapping it in."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string minus `names` (for pagination and sort links that keep filters)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def form_errors_from(form, errors: dict[str, list[str]], field_map: dict[str, Any] | None = None) -> None:
    """Put a service's FieldErrors under the matching form fields (others go to the form's top)."""
    field_map = field_map or {}
    for field, messages in errors.items():
        target = field_map.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def mark_invalid(form) -> None:
    """Bootstrap's red outline on every field that has an error."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            css = widget.attrs.get("class", "")
            if "is-invalid" not in css:
                widget.attrs["class"] = f"{css} is-invalid".strip()
