"""Working without signal: the service worker and the page that shows what waits to be sent.

The service worker (served here at /sw.js so that its scope is the whole site, nothing from a
CDN) keeps the static files and the distribution pages a facilitator opened, or saved on
purpose with "keep for offline use", so they open without signal. Forms marked `data-offline`
(attendance, handover) are sent by offline.js: each record is first put in the phone's
IndexedDB with a key made on the phone, then sent; without signal it waits there and is sent
when the phone is back online. The server checks everything again, and a record sent twice
with the same key is stored once (services.handover_record).
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from berdaya.accounts.scope import require

# What every distribution page needs, cached when the service worker is installed.
ASSETS = [
    "vendor/bootstrap-5.3.8/bootstrap.min.css",
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "berdaya/app.css",
    "berdaya/app.js",
    "berdaya/icon.svg",
    "berdaya/offline-queue.js",
    "berdaya/offline.js",
]


@require_GET
def service_worker(request):
    """The service worker script. Public: it holds no data, only what to cache and how."""
    assets = [static(a) for a in ASSETS]
    body = render_to_string(
        "distribution/sw.js",
        {"assets": assets, "offline_url": "/penyaluran/luring/", "prefix": "/penyaluran/"},
    )
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = body.replace("__VERSION__", version)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # The browser checks for a new worker on each visit; never serve it from a cache.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@login_required
@require_GET
def offline_page(request):
    """What waits on this phone to be sent (read by offline.js from IndexedDB), and how it
    works. Cached by the service worker: it opens without signal too."""
    require(request.user, "distribution.view")
    return render(request, "distribution/offline.html", {})
