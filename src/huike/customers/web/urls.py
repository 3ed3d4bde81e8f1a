from django.urls import path

from . import edit_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("new/", edit_views.customer_create_view, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", edit_views.customer_edit_view, name="edit"),
    path("<int:pk>/assign/", edit_views.customer_assign_view, name="assign"),
    path("<int:pk>/delete/", edit_views.customer_delete_view, name="delete"),
]
