"""Domain errors of the data hub (stable codes, translated messages)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed


class CatalogueRuleBroken(ValidationFailed):
    code = "datahub.catalogue_rule"
    message = _("The catalogue entry breaks a rule of GB/T 21063. See the errors of each field.")


class ConditionsRequired(ValidationFailed):
    code = "datahub.conditions_required"
    message = _("A resource shared on conditions must state its sharing conditions (有条件共享需注明共享条件).")


class BasisRequired(ValidationFailed):
    code = "datahub.not_shared_basis_required"
    message = _("A resource that is not shared must cite its legal or policy basis (不予共享需提供法律法规或政策依据).")


class BaseMustBeUnconditional(ValidationFailed):
    code = "datahub.base_unconditional"
    message = _("Base-registry resources are shared unconditionally (基础信息资源应无条件共享).")


class TransitionNotAllowed(InvalidTransition):
    code = "datahub.invalid_transition"
    message = _("This action is not allowed while the resource is “%(status)s”.")


class RequestDecided(InvalidTransition):
    code = "datahub.request_decided"
    message = _("The request has already been decided.")


class GrantAlreadyRevoked(InvalidTransition):
    code = "datahub.grant_already_revoked"
    message = _("The grant has already been revoked.")


class NotShareable(Conflict):
    code = "datahub.not_shareable"
    message = _("This resource is not shared or not published; it cannot be requested.")


class RequestInvalid(ValidationFailed):
    code = "datahub.request_invalid"
    message = _("The sharing request is incomplete. See the errors of each field.")


class GrantKeyInvalid(PermissionDenied):
    code = "datahub.grant_invalid"
    message = _("The grant key is missing or unknown. Present “Authorization: Bearer dh_…”.")


class GrantExpired(PermissionDenied):
    code = "datahub.grant_expired"
    message = _("The grant expired on %(when)s. Request the resource again.")


class GrantRevoked(PermissionDenied):
    code = "datahub.grant_revoked"
    message = _("The grant was revoked on %(when)s.")


class GrantWrongResource(PermissionDenied):
    code = "datahub.grant_wrong_resource"
    message = _("The grant is for resource %(granted)s, not %(asked)s.")


class FieldsNotGranted(PermissionDenied):
    code = "datahub.fields_not_granted"
    message = _("These fields are outside the grant: %(fields)s.")


class TooManyRequests(Conflict):
    """Base of the per-minute call limits (429): a grant's on the data API, an application's on the open-data portal.

    The two limits keep their own codes and messages, which clients already match on; only the status and title are
    shared here, so that a third limit cannot answer 429 under another title."""

    status = 429
    title = _("Too many requests")


class RateLimited(TooManyRequests):
    code = "datahub.rate_limited"
    message = _("The grant allows %(limit)s calls per minute. Wait a minute and try again.")


class NotServed(Conflict):
    code = "datahub.not_served"
    message = _("Resource %(code)s is catalogued but not served through the data API yet.")


class AppInvalid(ValidationFailed):
    code = "datahub.app_invalid"
    message = _("The application is incomplete. See the errors of each field.")


class AppKeyInvalid(PermissionDenied):
    code = "datahub.app_key_invalid"
    message = _("The API key is unknown, expired or revoked.")


class AppRateLimited(TooManyRequests):
    code = "datahub.app_rate_limited"
    message = _("Allowed: %(limit)s calls per minute. Wait a minute and try again.")


class AppAlreadyRevoked(InvalidTransition):
    code = "datahub.app_already_revoked"
    message = _("The application has already been revoked.")


class SchemaInvalid(ValidationFailed):
    code = "datahub.schema_invalid"
    message = _("The table schema is not valid. See the errors of each column.")
    bad_name = _("Column names are lower-case letters, digits and _ (starting with a letter, at most 63).")
    reserved_name = _("This column name is reserved.")
    duplicate_name = _("Another column has this name.")
    bad_type = _("Uploaded columns are of type C, M, N, F, Y, I, D, T or L.")
    bad_mask = _("Unknown masking.")
    bad_label = _("Every column needs a label of at most 100 characters.")
    empty = _("A table needs at least one column.")


class DatastoreNotAvailable(Conflict):
    code = "datahub.datastore_unavailable"
    message = _("Resource %(code)s has no data table that can be queried.")


class DatastoreQueryInvalid(ValidationFailed):
    code = "datahub.datastore_query"
    message = _("The data query is not valid: %(reason)s")
    unknown_field = _("unknown field “%(name)s”")
    bad_sort = _("cannot sort by “%(text)s” (use “field”, “field asc” or “field desc”)")
    bad_value = _("“%(value)s” is not a valid value for field “%(name)s”")
    bad_filter = _("filters must map field names to a value or a list of values")


def lazy_format(template: Any, **params: Any) -> Any:
    """``template % params``, rendered in whatever language is active when it is shown (problem+json renders the
    detail in Chinese and in English)."""
    return lazy(lambda: str(template) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}, str)()


class UploadInvalid(ValidationFailed):
    code = "datahub.upload_invalid"
    message = _("The file cannot be imported: %(reason)s")
    wrong_format = _("upload a .csv or .xlsx file")
    empty = _("the file is empty")
    too_large = _("the file is larger than the limit")
    bad_encoding = _("the encoding must be utf-8, utf-8-sig or gb18030")
    column_count = _("the schema must have one column per header of the file (%(count)s)")


class ImportTargetInvalid(Conflict):
    code = "datahub.import_target"
    message = _("Only catalogue entries that no registry serves can take uploaded data.")


class ImportNotAllowed(InvalidTransition):
    code = "datahub.import_transition"
    message = _("This action is not allowed while the import is “%(status)s”.")


class SealNotDue(Conflict):
    code = "datahub.seal_not_due"
    message = _("The access log of %(day)s can be sealed only after the day has ended.")


class SealExists(Conflict):
    code = "datahub.seal_exists"
    message = _("The access log of %(day)s is already sealed.")


class QualityRulesInvalid(ValidationFailed):
    code = "datahub.quality_rules_invalid"
    message = _("The quality rules are not valid. See the errors of each rule.")
