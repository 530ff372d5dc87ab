// Madoguchi's service worker: keeps the saved page of each site a member opened (or pinned,
// 「オフラインで使う」) and shows it when the server cannot be reached. It keeps nothing else
// of a member's data, and everything it keeps is deleted on logout.
"use strict";
const CACHE = "madoguchi-sites-v1";
const ASSETS = __ASSETS__;
const PINNED = "/__madoguchi/pinned";
const SITE_PAGE = /^\/sites\/(\d+)\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function save(sitePath) {
  // The saved page is stored under the site page's own address, so reloading that page
  // with no connection shows it.
  const response = await fetch(sitePath + "offline/", { credentials: "same-origin", redirect: "error" });
  if (!response.ok) throw new Error("not saved");
  const cache = await caches.open(CACHE);
  await cache.put(sitePath, response);
  return response.headers.get("X-Madoguchi-Saved");
}

async function pinned() {
  const response = await caches.match(PINNED);
  return response ? response.json() : [];
}

async function setPinned(paths) {
  const cache = await caches.open(CACHE);
  await cache.put(PINNED, new Response(JSON.stringify(paths), { headers: { "Content-Type": "application/json" } }));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.source && event.source.postMessage(value);
  if (data.type === "save" && SITE_PAGE.test(data.site)) {
    event.waitUntil(save(data.site).then((saved) => reply({ type: "saved", site: data.site, saved }),
      () => reply({ type: "not-saved", site: data.site })));
  } else if (data.type === "pin" && SITE_PAGE.test(data.site)) {
    event.waitUntil(pinned().then((paths) => {
      const rest = paths.filter((p) => p !== data.site);
      return setPinned(data.on ? [...rest, data.site] : rest);
    }).then(() => save(data.site)).then((saved) => reply({ type: "saved", site: data.site, saved, pinned: data.on })));
  } else if (data.type === "refresh") {
    // Pinned sites are saved again whenever a page of Madoguchi opens with the server there.
    event.waitUntil(pinned().then((paths) => Promise.all(paths.map((p) => save(p).catch(() => null)))));
  } else if (data.type === "status" && SITE_PAGE.test(data.site)) {
    event.waitUntil(Promise.all([caches.match(data.site), pinned()]).then(([response, paths]) =>
      reply({ type: "status", site: data.site, saved: response ? response.headers.get("X-Madoguchi-Saved") : null, pinned: paths.includes(data.site) })));
  } else if (data.type === "forget") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(keys.map((k) => caches.delete(k)))).then(() => reply({ type: "forgotten" })));
  }
});

function listPage(paths) {
  const links = paths.map((p) => `<li><a href="${p}">${p}</a></li>`).join("");
  const body = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>窓口 (オフライン)</title></head><body><h1>接続できません</h1><p>窓口のサーバーにつながりません。この端末に保存した拠点のページは開けます。</p><ul>${links || "<li>保存した拠点はありません。</li>"}</ul></body></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(async (response) => {
      // Sent to the login page: the session is gone (logged out elsewhere, or expired), so
      // whatever this device kept of a member's sites is forgotten too.
      if (new URL(response.url).pathname.startsWith("/accounts/login/")) {
        const keys = await caches.keys();
        await Promise.all(keys.map((k) => caches.delete(k)));
      }
      return response;
    }, async () => {
      const saved = await caches.match(url.pathname, { ignoreSearch: true });
      if (saved) return saved;
      const cache = await caches.open(CACHE);
      const keys = await cache.keys();
      return listPage(keys.map((k) => new URL(k.url).pathname).filter((p) => SITE_PAGE.test(p)));
    }));
  } else if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
