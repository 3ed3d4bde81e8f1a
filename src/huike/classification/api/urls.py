from django.urls import path

from . import views

urlpatterns = [
    path("classification/runs/", views.RunListView.as_view(), name="classification-run-list"),
    path("classification/runs/<int:pk>/", views.RunDetailView.as_view(), name="classification-run-detail"),
    path("classification/approvals/", views.ApprovalQueueView.as_view(), name="classification-approvals"),
    path("classification/transitions/", views.TransitionsView.as_view(), name="classification-transitions"),
]
