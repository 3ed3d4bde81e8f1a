"""Every URL pattern of the project, read from the root resolver (pages and API alike)."""
from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver



@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "api:customer-detail" or "customers:detail"
    pattern: str
    params: tuple[str, ...]  # the URL's keyword arguments, e.g. ("pk",)
    is_api: bool

    @property
    def record_param(self) -> str | None:
        """The URL argument that names a record (pk, customer_pk …): the ownership columns apply to it."""
        return next((p for p in self.params if p == "pk" or p.endswith("_pk")), None)


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield namespace, prefix + str(p.pattern), p


def all_routes() -> list[Route]:
    out = {}
    for namespace, pattern, p in _walk(get_resolver().url_patterns):
        assert p.name, f"a route without a name: {pattern}"
        name = namespace + p.name
        params = tuple(p.pattern.regex.groupindex)
        out[name] = Route(name, pattern, params, name.startswith("api:"))
    return sorted(out.values(), key=lambda r: r.name)
