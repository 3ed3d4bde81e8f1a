from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "huike.dataio"
    label = "dataio"
