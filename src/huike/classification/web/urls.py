from django.urls import path

from . import admin_views, views

app_name = "classification"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("transitions/customers/", views.transition_customers_view, name="transition_customers"),
    path("customers/<int:pk>/reclassify/", views.reclassify, name="reclassify"),
    path("approvals/", views.approvals, name="approvals"),
    path("rules/", admin_views.rules, name="rules"),
    path("rules/what-if/", admin_views.rules_what_if, name="what_if"),
    path("strategies/", admin_views.strategies, name="strategies"),
    path("strategies/<int:pk>/", admin_views.strategy_edit, name="strategy_edit"),
]
