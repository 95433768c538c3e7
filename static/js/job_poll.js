// The job page (web/job.html) asks for its status until the job has finished (ADR 0017).
// A static file, not an inline script: the Content-Security-Policy allows only these.
(function () {
  var box = document.getElementById("job-status");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (html !== box.innerHTML) { box.innerHTML = html; }
        if (!box.querySelector("[data-finished]")) { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
