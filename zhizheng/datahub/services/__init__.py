"""State changes of the data hub: the catalogue, the base-registry loader, sharing and the data API."""

from zhizheng.datahub.services.apps import (
    app_authenticate,
    app_register,
    app_revoke,
    call_admit,
    usage_record,
)
from zhizheng.datahub.services.catalogue import (
    ItemSpec,
    ResourceSpec,
    resource_create,
    resource_publish,
    resource_register,
    resource_return,
    resource_snapshot,
    resource_submit,
    resource_update,
)
from zhizheng.datahub.services.data_access import DataPage, data_read
from zhizheng.datahub.services.open_data import OPEN_CATALOGUE, open_catalogue_load, resource_tags_set
from zhizheng.datahub.services.registry_load import BASE_RESOURCES, LoadResult, registry_resources_load
from zhizheng.datahub.services.sharing import (
    Issued,
    RequestSpec,
    deadline_state,
    deadline_states,
    grant_revoke,
    request_approve,
    request_create,
    request_deadlines_check,
    request_reject,
)

__all__ = [
    "BASE_RESOURCES",
    "OPEN_CATALOGUE",
    "DataPage",
    "Issued",
    "ItemSpec",
    "LoadResult",
    "RequestSpec",
    "ResourceSpec",
    "app_authenticate",
    "app_register",
    "app_revoke",
    "call_admit",
    "data_read",
    "deadline_state",
    "deadline_states",
    "grant_revoke",
    "open_catalogue_load",
    "registry_resources_load",
    "request_approve",
    "request_create",
    "request_deadlines_check",
    "request_reject",
    "resource_create",
    "resource_publish",
    "resource_register",
    "resource_return",
    "resource_snapshot",
    "resource_submit",
    "resource_tags_set",
    "resource_update",
    "usage_record",
]
