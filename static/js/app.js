// Deadlines: show the viewer's local time and a live countdown next to the AoE time the
// server rendered. No inline scripts anywhere (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function countdownText(ms) {
    if (ms <= 0) { return "closed"; }
    var s = Math.floor(ms / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (d > 0) { return plural(d, "day") + " " + plural(h, "hour") + " left"; }
    if (h > 0) { return plural(h, "hour") + " " + plural(m, "minute") + " left"; }
    return plural(m, "minute") + " " + plural(sec, "second") + " left";
  }

  function localText(date) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "your time";
    return "= " + date.toLocaleString(undefined, {
      weekday: "short", day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }) + " " + zone;
  }

  function refresh(root) {
    var now = Date.now();
    (root || document).querySelectorAll("[data-deadline]").forEach(function (el) {
      // The stated second is the last open one: the deadline closes a second later.
      var closesAt = new Date(el.getAttribute("data-deadline")).getTime() + 1000;
      var local = el.querySelector("[data-local]");
      var countdown = el.querySelector("[data-countdown]");
      if (local && local.hidden) { local.textContent = localText(new Date(closesAt - 1000)); local.hidden = false; }
      if (countdown) {
        countdown.textContent = countdownText(closesAt - now);
        countdown.classList.toggle("urgent", closesAt - now < 86400000 && closesAt > now);
        countdown.hidden = false;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    refresh(document);
    setInterval(function () { refresh(document); }, 1000);
    document.body.addEventListener("htmx:afterSwap", function (e) { refresh(e.target); });
    // Buttons marked data-once disable themselves on submit: a double click sends one request.
    document.body.addEventListener("submit", function (e) {
      e.target.querySelectorAll("button[data-once]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (e) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
      });
    });
  });
})();
