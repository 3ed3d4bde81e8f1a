"""All REST routes under /api/v1/ (see shared API.md); each app owns its api/urls.py."""
from django.urls import include, path

# A namespace of its own, so API route names ("api:customer-detail") never collide with page names.
app_name = "api"

urlpatterns = [
    path("", include("huike.accounts.api.urls")),
    path("", include("huike.customers.api.urls")),
    path("", include("huike.followups.api.urls")),
    path("", include("huike.transactions.api.urls")),
    path("", include("huike.service.api.urls")),
    path("", include("huike.classification.api.urls")),
    path("", include("huike.reports.api.urls")),
    path("", include("huike.automation.api.urls")),
    path("", include("huike.notifications.api.urls")),
    path("", include("huike.dataio.api.urls")),
    path("", include("huike.imports.api.urls")),
]
