/* Berdaya follow-up visits service worker (version __VERSION__), scope {{ scope|escapejs }}:
   keeps the static files and the visit pages a facilitator opened (or kept on purpose), so
   they open where there is no signal. Forms are not sent from here: visits-offline.js queues
   them in IndexedDB and sends them when the phone is back online. Referrals and exhibitions
   are never kept: only the visit lists, the units and their visit forms. */
"use strict";
const STATIC_CACHE = "berdaya-visits-static-__VERSION__";
const PAGE_CACHE = "berdaya-visits-pages";
const ASSETS = [{% for a in assets %}"{{ a|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const PAGES = [{% for p in pages %}"{{ p|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const PREFIXES = [{% for p in prefixes %}"{{ p|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(ASSETS);
    try {
      const page = await fetch(OFFLINE_URL, { credentials: "same-origin" });
      if (page.ok && !page.redirected) await (await caches.open(PAGE_CACHE)).put(OFFLINE_URL, page);
    } catch (err) { /* no signal while installing: cached on the next visit */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("berdaya-visits-static-") && name !== STATIC_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function isVisitPage(url, request) {
  const html = request.mode === "navigate" || (request.headers.get("Accept") || "").includes("text/html");
  return html && (PAGES.includes(url.pathname) || PREFIXES.some((p) => url.pathname.startsWith(p)));
}

async function networkFirst(request) {
  const cache = await caches.open(PAGE_CACHE);
  try {
    const response = await fetch(request);
    // A page answered after a redirect is the sign-in page: never keep it as this page.
    if (response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request, { ignoreVary: true, ignoreSearch: false });
    if (cached) return cached;
    const offline = await cache.match(OFFLINE_URL);
    if (offline) return offline;
    throw err;
  }
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(STATIC_CACHE);
  const cached = await cache.match(request);
  const refresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  }).catch(() => cached);
  return cached || refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(request));
  } else if (isVisitPage(url, request)) {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache-urls") {
    event.waitUntil((async () => {
      const cache = await caches.open(PAGE_CACHE);
      let done = 0;
      for (const u of data.urls || []) {
        try {
          const response = await fetch(u, { credentials: "same-origin" });
          if (response.ok && !response.redirected) { await cache.put(u, response); done += 1; }
        } catch (err) { /* keep going */ }
      }
      if (event.source) event.source.postMessage({ type: "cached", count: done });
    })());
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGE_CACHE));
  }
});
