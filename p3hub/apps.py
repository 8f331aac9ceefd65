from django.apps import AppConfig


class P3HubConfig(AppConfig):
    name = "p3hub"
    verbose_name = "P3 Hub platform"
