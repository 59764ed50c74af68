from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "berdaya.programs"
    label = "programs"
    verbose_name = "Programs"
