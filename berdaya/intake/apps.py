from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "berdaya.intake"
    label = "intake"
    verbose_name = "Intake"
