// Small progressive enhancements; every action also works as a plain form post without this file.
document.documentElement.classList.toggle("htmx-on", typeof window.htmx !== "undefined");

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(() => {
    const label = button.textContent;
    button.textContent = button.dataset.copied || "Copied"; // the page's language, from the template
    setTimeout(() => { button.textContent = label; }, 1200);
  });
});

// The first row of a group cannot move up, the last cannot move down.
function markEnds(rows) {
  if (!rows) return;
  const forms = rows.querySelectorAll(":scope > .input-row");
  forms.forEach((form, index) => {
    const [up, down] = form.querySelectorAll("button[name=direction]");
    if (up) up.disabled = index === 0;
    if (down) down.disabled = index === forms.length - 1;
  });
}

// The server answers a move with an "input-moved" event instead of redrawing the group.
document.body.addEventListener("input-moved", (event) => {
  const row = document.getElementById(`input-${event.detail.row}`);
  const other = document.getElementById(`input-${event.detail.other}`);
  if (!row || !other) return;
  // Moving a node drops the focus inside it: put it back where it was (the value, after Alt+↑/↓).
  const onValue = document.activeElement?.name === "value" && row.contains(document.activeElement);
  if (event.detail.direction === "up") other.before(row); else other.after(row);
  markEnds(row.parentElement);
  if (onValue) row.querySelector("[name=value]")?.focus();
  else row.querySelector(`button[value=${event.detail.direction}]:not(:disabled)`)?.focus();
});

// After any swap (a row added, removed or redrawn) the ends may have changed.
document.body.addEventListener("htmx:afterSettle", () => {
  document.querySelectorAll(".group-rows").forEach(markEnds);
});

// The designer's optimistic lock: every request says which version of the draft this page has
// seen, and which page it is; a change the server accepted tells us the version it made. A page's
// own overlapping requests never conflict with each other; someone else's change does.
document.body.addEventListener("htmx:configRequest", (event) => {
  const designer = document.getElementById("designer");
  if (!designer || !designer.dataset.version) return;
  event.detail.headers["X-Draft-Version"] = designer.dataset.version;
  event.detail.headers["X-Designer-Page"] = designer.dataset.page;
});
document.body.addEventListener("htmx:afterRequest", (event) => {
  const designer = document.getElementById("designer");
  const version = Number(event.detail.xhr && event.detail.xhr.getResponseHeader("X-Draft-Version"));
  if (designer && version && event.detail.successful && version > Number(designer.dataset.version)) {
    designer.dataset.version = String(version);
  }
});

// The preview redraws itself (outerHTML) after every change. A change answered while a redraw is
// in flight would be dropped (and a queued one dies with the element it was queued on), so note it
// and redraw once more when the current redraw has settled.
let previewBusy = false;
let previewStale = false;
document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (event.detail.elt.id === "preview") previewBusy = true;
});
document.body.addEventListener("draft-changed", () => {
  if (previewBusy) previewStale = true;
});
function previewDone(event) {
  if (event.detail.elt.id !== "preview" && event.target.id !== "preview") return;
  previewBusy = false;
  if (previewStale) {
    previewStale = false;
    htmx.trigger("#preview", "refresh");
  }
}
document.body.addEventListener("htmx:afterSettle", previewDone);
document.body.addEventListener("htmx:sendError", previewDone);
document.body.addEventListener("htmx:responseError", previewDone);
