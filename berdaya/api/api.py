"""The NinjaAPI: token authentication, JSON errors, our routers and those of later apps."""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI

from berdaya.api.auth import TokenAuth
from berdaya.api.routers import allocation, core, people, proposals, reports

DESCRIPTION = """
The REST API of Berdaya, for partner systems. Every request carries a personal token:
`Authorization: Bearer bdy_...` (made and revoked on the page *Akses API*, /akun/token/).
A token reads what its user may read on the pages: a regency/city user only their own region;
NIKs whole only for roles that work with identities (province administrator and verifier,
regency/city operators), masked otherwise; every read of personal data is in the audit trail.
Lists are paginated (`page`, `page_size` up to 100). Not yours and not there both answer 404.
"""


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="Berdaya API",
        version="1",
        description=DESCRIPTION,
        auth=TokenAuth(),
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    api.add_router("/", core.router)
    api.add_router("/", people.router)
    api.add_router("/", proposals.router)
    api.add_router("/", allocation.router)
    api.add_router("/", reports.router)
    # Later apps (distribution: handovers; monitoring: visits...) bring their own router
    # in berdaya/<app>/api.py (see berdaya/api/__init__.py).
    for config in apps.get_app_configs():
        if not config.name.startswith("berdaya.") or config.name == "berdaya.api":
            continue
        name = f"{config.name}.api"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(getattr(module, "API_PREFIX", "/" + config.label), router)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return api.create_response(request, {"detail": "Forbidden"}, status=403)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return api.create_response(request, {"detail": exc.messages}, status=422)

    return api


api = build()
