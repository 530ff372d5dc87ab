// A copy button beside each ID to read out (dd.copy): the page works without it.
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  for (const value of document.querySelectorAll("dl.ready dd.copy")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary copy-button";
    button.textContent = value.dataset.copyLabel || "Copy";
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(value.dataset.copyValue || value.textContent.trim());
      button.textContent = value.dataset.copiedLabel || "Copied";
    });
    value.append(" ", button);
  }
});
