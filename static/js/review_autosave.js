// Review drafts: htmx saves the form a moment after typing stops (hx-trigger on the form).
// This file adds what htmx cannot know about:
// - leaving the tab saves at once, closing the page sends a keepalive request that outlives it,
//   so a closed tab loses nothing that was typed;
// - clicking "Submit" right after typing blurs the field, whose "change" starts an autosave that
//   bumps the review's version: the submit then waits for that save (and its new version) so the
//   server does not mistake it for an edit from another tab; no autosave starts after a submit.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    if (!form) { return; }
    var dirty = false;
    var submitting = false;

    function submitNow() {
      submitting = true;
      dirty = false;
      HTMLFormElement.prototype.submit.call(form);
    }

    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("htmx:beforeRequest", function (event) {
      if (submitting) { event.preventDefault(); }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) { dirty = false; }
    });
    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }
      if (form.classList.contains("htmx-request")) {
        event.preventDefault();
        submitting = true;
        form.addEventListener("htmx:afterRequest", function () { setTimeout(submitNow, 0); }, { once: true });
        return;
      }
      submitting = true;
      dirty = false;
    });

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && dirty && !submitting && window.htmx) {
        window.htmx.trigger(form, "change");
      }
    });
    window.addEventListener("pagehide", function () {
      if (!dirty || submitting) { return; }
      dirty = false;
      fetch(form.getAttribute("data-autosave"), {
        method: "POST", body: new FormData(form), keepalive: true, credentials: "same-origin"
      });
    });
    // Back from the browser's page cache the version in the form may be old: reload.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { window.location.reload(); }
    });
  });
})();
