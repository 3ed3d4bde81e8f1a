from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("new/<int:customer_pk>/", views.followup_create_view, name="create"),
    path("<int:pk>/edit/", views.followup_edit_view, name="edit"),
    path("review/", views.review_queue_view, name="review"),
    path("review/bulk/", views.review_bulk_view, name="review_bulk"),
    path("<int:pk>/review/", views.review_action_view, name="review_action"),
    path("overdue/", views.overdue_view, name="overdue"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
]
