// The party pickers: a filter box above each <select data-picker>. Without JavaScript the
// <select> works alone. Names are compared as the server compares them
// (engine.catalog.name_key and match_parties): width and case folded, no spaces, hyphens or
// 光/ひかり; a name equal to the text beats one that starts with it, which beats one that
// contains it (so "NTT" picks NTT東日本, not ドコモ光 whose aliases include NTTドコモ).
(function () {
  "use strict";

  function key(text) {
    var folded = text.normalize("NFKC").toLowerCase().replace(/[\s・\-‐]/g, "");
    ["ひかり", "hikari", "光"].forEach(function (word) {
      folded = folded.split(word).join("");
    });
    return folded;
  }

  // 0: a name equals the text, 1: starts with it, 2: contains it, 3: no match.
  function rank(option, needle) {
    var names = (option.getAttribute("data-names") || option.text).split("|");
    var best = 3;
    names.forEach(function (name) {
      var folded = key(name);
      if (folded === needle) {
        best = Math.min(best, 0);
      } else if (folded.indexOf(needle) === 0) {
        best = Math.min(best, 1);
      } else if (folded.indexOf(needle) !== -1) {
        best = Math.min(best, 2);
      }
    });
    return best;
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
      var best = null;
      var bestRank = 3;
      options.forEach(function (option) {
        var always = option.hasAttribute("data-always");
        var found = needle ? rank(option, needle) : 0;
        option.hidden = !always && found === 3;
        if (!always && option.value && found < bestRank) {
          best = option;
          bestRank = found;
        }
      });
      groups.forEach(function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (option) {
          return !option.hidden;
        });
      });
      if (needle && best !== null) {
        select.value = best.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  document.querySelectorAll("select[data-picker]").forEach(enhance);
})();
