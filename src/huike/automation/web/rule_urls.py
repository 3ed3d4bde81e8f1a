from django.urls import path

from . import rules

app_name = "rules"
urlpatterns = [
    path("", rules.rule_list, name="list"),
    path("new/", rules.rule_edit, name="create"),
    path("dry-run/", rules.rule_dry_run, name="dry_run"),
    path("<int:pk>/", rules.rule_edit, name="edit"),
    path("<int:pk>/toggle/", rules.rule_toggle, name="toggle"),
    path("<int:pk>/delete/", rules.rule_remove, name="delete"),
    path("keywords/", rules.keyword_rule_add, name="keyword_add"),
    path("keywords/<int:pk>/delete/", rules.keyword_rule_delete, name="keyword_delete"),
    path("actions/<int:pk>/retry/", rules.action_retry, name="action_retry"),
    path("deliveries/<int:pk>/retry/", rules.delivery_retry, name="delivery_retry"),
]
