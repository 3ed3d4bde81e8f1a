from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "huike.followups"
    label = "followups"
