"""State changes of the data hub: the catalogue, the base-registry loader, sharing and the data API."""

from zhizheng.datahub.services.catalogue import (
    ItemSpec,
    ResourceSpec,
    resource_create,
    resource_publish,
    resource_return,
    resource_snapshot,
    resource_submit,
    resource_update,
)
from zhizheng.datahub.services.data_access import DataPage, data_read
from zhizheng.datahub.services.registry_load import BASE_RESOURCES, LoadResult, registry_resources_load
from zhizheng.datahub.services.sharing import (
    Issued,
    RequestSpec,
    deadline_state,
    grant_revoke,
    request_approve,
    request_create,
    request_deadlines_check,
    request_reject,
)

__all__ = [
    "BASE_RESOURCES",
    "DataPage",
    "Issued",
    "ItemSpec",
    "LoadResult",
    "RequestSpec",
    "ResourceSpec",
    "data_read",
    "deadline_state",
    "grant_revoke",
    "registry_resources_load",
    "request_approve",
    "request_create",
    "request_deadlines_check",
    "request_reject",
    "resource_create",
    "resource_publish",
    "resource_return",
    "resource_snapshot",
    "resource_submit",
    "resource_update",
]
