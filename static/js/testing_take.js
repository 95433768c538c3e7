// The test page (testing/take.html): every answer is saved as it is given, the timer shows
// the server's remaining seconds and resynchronises with the server every 30 s. A static
// file: the Content-Security-Policy allows no inline scripts.
(function () {
  "use strict";
  var form = document.getElementById("test-form");
  var timer = document.getElementById("timer");
  if (!form || !timer) { return; }
  var value = document.getElementById("timer-value");
  var announce = document.getElementById("timer-announce");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var answerUrl = form.dataset.answerUrl;  // …/answers/0/ — 0 is replaced by the question
  var stateUrl = timer.dataset.stateUrl;
  var deadline = Date.now() + Number(timer.dataset.remaining) * 1000;
  var announced = {};
  var closed = false;

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    value.textContent = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    [600, 300, 60].forEach(function (mark) {
      if (seconds <= mark && seconds > mark - 5 && !announced[mark]) {
        announced[mark] = true;
        announce.textContent = "Осталось " + (mark / 60) + " мин.";
      }
    });
  }
  function close(message) {
    if (closed) { return; }
    closed = true;
    var confirmDialog = document.getElementById("submit-confirm");
    if (confirmDialog && confirmDialog.open) { confirmDialog.close(); }
    form.querySelectorAll("input, button").forEach(function (el) {
      if (el.name !== "csrfmiddlewaretoken") { el.disabled = true; }
    });
    announce.textContent = message;
    value.textContent = "0:00";
    var note = document.createElement("p");
    note.setAttribute("role", "alert");
    note.textContent = message + " Ответы, сохранённые до окончания времени, учтены.";
    timer.after(note);
    setTimeout(function () { window.location.reload(); }, 3000);
  }
  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    show(left);
    if (left === 0) { close("Время тестирования истекло."); return; }
    setTimeout(tick, 500);
  }
  function resync() {
    fetch(stateUrl, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        deadline = Date.now() + state.remaining_seconds * 1000;
        if (state.status !== "open") { close("Попытка завершена."); }
      })
      .catch(function () {})
      .then(function () { if (!closed) { setTimeout(resync, 30000); } });
  }

  function chosen(id) {
    var out = [];
    form.querySelectorAll("input[name=q" + id + "]:checked").forEach(function (el) {
      out.push(el.value);
    });
    return out;
  }
  function markNav(id) {
    var answered = chosen(id).length > 0;
    var flagged = document.getElementById("flag-" + id).checked;
    document.getElementById("nav-state-" + id).textContent =
      (answered ? ", отвечен" : "") + (flagged ? ", отмечен" : "");
    document.getElementById("nav-mark-" + id).textContent =
      (answered ? " ✓" : "") + (flagged ? " ⚑" : "");
  }
  var pending = {};
  var inFlight = {};  // one request per question at a time: the last change is sent last
  var dirty = {};
  function save(id, attempt) {
    if (inFlight[id]) { dirty[id] = true; return; }
    inFlight[id] = true;
    dirty[id] = false;
    var status = document.getElementById("status-" + id);
    var body = new URLSearchParams();
    chosen(id).forEach(function (v) { body.append("option", v); });
    body.append("flagged", document.getElementById("flag-" + id).checked ? "1" : "0");
    status.textContent = "сохраняется…";
    fetch(answerUrl.replace(/\/0\/$/, "/" + id + "/"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"},
      body: body
    })
      .then(function (r) { return r.json().then(function (data) { return [r.status, data]; }); })
      .then(function (result) {
        inFlight[id] = false;
        var code = result[0], data = result[1];
        if (code === 200) {
          if (dirty[id]) { save(id, 0); return; }  // changed meanwhile: send the new answer
          status.textContent = "сохранено в " + data.saved_at;
          deadline = Date.now() + data.remaining_seconds * 1000;
        } else if (code === 409) {
          status.textContent = data.detail;
          close(data.detail);
        } else {
          status.textContent = data.detail || "Ответ не сохранён.";
        }
      })
      .catch(function () {
        inFlight[id] = false;
        // A lost connection: try again shortly; the answer is not lost on the page.
        status.textContent = "нет связи — ответ будет отправлен повторно";
        var next = (attempt || 0) + 1;
        clearTimeout(pending[id]);
        pending[id] = setTimeout(function () { save(id, next); }, Math.min(30000, 2000 * next));
      });
  }

  form.addEventListener("change", function (event) {
    var field = event.target.closest("fieldset[data-question]");
    if (!field || closed) { return; }
    var id = field.dataset.question;
    markNav(id);
    save(id, 0);
  });
  var confirmed = false;
  function saving() {
    return Object.keys(inFlight).some(function (id) { return inFlight[id]; });
  }
  // The confirmation is a modal dialog on the page, not window.confirm: it is read by a
  // screen reader, operated by Tab/Enter/Escape, and it says what is left unanswered.
  var dialog = document.getElementById("submit-confirm");
  var submitButton = document.getElementById("submit-test");
  function summary() {
    var unanswered = 0, flagged = 0;
    form.querySelectorAll("fieldset[data-question]").forEach(function (field) {
      var id = field.dataset.question;
      if (!chosen(id).length) { unanswered += 1; }
      if (document.getElementById("flag-" + id).checked) { flagged += 1; }
    });
    return "Вопросов без ответа: " + unanswered + ". Отмечено, чтобы вернуться: " + flagged + ".";
  }
  function finish() {
    confirmed = true;
    if (dialog && dialog.open) { dialog.close(); }
    form.requestSubmit(submitButton);
  }
  if (dialog && typeof dialog.showModal === "function") {
    document.getElementById("submit-confirm-yes").addEventListener("click", finish);
    document.getElementById("submit-confirm-no").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (!confirmed && !closed) { submitButton.focus(); }
    });
  } else {
    dialog = null;
  }
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || submitter.value !== "submit") { return; }
    if (!confirmed) {
      event.preventDefault();
      if (dialog) {
        document.getElementById("submit-confirm-summary").textContent = summary();
        dialog.showModal();
      } else if (window.confirm("Завершить тест? После этого изменить ответы нельзя.")) {
        finish();
      }
      return;
    }
    if (saving()) {
      // Let the answers being saved arrive first, then finish with the form's answers.
      event.preventDefault();
      setTimeout(function () { form.requestSubmit(submitter); }, 200);
    }
  });
  tick();
  setTimeout(resync, 30000);
})();
