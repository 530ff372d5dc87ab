// The party and option pickers: a filter box above each <select data-picker>. Without
// JavaScript the <select> works alone. Names are compared as the server compares them
// (engine.catalog.name_key): width and case folded, no spaces, hyphens or 光/ひかり.
(function () {
  "use strict";

  function key(text) {
    var folded = text.normalize("NFKC").toLowerCase().replace(/[\s・\-‐]/g, "");
    ["ひかり", "hikari", "光"].forEach(function (word) {
      folded = folded.split(word).join("");
    });
    return folded;
  }

  function enhance(select) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    input.autocomplete = "off";
    input.placeholder = select.getAttribute("data-picker-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    select.parentNode.insertBefore(input, select);
    var options = Array.prototype.slice.call(select.options);
    var groups = Array.prototype.slice.call(select.querySelectorAll("optgroup"));

    input.addEventListener("input", function () {
      var needle = key(input.value);
      var first = null;
      options.forEach(function (option) {
        var always = option.hasAttribute("data-always");
        var names = option.text + " " + (option.getAttribute("data-names") || "");
        var keep = always || !needle || key(names).indexOf(needle) !== -1;
        option.hidden = !keep;
        if (keep && !always && option.value && first === null) {
          first = option;
        }
      });
      groups.forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (option) {
          return !option.hidden;
        });
      });
      if (needle && first !== null) {
        select.value = first.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
