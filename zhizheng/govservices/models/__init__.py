"""govservices models: the catalogue (``catalogue``), applications (``applications``), the certificates
attached to them (``attachments``), what the proactive service sent (``services.proactive``), supervision warnings
(``supervision``), ratings, rectifications and visits (``ratings``).

Each area of the app keeps its models in its own module; import them from here.
"""

from zhizheng.govservices.models.applications import Application, ApplicationEvent
from zhizheng.govservices.models.attachments import CertificateAttachment
from zhizheng.govservices.models.catalogue import (
    CERTIFICATE_TYPE_CODE,
    ITEM_CODE,
    LIFE_EVENT_CODE,
    CatalogueRevision,
    ClickCount,
    LifeEvent,
    LifeEventStage,
    Material,
    ServiceItem,
    Theme,
)
from zhizheng.govservices.models.catalogue import (
    _validate_text_list as _validate_text_list,  # migrations 0001-0004 name it here
)
from zhizheng.govservices.models.life_event_cases import LifeEventCase
from zhizheng.govservices.models.messages import ApplicationMessage
from zhizheng.govservices.models.payments import Payment, PaymentNotification, SandboxOrder
from zhizheng.govservices.models.proactive import EligibilityNotice
from zhizheng.govservices.models.ratings import Rating, Rectification, Visit
from zhizheng.govservices.models.supervision import SupervisionWarning
from zhizheng.govservices.models.workflow import ProcessStep

__all__ = [
    "CERTIFICATE_TYPE_CODE",
    "ITEM_CODE",
    "LIFE_EVENT_CODE",
    "Application",
    "ApplicationEvent",
    "ApplicationMessage",
    "CatalogueRevision",
    "CertificateAttachment",
    "ClickCount",
    "EligibilityNotice",
    "LifeEvent",
    "LifeEventCase",
    "LifeEventStage",
    "Material",
    "Payment",
    "PaymentNotification",
    "ProcessStep",
    "Rating",
    "Rectification",
    "SandboxOrder",
    "ServiceItem",
    "SupervisionWarning",
    "Theme",
    "Visit",
]
