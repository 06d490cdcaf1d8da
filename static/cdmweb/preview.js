// The designer's JSON preview: the last change marked and scrolled to, find, a wider preview;
// below 992 px the parts of the job as tabs. Without this file every part stays stacked and the
// preview is as the server drew it. app.js keeps the redraw bookkeeping; this reads each redraw.
(() => {
  document.documentElement.classList.add("preview-js");
  const designer = document.getElementById("designer");
  if (!designer) return;

  const load = (store, key) => { try { return window[store].getItem(key); } catch { return null; } };
  const save = (store, key, value) => { try { window[store].setItem(key, value); } catch { /* private mode */ } };
  const byId = (id) => document.getElementById(id);

  // --- the last change and find ---

  let shownPre = null; // the <pre> last looked at: a new one means the preview was redrawn
  let shownText = null;
  let shownForm = null;
  let change = null; // {start, end, removed}: lines [start, end) of the shown text are new
  let query = "";
  let current = 0; // index of the current match
  let findHadFocus = false;

  // Lines that differ between two texts: everything between their common start and common end.
  // One edit (a value, an input added, removed or moved) is one such run; O(lines), no LCS.
  function lineDiff(before, after) {
    const a = before.split("\n");
    const b = after.split("\n");
    let start = 0;
    const shorter = Math.min(a.length, b.length);
    while (start < shorter && a[start] === b[start]) start += 1;
    let endA = a.length;
    let endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA -= 1; endB -= 1; }
    return { start, end: endB, removed: endA - start };
  }

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" };
  const escape = (text) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]);

  function matchesOf(text) {
    const found = [];
    const hay = text.toLowerCase();
    const needle = query.toLowerCase();
    for (let at = needle ? hay.indexOf(needle) : -1; at !== -1; at = hay.indexOf(needle, at + needle.length)) found.push(at);
    return found;
  }

  // Redraws the <pre> from its own text: changed lines wrapped, matches marked. Only the changed
  // lines become elements, so a 500-input preview is one innerHTML of a few spans and marks.
  function decorate(pre) {
    const text = pre.textContent;
    const hits = matchesOf(text);
    if (current >= hits.length) current = 0;
    let marked = null; // where each marked line starts, in characters
    let lineClass = "pv-changed";
    if (change) {
      const lines = text.split("\n");
      let first = change.start;
      let last = change.end;
      if (last === first && change.removed) {
        // Nothing new: mark where the lines were taken out.
        lineClass = "pv-removed";
        first = Math.min(first, lines.length - 1);
        last = first + 1;
      }
      if (last > first) {
        let offset = 0;
        for (let i = 0; i < first; i += 1) offset += lines[i].length + 1;
        const starts = [];
        for (let i = first; i < last; i += 1) { starts.push(offset); offset += lines[i].length + 1; }
        marked = starts;
      }
    }
    if (!hits.length && !marked) {
      if (pre.childElementCount) pre.textContent = text;
      return { hits };
    }
    const needle = query.length;
    let hitIndex = 0;
    // Text from..to with the matches inside it marked.
    const run = (from, to) => {
      let html = "";
      let at = from;
      while (hitIndex < hits.length && hits[hitIndex] < to) {
        const hit = hits[hitIndex];
        const cls = hitIndex === current ? "pv-hit pv-current" : "pv-hit";
        html += `${escape(text.slice(at, hit))}<mark class="${cls}">${escape(text.slice(hit, hit + needle))}</mark>`;
        at = hit + needle;
        hitIndex += 1;
      }
      return html + escape(text.slice(at, to));
    };
    const note = byId("preview-changes");
    const title = note ? escape(lineClass === "pv-changed" ? note.dataset.changed : note.dataset.removed) : "";
    let html = "";
    let at = 0;
    for (const lineStart of marked || []) {
      let lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      html += `${run(at, lineStart)}<span class="pv-line ${lineClass}" title="${title}">${run(lineStart, lineEnd)}</span>`;
      at = lineEnd;
    }
    html += run(at, text.length);
    pre.innerHTML = html;
    return { hits };
  }

  // Scrolls the <pre> (never the page: the user is busy with an input elsewhere) to show el.
  function scrollWithin(pre, el, horizontally) {
    pre.scrollTop = Math.max(0, el.offsetTop - pre.clientHeight / 3);
    if (!horizontally) { pre.scrollLeft = 0; return; }
    if (el.offsetLeft < pre.scrollLeft || el.offsetLeft + el.offsetWidth > pre.scrollLeft + pre.clientWidth) {
      pre.scrollLeft = Math.max(0, el.offsetLeft - pre.clientWidth / 3);
    }
  }

  // scrollTo: "change" after a redraw, "hit" after a find, or nothing.
  function refresh(scrollTo) {
    const pre = byId("preview-json");
    if (!pre) return;
    const total = decorate(pre).hits.length;
    const count = byId("preview-find-count");
    if (count) {
      const { none, count: of } = count.dataset;
      count.textContent = !query ? "" : !total ? none : of.replace("{current}", current + 1).replace("{total}", total);
    }
    const note = byId("preview-changes");
    if (note) note.textContent = !change ? "" : change.end > change.start ? note.dataset.changed : note.dataset.removed;
    const target = scrollTo === "hit" ? pre.querySelector(".pv-current") : scrollTo === "change" ? pre.querySelector(".pv-line") : null;
    if (target) scrollWithin(pre, target, scrollTo === "hit");
  }

  // A redraw of the preview (any swap may bring one): compare the new text with the one shown.
  function previewDrawn() {
    const pre = byId("preview-json");
    if (!pre || pre === shownPre) return;
    const section = byId("preview");
    const form = section ? section.dataset.form : null;
    const text = pre.textContent;
    const edited = shownText !== null && form === shownForm && text !== shownText;
    if (edited) {
      change = lineDiff(shownText, text);
    } else if (form !== shownForm) {
      change = null; // another request form: everything differs, nothing was edited
    }
    shownPre = pre;
    shownText = text;
    shownForm = form;
    restoreFind();
    refresh(edited ? "change" : null);
  }

  function restoreFind() {
    const box = byId("preview-find");
    if (!box) return;
    box.value = query;
    if (findHadFocus) {
      box.focus();
      box.setSelectionRange(query.length, query.length);
    }
    findHadFocus = false;
  }

  function step(by) {
    const pre = byId("preview-json");
    const total = pre ? matchesOf(pre.textContent).length : 0;
    if (!total) return;
    current = (current + by + total) % total;
    refresh("hit");
  }

  document.addEventListener("input", (event) => {
    if (event.target.id !== "preview-find") return;
    query = event.target.value;
    current = 0;
    refresh("hit");
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.id !== "preview-find") return;
    if (event.key === "Enter") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && event.target.value) {
      event.preventDefault();
      event.target.value = "";
      query = "";
      refresh(null);
    }
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-find]");
    if (button) step(button.dataset.find === "previous" ? -1 : 1);
  });
  document.body.addEventListener("htmx:beforeSwap", () => {
    findHadFocus = document.activeElement && document.activeElement.id === "preview-find";
  });
  document.body.addEventListener("htmx:afterSettle", previewDrawn);
  document.body.addEventListener("htmx:afterSettle", () => showWidth()); // the header is redrawn too

  // --- the preview's width (1200 px and up) ---

  const WIDTHS = ["normal", "wide", "full"];
  let width = load("localStorage", "cdmweb.previewWidth");
  if (!WIDTHS.includes(width)) width = "normal";

  function showWidth() {
    designer.classList.toggle("preview-wide", width === "wide");
    designer.classList.toggle("preview-full", width === "full");
    document.querySelectorAll("[data-preview-width]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.previewWidth === width));
      button.classList.toggle("active", button.dataset.previewWidth === width);
    });
  }

  function setWidth(mode) {
    width = mode;
    save("localStorage", "cdmweb.previewWidth", mode);
    showWidth();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-preview-width]");
    if (button) setWidth(button.dataset.previewWidth);
  });

  // --- tabs below 992 px ---

  const narrow = window.matchMedia("(max-width: 991.98px)");
  const tablist = designer.querySelector(".designer-tabs");
  const tabs = tablist ? [...tablist.querySelectorAll("[role=tab]")] : [];
  const TABS = tabs.map((tab) => tab.dataset.tab);

  function selectTab(name, focus) {
    if (!TABS.includes(name)) return;
    designer.dataset.tab = name;
    save("sessionStorage", "cdmweb.designerTab", name);
    for (const tab of tabs) {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      tab.classList.toggle("active", on);
      if (on && focus) tab.focus();
    }
  }

  // The panels are redrawn by htmx (a side, the preview): their tab roles are set again after each swap.
  function markPanels() {
    designer.querySelectorAll("[data-tab-panel]").forEach((panel) => {
      if (narrow.matches) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", `tab-${panel.dataset.tabPanel}`);
      } else if (panel.getAttribute("role") === "tabpanel") {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
      }
    });
  }

  // Shows the part of the page holding el (a link's target, an input another script will focus):
  // its tab on a narrow screen; the inputs again if the full-width preview hid them.
  function reveal(el) {
    if (!el || !el.closest) return;
    const panel = el.closest("[data-tab-panel]");
    if (panel && narrow.matches) selectTab(panel.dataset.tabPanel, false);
    if (width === "full" && el.closest(".designer-main")) setWidth("normal");
  }
  const revealHash = (hash) => {
    try { if (hash.length > 1) reveal(byId(decodeURIComponent(hash.slice(1)))); } catch { /* not an id */ }
  };

  if (tablist) {
    designer.classList.add("designer-tabbed");
    selectTab(load("sessionStorage", "cdmweb.designerTab") || "from", false);
    markPanels();
    narrow.addEventListener("change", markPanels);
    document.body.addEventListener("htmx:afterSettle", markPanels);
    // A tab chosen by the user shows its part from the top, just under the (sticky) tab bar, even
    // when the bar was still low on the screen below the header form.
    const showPart = () => {
      const start = tablist.nextElementSibling.getBoundingClientRect().top + window.scrollY - tablist.offsetHeight;
      if (window.scrollY > start || tablist.getBoundingClientRect().top > window.innerHeight / 3) {
        window.scrollTo({ top: start, behavior: "instant" });
      }
    };
    tablist.addEventListener("click", (event) => {
      const tab = event.target.closest("[role=tab]");
      if (!tab) return;
      selectTab(tab.dataset.tab, true);
      showPart();
    });
    tablist.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(document.activeElement);
      if (index === -1) return;
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      selectTab(TABS[(moves[event.key] + tabs.length) % tabs.length], true);
      showPart();
    });
    // A link to a part of the page (#input-12 in a comment, a finding) opens that part's tab first.
    document.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (link) revealHash(link.hash);
    });
    window.addEventListener("hashchange", () => revealHash(location.hash));
    revealHash(location.hash);
    // Other scripts (the lead's designer.js) dispatch this to show an element before focusing it.
    document.addEventListener("designer:reveal", (event) => reveal(event.detail));
  }

  showWidth();
  previewDrawn();
})();
