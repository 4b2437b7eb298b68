from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovservicesConfig(AppConfig):
    name = "zhizheng.govservices"
    label = "govservices"
    verbose_name = _("Online government services")
