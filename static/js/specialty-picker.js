/* The specialty picker (accounts.widgets.SpecialtyPicker): a search box that filters the list as you type.
 *
 * Without JavaScript the widget is a plain select or plain checkboxes. Here the search box
 * appears; every word typed must begin a word of the field's name, its parent's name or one of
 * its other names (data-search: "cardio" finds Interventional Cardiology, "ENT" finds
 * Otolaryngology). Checkboxes that do not match are hidden and their groups closed; a select
 * keeps only the matching options (and the chosen one, so the value never changes behind the
 * person's back). The count is shown and, once typing pauses, read out by a polite live region.
 * Keys in the box: Down moves to the first match, Escape clears, Enter never submits the form.
 */
(function () {
  "use strict";

  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function matches(words, query) {
    return query.every(function (part) {
      return words.some(function (word) { return word.indexOf(part) === 0; });
    });
  }

  function wordsOf(element) {
    return normalise(element.getAttribute("data-search") || element.textContent).split(" ");
  }

  function enhance(picker) {
    var box = picker.querySelector("[data-picker-search]");
    var input = box.querySelector("input");
    var status = picker.querySelector("[data-picker-count]");
    var select = picker.querySelector("select");
    var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-group]"));
    var items = Array.prototype.map.call(
      select ? select.options : picker.querySelectorAll(".choice[data-search]"),
      function (element) { return { element: element, words: wordsOf(element), keep: element.value === "" }; }
    );
    var timer = null;
    box.hidden = false;

    function firstMatch() {
      if (select) return select;
      var shown = picker.querySelector(".choice:not([hidden]) input");
      return shown && shown.closest("[data-picker-group]").open ? shown : null;
    }

    function announce(found, query) {
      clearTimeout(timer);
      var text = "";
      if (query.length) {
        text = found === 0 ? "No field matches." : found + (found === 1 ? " field matches." : " fields match.");
      }
      timer = setTimeout(function () { status.textContent = text; }, query.length ? 500 : 0);
    }

    function filter() {
      var query = normalise(input.value);
      query = query ? query.split(" ") : [];
      var found = 0;
      if (select) {
        var chosen = select.value;
        var kept = items.filter(function (item) {
          var hit = !item.keep && matches(item.words, query);
          if (hit) found += 1;
          return hit || item.keep || item.element.value === chosen;
        });
        select.replaceChildren.apply(select, kept.map(function (item) { return item.element; }));
        select.value = chosen;
      } else {
        items.forEach(function (item) {
          var hit = matches(item.words, query);
          item.element.hidden = !hit;
          if (hit) found += 1;
        });
        groups.forEach(function (group) {
          var any = group.querySelector(".choice:not([hidden])") !== null;
          group.hidden = !any;
          group.open = query.length ? any : group.querySelector("input:checked") !== null;
        });
      }
      announce(found, query);
    }

    function countChosen(group) {
      var chosen = group.querySelectorAll("input:checked").length;
      group.querySelector("[data-picker-chosen]").textContent = chosen ? "(" + chosen + " chosen)" : "";
    }

    input.addEventListener("input", filter);
    // The directory's form reloads its results on any change; typing in this box is not one.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        filter();
      } else if (event.key === "ArrowDown") {
        var target = firstMatch();
        if (target) {
          event.preventDefault();
          target.focus();
        }
      }
    });
    groups.forEach(function (group) {
      group.addEventListener("change", function () { countChosen(group); });
    });
  }

  document.querySelectorAll("[data-specialty-picker]").forEach(enhance);
})();
