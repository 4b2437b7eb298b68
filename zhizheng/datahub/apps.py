from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "zhizheng.datahub"
    label = "datahub"
    verbose_name = _("Data sharing and open data")
