// The macro previews' run-time picker. Everything here also works without it: "Show" reloads
// the page for the picked time. (The schedule editor needs no script: it posts as a form, and
// CSS shows runAt for the cycles it applies to.)
(function () {
  "use strict";

  // A macro preview's run time only draws: it must not reach the row's form, whose change
  // event saves the value. Captured at the document, before the row form hears it.
  function showPicked(input) {
    const block = input.closest(".macro-block");
    if (!block || !window.htmx) return;
    const url = input.dataset.macroUrl + "?at=" + encodeURIComponent(input.value);
    window.htmx.ajax("GET", url, { target: block, swap: "outerHTML" }).then(() => {
      const again = document.getElementById(input.id);
      if (again) again.focus();
    });
  }

  document.addEventListener(
    "change",
    (event) => {
      const input = event.target.closest && event.target.closest("[data-macro-time]");
      if (!input) return;
      event.stopPropagation();
      showPicked(input);
    },
    true,
  );

  document.addEventListener(
    "keydown",
    (event) => {
      const input = event.target.closest && event.target.closest("[data-macro-time]");
      if (!input || event.key !== "Enter") return;
      event.preventDefault();
      event.stopPropagation();
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
