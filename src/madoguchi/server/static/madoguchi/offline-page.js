// The saved page of a site, read on the phone with or without the server: whether each
// desk is open now, from the open spans the server worked out for 14 days (holidays
// included), compared with the phone's clock; and a copy button beside each ID.
// The same lines run inline in the single saved file (no fetch, nothing external).
(function () {
  "use strict";
  var TOKYO = { timeZone: "Asia/Tokyo" };
  function tokyo(date) {
    var p = {};
    new Intl.DateTimeFormat("ja-JP", Object.assign({ year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short" }, TOKYO))
      .formatToParts(date).forEach(function (part) { p[part.type] = part.value; });
    return p;
  }
  function words(date, now) {
    var t = tokyo(date), n = tokyo(now);
    var clock = t.hour + ":" + t.minute;
    if (t.year === n.year && t.month === n.month && t.day === n.day) return "きょう " + clock;
    return t.month + "月" + t.day + "日(" + t.weekday + ") " + clock;
  }
  function status(spans, saved, until, now) {
    if (now > until) return { open: null, text: "保存から14日を過ぎたため、受付中かどうかはわかりません。受付時間を見てください。" };
    if (now < saved) return { open: null, text: "端末の時計が保存より前です。受付時間を見てください。" };
    if (!spans) return { open: null, text: "受付時間がわかりません (要確認)。" };
    for (var i = 0; i < spans.length; i++) {
      var start = new Date(spans[i][0]), end = new Date(spans[i][1]);
      if (start <= now && now < end) {
        return { open: true, text: end >= until ? "受付中" : "受付中 (" + words(end, now) + " まで)" };
      }
      if (now < start) return { open: false, text: "受付時間外・" + words(start, now) + " から" };
    }
    return { open: false, text: "受付時間外・この先14日は受付なし" };
  }
  function show() {
    var source = document.getElementById("offline-data");
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var now = new Date(), saved = new Date(data.saved), until = new Date(data.until);
    var nodes = document.querySelectorAll("[data-entry]");
    for (var i = 0; i < nodes.length; i++) {
      var s = status(data.spans[Number(nodes[i].getAttribute("data-entry"))], saved, until, now);
      nodes[i].textContent = (s.open === true ? "● " : s.open === false ? "○ " : "? ") + s.text;
      nodes[i].className = "open-now " + (s.open === true ? "open" : s.open === false ? "closed" : "unknown");
    }
    var clock = document.getElementById("offline-clock");
    if (clock) clock.textContent = "いま " + words(now, new Date(0)) + " (この端末の時計)";
  }
  function copyButtons() {
    if (!navigator.clipboard) return;
    var values = document.querySelectorAll("dd.copy");
    for (var i = 0; i < values.length; i++) {
      (function (value) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy-button";
        button.textContent = "コピー";
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(value.getAttribute("data-copy-value")).then(function () {
            button.textContent = "コピーしました";
          });
        });
        value.appendChild(document.createTextNode(" "));
        value.appendChild(button);
      })(values[i]);
    }
  }
  function start() { show(); copyButtons(); setInterval(show, 60000); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
