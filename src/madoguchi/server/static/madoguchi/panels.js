// Panels of other apps, loaded after the page: each placeholder names its fragment's address
// in data-panel and holds a plain link to the full page, which stays when the fragment cannot
// be read (offline, logged out, an error). The fragment comes with the session's cookies and
// replaces the placeholder as it is (an empty fragment: nothing to show).
document.addEventListener("DOMContentLoaded", () => {
  for (const slot of document.querySelectorAll("[data-panel]")) {
    fetch(slot.dataset.panel, {
      credentials: "same-origin",
      redirect: "error",
      headers: { Accept: "text/html" },
    })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fragment = document.createElement("template");
        fragment.innerHTML = html;
        slot.replaceWith(fragment.content);
      })
      .catch(() => slot.removeAttribute("aria-busy"));
  }
});
