// Chipgate portal: small enhancements on top of forms that work without JavaScript.
(function () {
  "use strict";

  function purposeCounter() {
    document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      var field = document.getElementById(counter.dataset.counterFor);
      var min = parseInt(counter.dataset.min, 10);
      if (!field) { return; }
      function update() {
        var length = field.value.trim().length;
        counter.textContent = length >= min
          ? length + " characters: long enough to submit"
          : length + " of at least " + min + " characters";
        counter.classList.toggle("counter-ok", length >= min);
      }
      field.addEventListener("input", update);
      update();
    });
  }

  function sizingSections() {
    // Each purpose declares its own sizing figures: show the section of the chosen one.
    document.querySelectorAll("[data-for-categories]").forEach(function (section) {
      var category = document.getElementById(section.dataset.categoryField);
      if (!category) { return; }
      var categories = section.dataset.forCategories.split(" ");
      function update() { section.hidden = categories.indexOf(category.value) === -1; }
      category.addEventListener("change", update);
      update();
    });
  }

  function lineFormset() {
    var form = document.querySelector("[data-order-form]");
    if (!form) { return; }
    var lines = form.querySelector("[data-lines]");
    var template = form.querySelector("template[data-empty-line]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");

    function renumber() {
      var number = 0;
      lines.querySelectorAll("[data-line]").forEach(function (line) {
        if (!line.hidden) { number += 1; line.querySelector("[data-line-number]").textContent = number; }
      });
    }

    form.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-line]");
      var remove = event.target.closest("[data-remove-line]");
      if (add) {
        event.preventDefault();
        var index = parseInt(total.value, 10);
        var holder = document.createElement("div");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var line = holder.firstElementChild;
        lines.appendChild(line);
        total.value = String(index + 1);
        renumber();
        line.querySelector("select, input:not([type=hidden])").focus();
      } else if (remove) {
        event.preventDefault();
        var row = remove.closest("[data-line]");
        row.querySelector("[data-delete]").value = "on";
        row.hidden = true;
        renumber();
        var next = form.querySelector("[data-add-line]");
        if (next) { next.focus(); }
      }
    });
  }

  // The server refuses a repeated post; this only spares the person a second click's round trip.
  function submitOnce() {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-submit-once]")) { return; }
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitting) { event.preventDefault(); return; }
        form.dataset.submitting = "1";
        var button = event.submitter;
        if (button && button.hasAttribute("data-submit-once")) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        }
      });
    });
    // Coming back with the Back button restores the page as it was left: make it usable again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        delete form.dataset.submitting;
        form.querySelectorAll("[data-submit-once]").forEach(function (button) { button.disabled = false; });
      });
    });
  }

  function focusErrors() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    purposeCounter();
    sizingSections();
    lineFormset();
    submitOnce();
    focusErrors();
  });
})();
