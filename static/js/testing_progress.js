// The live progress of a test session (testing/attestation_testing.html): the table is
// fetched again every 10 s unless someone is typing an annulment reason in it.
(function () {
  "use strict";
  document.querySelectorAll(".testing-progress[data-url]").forEach(function (box) {
    function poll() {
      if (box.contains(document.activeElement) && document.activeElement.tagName === "TEXTAREA") {
        setTimeout(poll, 10000);
        return;
      }
      fetch(box.dataset.url, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { if (html !== box.innerHTML) { box.innerHTML = html; } })
        .catch(function () {})
        .then(function () { setTimeout(poll, 10000); });
    }
    setTimeout(poll, 10000);
  });
})();
