from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People and programs"

    def ready(self) -> None:
        # Signal receivers: the sign-in lockout's counters, token revocation on sign-out,
        # and verification's return to review.
        from accounts import signals, signin, tokens  # noqa: F401
