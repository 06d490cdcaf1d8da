// The macro previews' run-time picker. Everything here also works without it: "Show" reloads
// the page for the picked time. (The schedule editor needs no script: it posts as a form, and
// CSS shows runAt for the cycles it applies to.)
(function () {
  "use strict";

  // A macro preview's run time only draws: it must not reach the row's form, whose change
  // event saves the value. Captured at the document, before the row form hears it.
  function showPicked(input, { refocus = true } = {}) {
    const block = input.closest(".macro-block");
    if (!block || !window.htmx) return;
    const url = input.dataset.macroUrl + "?at=" + encodeURIComponent(input.value);
    window.htmx.ajax("GET", url, { target: block, swap: "outerHTML" }).then(() => {
      const again = document.getElementById(input.id);
      if (again && refocus) again.focus();
    });
  }

  // A date-time box fires "change" at each segment typed (the day, then the month…): redrawing
  // then would replace the box under the user's fingers. Show on Enter, "Show", or leaving the box.
  const edited = new WeakSet();
  document.addEventListener(
    "change",
    (event) => {
      const input = event.target.closest && event.target.closest("[data-macro-time]");
      if (!input) return;
      event.stopPropagation();
      edited.add(input);
    },
    true,
  );

  document.addEventListener("focusout", (event) => {
    const input = event.target.closest && event.target.closest("[data-macro-time]");
    if (!input || !edited.has(input)) return;
    edited.delete(input);
    showPicked(input, { refocus: false });
  });

  document.addEventListener(
    "keydown",
    (event) => {
      const input = event.target.closest && event.target.closest("[data-macro-time]");
      if (!input || event.key !== "Enter") return;
      event.preventDefault();
      event.stopPropagation();
      edited.delete(input);
      showPicked(input);
    },
    true,
  );

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-macro-show]");
    if (!button || !window.htmx) return;
    event.preventDefault();
    const input = document.getElementById("macro-at-" + button.value);
    if (input) showPicked(input);
  });
})();
