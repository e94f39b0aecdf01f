"""The JSON API (Django Ninja), version 1. OpenAPI at /api/v1/openapi.json.

Each domain contributes a router; the routes call the same selectors and services as the pages.
"""

from ninja import NinjaAPI

from baladiya.cases.api import router as cases_router
from baladiya.catalogue.api import router as catalogue_router
from baladiya.concerns.api import router as concerns_router
from baladiya.organisation.api import router as organisation_router
from baladiya.organisation.api_auth import user_auth
from baladiya.plans.api import router as plans_router
from baladiya.territory.api import router as territory_router

api = NinjaAPI(
    title="Baladiya API",
    version="1",
    description=(
        "Public catalogue and territory, citizens' cases and concerns, and agents' operations. "
        "Agents authenticate with their session (browser) or, for other structures' systems, "
        "with a token. Every route is scoped like the pages: another commune's object is a 404."
    ),
    urls_namespace="api",
)
api.add_router("/territory", territory_router, tags=["territory"])
api.add_router("/organisation", organisation_router, tags=["organisation"], auth=user_auth())
api.add_router("/catalogue", catalogue_router, tags=["catalogue"])
api.add_router("", concerns_router, tags=["concerns"])
api.add_router("", cases_router, tags=["cases"])
api.add_router("", plans_router, tags=["plans"], auth=user_auth())
