from django.urls import path

from .views import DistributionView, FunnelView, SalesView

urlpatterns = [
    path("reports/distribution/", DistributionView.as_view(), name="report-distribution"),
    path("reports/sales/", SalesView.as_view(), name="report-sales"),
    path("reports/funnel/", FunnelView.as_view(), name="report-funnel"),
]
