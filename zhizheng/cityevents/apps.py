from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityeventsConfig(AppConfig):
    name = "zhizheng.cityevents"
    label = "cityevents"
    verbose_name = _("City events")
