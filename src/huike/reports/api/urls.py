from django.urls import path

from .views import DistributionView

urlpatterns = [path("reports/distribution/", DistributionView.as_view(), name="report-distribution")]
