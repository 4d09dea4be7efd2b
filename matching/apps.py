from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Matching and mentorships"

    def ready(self) -> None:
        from matching import signals

        signals.connect()
