from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cdmweb.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.utils import translation as django_translation

        from cdmweb import translation

        # The job core and the catalogue speak the user's language without importing Django.
        translation.install(django_translation.gettext, django_translation.ngettext, django_translation.get_language)

        from .language import remember_choice_made_before_login

        user_logged_in.connect(remember_choice_made_before_login, dispatch_uid="remember_choice_made_before_login")
