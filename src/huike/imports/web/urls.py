from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/preview/", views.import_preview, name="preview"),
    path("<int:pk>/start/", views.import_start_view, name="start"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/resume/", views.import_resume_view, name="resume"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
    path("<int:pk>/errors.<str:fmt>", views.import_error_file, name="error_file"),
]
