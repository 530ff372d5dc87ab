// A text over its limit is said before the form is sent (textarea[data-max]): the text stays
// in the field as typed, with the limit and its length now beside it. Without this script
// the server says the same and gives the form back with the text (server/bounds.py).
document.addEventListener("DOMContentLoaded", () => {
  const count = (n) => n.toLocaleString("en-US");
  const say = (field) => {
    const max = Number(field.dataset.max);
    let note = field.parentElement.querySelector(".length-error");
    const over = field.value.length > max;
    if (!over) {
      if (note) note.remove();
      return false;
    }
    if (!note) {
      note = document.createElement("p");
      note.className = "errorlist length-error";
      note.setAttribute("role", "alert");
      field.after(note);
    }
    note.textContent = (field.dataset.maxMessage || "").replace("{count}", count(field.value.length));
    return true;
  };
  for (const form of document.querySelectorAll("form")) {
    const fields = form.querySelectorAll("textarea[data-max]");
    if (!fields.length) continue;
    for (const field of fields) field.addEventListener("change", () => say(field));
    form.addEventListener("submit", (event) => {
      const over = [...fields].filter(say);
      if (over.length) {
        event.preventDefault();
        over[0].focus();
      }
    });
  }
});
