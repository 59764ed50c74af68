from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "berdaya.verification"
    label = "verification"
    verbose_name = "Verification"
