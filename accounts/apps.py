from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People and programs"

    def ready(self) -> None:
        # Signal receivers: the sign-in lockout's counters, token revocation on sign-out,
        # verification's return to review, and text stored without disguising controls.
        from django.db.models.signals import pre_save

        from accounts import signals, signin, tokens  # noqa: F401
        from accounts.text import strip_controls_on_save

        pre_save.connect(strip_controls_on_save, dispatch_uid="accounts-text-plain")
