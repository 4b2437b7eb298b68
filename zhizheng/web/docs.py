"""The interactive API documentation at /api/v1/docs, served from vendored Swagger UI (deployments are offline)."""

from __future__ import annotations

from ninja.openapi.docs import Swagger


class VendoredSwagger(Swagger):
    """Swagger UI from ``static/vendor/swagger-ui`` with no call to any outside host (no online validator)."""

    template = "web/api_docs.html"

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None, "tryItOutEnabled": False, "displayOperationId": True})
