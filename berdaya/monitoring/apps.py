from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "berdaya.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from berdaya.monitoring import registration

        registration.register()
