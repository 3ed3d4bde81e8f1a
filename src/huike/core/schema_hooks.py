"""OpenAPI post-processing: what every paginated list may answer, documented once instead of per view."""
from __future__ import annotations

PAGE_NOT_FOUND = {
    "description": "No such page of the list (?page= beyond the last).",
    "content": {"application/json": {"schema": {"type": "object", "properties": {"detail": {"type": "string"}},
                                                "required": ["detail"]}}},
}


def document_page_not_found(result, generator, request, public):
    """A paginated list answers 404 for a page past the end (DRF's PageNumberPagination): say so everywhere."""
    for path in result.get("paths", {}).values():
        operation = path.get("get")
        if not operation:
            continue
        parameters = {p.get("name") for p in operation.get("parameters", [])}
        if "page" in parameters and "404" not in operation.get("responses", {}):
            operation["responses"]["404"] = PAGE_NOT_FOUND
    return result


def integer_ids_are_unsigned(result, generator, request, public):
    """<int:pk> routes match digits only: a negative id never reaches the API, so the schema must not offer it."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.setdefault("minimum", 0)
    return result
