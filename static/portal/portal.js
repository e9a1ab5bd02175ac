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
        // The sentences come from the page, in the reader's language.
        var template = length >= min
          ? (counter.dataset.templateOk || "{count} characters: long enough to submit")
          : (counter.dataset.template || "{count} of at least {min} characters");
        counter.textContent = template.replace("{count}", length).replace("{min}", min);
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
    // Sent back to a form further down the page (#upload): the eye goes to its field in error, the summary on
    // top stays for whoever scrolls up.
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var invalid = target && target.querySelector(".field-error input, .field-error select, .field-error textarea");
    if (invalid) { invalid.focus(); return; }
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function languageSwitcher() {
    // Choosing a language switches at once; the button is there for pages without JavaScript.
    document.querySelectorAll("[data-language-switcher]").forEach(function (form) {
      var select = form.querySelector("select");
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  // A count as people write it (70B, 2T, 700亿, 13,000,000,000), said back in words as it is typed; the server
  // parses it the same way (approvals/numbers.py) and says it back after saving.
  var SCALES = { k: 1e3, thousand: 1e3, m: 1e6, mn: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9,
                 t: 1e12, tn: 1e12, trillion: 1e12 };
  var UNITS = { "千": 1e3, "万": 1e4, "亿": 1e8 };

  function parseCount(text) {
    var cleaned = text.trim().toLowerCase().replace(/[,\uff0c_\s]/g, "");
    var match = /^([0-9]+(?:\.[0-9]+)?)([a-z]*|[千万亿]*)$/.exec(cleaned);
    if (!match) { return null; }
    var scale = 1;
    if (match[2]) {
      if (SCALES[match[2]]) { scale = SCALES[match[2]]; }
      else if (/^[千万亿]+$/.test(match[2])) { match[2].split("").forEach(function (unit) { scale *= UNITS[unit]; }); }
      else { return null; }
    }
    var value = parseFloat(match[1]) * scale;
    return Math.abs(value - Math.round(value)) < 1e-6 ? Math.round(value) : null;
  }

  function short(value) {
    return (Math.round(value * 100) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function inWords(value) {
    var chinese = document.documentElement.lang.indexOf("zh") === 0;
    var steps = chinese ? [["万亿", 1e12], ["亿", 1e8], ["万", 1e4]]
      : [[" trillion", 1e12], [" billion", 1e9], [" million", 1e6], [" thousand", 1e3]];
    for (var i = 0; i < steps.length; i += 1) {
      if (value >= steps[i][1]) { return short(value / steps[i][1]) + steps[i][0]; }
    }
    return String(value);
  }

  function countEcho() {
    document.querySelectorAll("input[data-count]").forEach(function (field) {
      var echo = document.querySelector("[data-words-for='" + field.id + "']");
      if (!echo) {
        echo = document.createElement("p");
        echo.className = "echo";
        echo.dataset.wordsFor = field.id;
        echo.setAttribute("aria-live", "polite");
        field.insertAdjacentElement("afterend", echo);
      }
      function update() {
        var value = parseCount(field.value);
        echo.textContent = value === null ? "" : "= " + inWords(value);
      }
      field.addEventListener("input", update);
      update();
    });
  }

  function tableScrollCues() {
    // A table wider than its box says so: a shadow on the side with more to see, updated as it scrolls.
    document.querySelectorAll("[data-table-scroll]").forEach(function (box) {
      var hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = "\u2194 " + (box.dataset.scrollHint || "");
      box.insertAdjacentElement("beforebegin", hint);
      function update() {
        var more = box.scrollWidth - box.clientWidth;
        hint.hidden = more <= 1;
        box.classList.toggle("scrolls", more > 1);
        box.classList.toggle("more-right", more > 1 && box.scrollLeft < more - 1);
        box.classList.toggle("more-left", box.scrollLeft > 1);
      }
      box.addEventListener("scroll", update, { passive: true });
      window.addEventListener("resize", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    languageSwitcher();
    countEcho();
    tableScrollCues();
    purposeCounter();
    sizingSections();
    lineFormset();
    submitOnce();
  });
  // After load: the browser's own scroll to a #fragment comes then, and would take the focus back to the page.
  window.addEventListener("load", focusErrors);
})();
