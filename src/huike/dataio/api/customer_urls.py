"""Routes under /api/v1/customers/ that the customers API includes before its {id} route."""
from django.urls import path

from . import views

urlpatterns = [
    path("customers/export/", views.CustomerExportView.as_view(), name="customer-export"),
    path("customers/<int:pk>/merge/", views.CustomerMergeView.as_view(), name="customer-merge"),
]
