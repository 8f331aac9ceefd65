from django.apps import AppConfig


class ProcurementsConfig(AppConfig):
    name = "procurements"
