// Keeps the site pages a member opens readable on this phone without the server (the
// service worker saves each site's offline page), and forgets them all on logout.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var panel = document.getElementById("offline-use");
  var sitePath = panel ? panel.getAttribute("data-site") : null;

  function send(message) {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (!panel || data.site !== sitePath) return;
    var state = panel.querySelector(".offline-state");
    var pin = panel.querySelector("button.pin");
    if (data.type === "saved" || data.type === "status") {
      if (data.saved) {
        var at = new Date(data.saved);
        var text = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", month: "numeric", day: "numeric",
          weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
        state.textContent = panel.getAttribute("data-saved-label").replace("{at}", text);
      }
      if (typeof data.pinned === "boolean" && pin) {
        pin.setAttribute("aria-pressed", data.pinned ? "true" : "false");
        pin.textContent = data.pinned ? pin.getAttribute("data-on-label") : pin.getAttribute("data-off-label");
      }
    } else if (data.type === "not-saved") {
      state.textContent = panel.getAttribute("data-failed-label");
    }
  });

  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
    send({ type: "refresh" });
    if (sitePath) {
      send({ type: "save", site: sitePath });
      send({ type: "status", site: sitePath });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (panel) {
      panel.hidden = false;
      var pin = panel.querySelector("button.pin");
      if (pin) pin.addEventListener("click", function () {
        send({ type: "pin", site: sitePath, on: pin.getAttribute("aria-pressed") !== "true" });
      });
    }
    // Logging out forgets every saved site on this device (the server's answer also tells
    // the browser to clear them); the form is sent once the caches are gone.
    var forms = document.querySelectorAll("form.logout");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        var form = event.target;
        if (form.getAttribute("data-forgotten")) return;
        event.preventDefault();
        var done = function () { form.setAttribute("data-forgotten", "1"); form.submit(); };
        caches.keys().then(function (keys) {
          return Promise.all(keys.map(function (k) { return caches.delete(k); }));
        }).then(done, done);
      });
    }
  });
})();
