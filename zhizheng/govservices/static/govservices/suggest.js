// Type-ahead for the service search box: the WAI-ARIA combobox pattern over the options HTMX puts in the listbox.
// Arrow keys move through the options, Enter opens the highlighted one, Escape closes the list.
(function () {
  "use strict";
  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    var active = -1;
    function options() { return Array.prototype.slice.call(list.querySelectorAll('[role="option"]')); }
    function close() {
      list.innerHTML = ""; active = -1;
      input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function open(option) { window.location.href = option.getAttribute("data-href"); }
    list.addEventListener("htmx:afterSwap", function () {
      active = -1; input.removeAttribute("aria-activedescendant");
      input.setAttribute("aria-expanded", options().length ? "true" : "false");
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail && event.detail.target === list) {
        active = -1; input.setAttribute("aria-expanded", options().length ? "true" : "false");
      }
    });
    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" && all.length) { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp" && all.length) { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0 && all[active]) { event.preventDefault(); open(all[active]); }
    });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) { event.preventDefault(); open(option); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[role="combobox"][aria-controls]').forEach(setup);
  });
})();
