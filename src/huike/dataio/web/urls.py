from django.urls import path

from . import views

app_name = "dataio"
urlpatterns = [
    path("export/", views.export_view, name="export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("duplicates/", views.duplicates_view, name="duplicates"),
    path("duplicates/scan/", views.scan_view, name="scan"),
    path("merge/", views.merge_view, name="merge"),
    path("merges/<int:pk>/", views.merge_detail, name="merge_detail"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="merge_undo"),
]
