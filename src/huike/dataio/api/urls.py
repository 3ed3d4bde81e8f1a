from django.urls import path

from . import views

urlpatterns = [
    path("exports/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
