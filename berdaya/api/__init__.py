"""The REST API (django-ninja), under /api/, with the same permissions as the pages.

Contract for the apps built after this one (distribution, monitoring...), which sit above
`berdaya.api` in the import order and so never import from it: an app adds its endpoints in
`berdaya/<app>/api.py` with

    router = ninja.Router(tags=["handovers"])
    API_PREFIX = "/handovers"

and is mounted at /api/handovers/ when the API is built (berdaya.api.api.build). Inside:
`request.auth` is the user the bearer token acts for; read through the app's own selectors,
which apply the region scope, and answer 404 for what is not the user's (as the pages do);
check capabilities with `berdaya.accounts.scope.require`; mask NIKs with
`berdaya.core.masking.nik_for`; paginate lists with `ninja.pagination.paginate` (the class
is set in settings: page and page_size, at most 100 a page).
"""
