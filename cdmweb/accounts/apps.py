from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cdmweb.accounts"
    label = "accounts"
