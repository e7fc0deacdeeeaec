// Poll the audit's status and reload the receipt when it has finished (no manual reload needed).
(function () {
  var section = document.querySelector("[data-status-url]");
  if (!section) return;
  var url = section.getAttribute("data-status-url");
  var text = document.getElementById("progress-text");
  var delay = 1500;
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        if (text && s.status === "running") text.textContent = "Reading the form and checking it against the rules.";
        delay = Math.min(delay * 1.3, 5000);
        setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
