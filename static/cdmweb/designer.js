// The designer from the keyboard: the find box ("/"), focus after add and remove, Undo, row
// shortcuts, selects that save once a choice is made, findings that lead to their input.
// Everything here is a shortcut: each action also works as a plain form post without this file.
(() => {
  const findInput = () => document.getElementById("find-input");

  // What this file says, in the page's language: the find box's data-text-* attributes hold the
  // translations (the CSP allows no inline script), with {name}/{query} to fill in; English else.
  const ENGLISH = {
    partial: "To set a value, type the input's whole key or name before “=”: “{query}” is only part of {name}.",
    noMatch: "No input of this job matches “{query}”.",
    set: "Set {name}.",
  };
  function text(key, values) {
    const own = document.getElementById("find-box")?.dataset[`text${key[0].toUpperCase()}${key.slice(1)}`];
    return Object.entries(values).reduce((message, [name, value]) => message.replaceAll(`{${name}}`, value), own || ENGLISH[key]);
  }
  const isTyping = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

  // On a phone the parts of the job are tabs (preview.js): show the one that holds the control.
  const reveal = (el) => document.dispatchEvent(new CustomEvent("designer:reveal", { detail: el }));

  function focusValue(rowId, { scroll = true } = {}) {
    const value = document.getElementById(`value-${rowId}`);
    if (!value) return false;
    reveal(value);
    if (scroll) value.closest(".input-row")?.scrollIntoView({ block: "center" });
    value.focus({ preventScroll: true });
    return true;
  }

  // Loads big groups' later rows, window after window, until row rowId is on the page.
  async function loadRowsUntil(rowId) {
    for (let round = 0; round < 40 && !document.getElementById(`value-${rowId}`); round++) {
      const loaders = [...document.querySelectorAll(".more-rows[hx-get]")];
      if (!loaders.length) break;
      await Promise.all(loaders.map((el) => htmx.ajax("GET", el.getAttribute("hx-get"), { source: el, target: el, swap: "outerHTML" })));
    }
    return Boolean(document.getElementById(`value-${rowId}`));
  }

  // --- the find box ---------------------------------------------------------------------------

  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const box = findInput();
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  const options = () => [...document.querySelectorAll("#find-results .find-go:not([aria-disabled])")];
  // Enter pressed before the list for what was typed came back: the query it was pressed on.
  let enterPending = null;
  let picking = false; // a pick on its way: a second Enter must not add it twice

  function resultsAreCurrent() {
    const results = document.getElementById("find-results");
    const box = findInput();
    return results && results.dataset.query === namePart(box.value) && !box.classList.contains("htmx-request");
  }

  // "name=value": only the name goes to the server while searching (a value never lands in a URL
  // or an access log); Enter posts the value with the pick.
  // A "/" typed out of habit while already in the box is not part of a name.
  const namePart = (text) => text.split("=")[0].replace(/^\/+/, "");
  const valuePart = (text) => (text.includes("=") ? text.slice(text.indexOf("=") + 1) : null);

  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt.id === "find-input") event.detail.parameters.find = namePart(findInput().value);
  });

  // A pick is posted from the find box itself, not from the list: the list may be redrawn by a
  // late search while the post is on its way, and the answer's events must still reach the page.
  function activate(option) {
    if (!option) return;
    const results = document.getElementById("find-results");
    const pick = option.closest("li[data-name]");
    const form = option.closest("form");
    const typed = valuePart(findInput().value);
    let values = null;
    if (typed !== null && pick && !pick.dataset.exact) {
      // A value only goes to the input named in full: a part of a name could set the wrong one.
      say(text("partial", { query: namePart(findInput().value), name: pick.dataset.name }), true);
      return;
    }
    if (typed !== null && pick && results?.dataset.addUrl && !option.getAttribute("aria-disabled")) {
      values = { side: pick.dataset.side, name: pick.dataset.name, value: typed };
      if (pick.dataset.custom) values.custom = "1";
    } else if (form) {
      values = Object.fromEntries(new FormData(form));
    }
    if (!values) { option.click(); return; }
    delete values.csrfmiddlewaretoken; // the page's headers carry the token and the version
    delete values.version;
    const url = results?.dataset.addUrl || form.getAttribute("hx-post");
    if (picking) return;
    picking = true;
    htmx.ajax("POST", url, { source: "#find-box", values, target: "#find-status", swap: "outerHTML" })
      .finally(() => { picking = false; });
  }

  function enter(list) {
    if (list.length) activate(list[0]);
    else say(text("noMatch", { query: namePart(findInput().value) }), true);
  }

  function say(text, isError = false) {
    const status = document.getElementById("find-status");
    if (!status) return;
    status.className = isError ? "small finding finding-error" : "small text-success";
    status.textContent = text;
  }

  function closeFind() {
    const box = findInput();
    const results = document.getElementById("find-results");
    if (box) box.value = "";
    if (results) { results.hidden = true; results.innerHTML = ""; results.dataset.query = ""; }
  }

  document.addEventListener("keydown", (event) => {
    const box = findInput();
    if (!box) return;
    const inResults = event.target.closest && event.target.closest("#find-results");
    if (event.target !== box && !inResults) return;
    const list = options();
    const index = list.indexOf(event.target);
    if (event.key === "Escape") {
      event.preventDefault();
      closeFind();
      box.focus();
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      (list[index + 1] || list[0])?.focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index <= 0) box.focus(); else list[index - 1].focus();
    } else if (event.key === "/" && event.target === box && !box.value) {
      event.preventDefault(); // "/" opened the box; typed again in it, it is nothing
    } else if (event.key === "Enter" && event.target === box) {
      event.preventDefault();
      say("");
      if (!namePart(box.value).trim()) return;
      if (resultsAreCurrent()) enter(list);
      else { enterPending = namePart(box.value); htmx.trigger(box, "search"); }
    }
  });

  // The results swap in whole (outerHTML): "htmx:load" is the event the new element sends.
  document.body.addEventListener("htmx:load", (event) => {
    if (event.target.id !== "find-results" || enterPending === null) return;
    if (resultsAreCurrent() && event.target.dataset.query === enterPending) {
      enterPending = null;
      enter(options());
    }
  });
  // Typing on, or a search that failed, drops an Enter still waiting: it was meant for that query.
  document.addEventListener("input", (event) => { if (event.target.id === "find-input") enterPending = null; });
  for (const failed of ["htmx:responseError", "htmx:sendError"]) {
    document.body.addEventListener(failed, (event) => { if (event.detail.elt.id === "find-input") enterPending = null; });
  }

  // A match already on the draft: go to its value (or load the page with every row, when the
  // row lies past the ones drawn up front).
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a.find-go[data-row], a.finding-link[data-focus]");
    if (!link) return;
    const target = link.dataset.row ? `value-${link.dataset.row}` : link.dataset.focus;
    const control = document.getElementById(target);
    if (!control) {
      // A row a big group has not drawn yet: load the group's rows, then go to it (or, failing
      // that, let the plain link draw the whole page).
      const rowId = link.dataset.row || (target.startsWith("value-") ? target.slice(6) : "");
      if (!rowId || !document.querySelector(".more-rows")) return;
      event.preventDefault();
      if (link.classList.contains("find-go")) closeFind();
      loadRowsUntil(rowId).then((found) => { if (found) focusValue(rowId); else location.href = link.href; });
      return;
    }
    event.preventDefault();
    if (link.classList.contains("find-go")) closeFind();
    reveal(control);
    (control.closest(".input-row") || control).scrollIntoView({ block: "center" });
    control.focus({ preventScroll: true });
  });

  // The list drops below the box while the box (or the list) is in use, and folds away otherwise.
  function showFindResults(show) {
    const results = document.getElementById("find-results");
    if (results) results.hidden = !(show && results.dataset.query);
  }
  document.addEventListener("focusin", (event) => {
    const box = document.getElementById("find-box");
    if (box) showFindResults(box.contains(event.target));
  });
  document.addEventListener("click", (event) => {
    const box = document.getElementById("find-box");
    if (box && !box.contains(event.target)) showFindResults(false);
  });

  // "name=value" set: say so, and stay in the box for the next one.
  document.body.addEventListener("input-set", (event) => {
    closeFind();
    say(text("set", { name: event.detail.name }));
    findInput()?.focus();
  });

  // A secret refused: what was typed after "=" does not stay on screen.
  document.body.addEventListener("find-drop-value", () => {
    const box = findInput();
    if (box && box.value.includes("=")) box.value = `${namePart(box.value)}=`;
  });

  // On a phone the box sits low on the first screen: bring it (and the list under it) up.
  document.addEventListener("focusin", (event) => {
    if (event.target === findInput() && window.innerWidth < 992) {
      document.getElementById("find-box")?.scrollIntoView({ block: "start" });
    }
  });

  // Escape in a row's value: back to the find box, for the next input.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.target.name !== "value" || event.target.tagName === "SELECT") return;
    if (!event.target.closest("form.input-row")) return;
    event.preventDefault();
    findInput()?.focus();
  });

  // After an add (here, in a group's footer, or an Undo): focus the new value.
  document.body.addEventListener("input-added", (event) => {
    if (document.activeElement === findInput() || document.activeElement?.closest("#find-results")) closeFind();
    focusValue(event.detail.row);
  });

  // --- row shortcuts: Alt+↑/↓ moves the row, Alt+Delete removes it --------------------------------

  let focusAfterRemove = null;

  function nextFocus(row) {
    const sibling = (direction) => {
      let el = row[direction];
      while (el && !el.matches(".input-row")) el = el[direction];
      return el;
    };
    const other = sibling("nextElementSibling") || sibling("previousElementSibling");
    if (other) return other.querySelector("[name=value]");
    return row.closest(".group-panel")?.querySelector(".add-input select, .add-input [name=custom_name]");
  }

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const row = event.target.closest && event.target.closest("form.input-row");
    if (!row || event.target.name !== "value") return;
    let button = null;
    if (event.key === "ArrowUp") button = row.querySelector("button[name=direction][value=up]");
    else if (event.key === "ArrowDown") button = row.querySelector("button[name=direction][value=down]");
    else if (event.key === "Delete") button = row.querySelector("button[formaction$='/delete/']");
    if (!button) return;
    event.preventDefault();
    if (!button.disabled) button.click();
  });

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (elt.matches && elt.matches("button[formaction$='/delete/']")) {
      const row = elt.closest("form.input-row");
      focusAfterRemove = row ? nextFocus(row) : null;
    }
  });

  // --- Undo -------------------------------------------------------------------------------------

  const undoBars = []; // in the order the removals were made: Ctrl+Z undoes the latest first
  function armUndo(bar) {
    const seconds = Number(bar.dataset.undoSeconds);
    if (!seconds || bar.dataset.armed) return;
    bar.dataset.armed = "1";
    // Another request's settle can arm a bar htmx has not processed yet (its own settle comes
    // later): process it now, so Undo or Ctrl+Z never falls back to a full-page post.
    if (window.htmx) window.htmx.process(bar);
    undoBars.push(bar);
    setTimeout(() => {
      if (!bar.isConnected) return;
      const hadFocus = bar.contains(document.activeElement);
      const next = hadFocus ? nextFocus(bar) : null;
      bar.remove();
      next?.focus();
    }, seconds * 1000);
  }

  document.body.addEventListener("htmx:afterRequest", (event) => {
    // A refused removal (someone else changed the draft) leaves the row, and the focus, in place.
    const elt = event.detail.elt;
    if (elt.matches && elt.matches("button[formaction$='/delete/']") && event.detail.xhr?.status !== 200) {
      focusAfterRemove = null;
    }
  });

  document.body.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll(".removed-row[data-undo-seconds]").forEach(armUndo);
    if (focusAfterRemove && focusAfterRemove.isConnected) focusAfterRemove.focus();
    focusAfterRemove = null;
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".removed-row[data-undo-seconds]").forEach(armUndo);
  });

  // Ctrl+Z undoes the last removal, unless the user is undoing typing in a box of their own.
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey || event.key.toLowerCase() !== "z") return;
    const el = event.target;
    if (isTyping(el) && "defaultValue" in el && el.value !== el.defaultValue) return;
    while (undoBars.length && !undoBars[undoBars.length - 1].isConnected) undoBars.pop();
    const last = undoBars[undoBars.length - 1]?.querySelector(".undo-remove");
    if (!last) return;
    event.preventDefault();
    last.click();
  });

  // --- selects save a committed choice, not every arrow-key step ---------------------------------

  // A closed <select> changes its value at each ↑/↓ (or typed letter): that is browsing, not a
  // choice. Hold those changes back; Enter, or leaving the box, commits the last one if it differs
  // from what is saved. A pick with the mouse (no key first) saves at once, as before.
  const STEP_KEYS = new Set(["ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"]);
  const browsing = new WeakSet();
  const savedValue = (select) => [...select.options].find((o) => o.defaultSelected)?.value ?? select.options[0]?.value;

  document.addEventListener("keydown", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.closest("form.input-row")) return;
    if (event.altKey) return;
    if (event.key === " ") browsing.delete(select); // opens the list: what is picked there is a choice
    else if (STEP_KEYS.has(event.key) || event.key.length === 1) browsing.add(select);
    else if (event.key === "Enter") {
      event.preventDefault();
      browsing.delete(select);
      if (select.value !== savedValue(select)) select.form.requestSubmit();
    }
  });
  document.addEventListener("change", (event) => {
    if (browsing.has(event.target)) event.stopPropagation();
  }, true);
  document.addEventListener("focusout", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !browsing.has(select)) return;
    browsing.delete(select);
    if (select.value !== savedValue(select)) select.form.requestSubmit();
  });

  // --- arriving at #input-N (a finding's link, a jump from the find box without JavaScript) -----

  document.addEventListener("DOMContentLoaded", () => {
    const match = /^#input-(\d+)$/.exec(location.hash);
    if (match) focusValue(match[1]);
  });
})();
