"""All page routes; each app owns its web/urls.py."""
from django.urls import include, path

urlpatterns = [
    path("", include("huike.accounts.web.auth_urls")),  # dashboard, login, logout, language (no namespace)
    path("", include("huike.accounts.web.urls")),
    path("customers/", include("huike.customers.web.urls")),
    path("followups/", include("huike.followups.web.urls")),
    path("", include("huike.transactions.web.urls")),
    path("complaints/", include("huike.service.web.urls")),
    path("settings/system/", include("huike.configuration.web.urls")),
    path("tasks/", include("huike.automation.web.urls")),
    path("settings/automation/", include("huike.automation.web.rule_urls")),
    path("notifications/", include("huike.notifications.web.urls")),
    path("classification/", include("huike.classification.web.urls")),
    path("reports/", include("huike.reports.web.urls")),
    path("imports/", include("huike.imports.web.urls")),
    path("settings/backups/", include("huike.backups.web.urls")),
    path("settings/audit/", include("huike.audit.web.urls")),
    path("account/", include("huike.core.security.urls")),  # password change
    path("data/", include("huike.dataio.web.urls")),
    path("settings/recycle-bin/", include("huike.recycle.web.urls")),
]
