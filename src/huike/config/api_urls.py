"""All REST routes under /api/v1/ (see shared API.md)."""
urlpatterns: list = []
