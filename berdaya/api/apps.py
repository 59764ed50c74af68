from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "berdaya.api"
    label = "api"
    verbose_name = "API"
