// briefing preview: reload when a newer PDF is ready; show problems as they appear.
// The server pushes its state over server-sent events; this page never polls.
"use strict";
(function () {
  const shown = Number(document.body.dataset.shown);
  const status = document.getElementById("status");
  const problems = document.getElementById("problems");

  function show(state) {
    if (state.shown !== shown) {
      // A newer PDF was written: load its pages (the browser keeps the scroll position).
      location.reload();
      return;
    }
    status.textContent = state.status;
    status.className = state.building ? "building" : state.problems.length ? "failed" : "ok";
    problems.replaceChildren(...state.problems.map((text) => {
      const item = document.createElement("li");
      item.textContent = text;
      return item;
    }));
  }

  const events = new EventSource("/events");
  events.addEventListener("state", (event) => show(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    status.textContent = "lost contact with briefing preview (is it still running?)";
    status.className = "failed";
  });
})();
