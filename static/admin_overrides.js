/* Accessibility fixes for the Django admin's vendored widgets (see admin_overrides.css).

   Select2 (used by autocomplete_fields) draws a search box for multi-selects with no
   label; give each one the label of the select it stands for, also for boxes that
   Select2 draws later. */
(function () {
  "use strict";

  function labelFor(container) {
    var select = container.previousElementSibling;
    if (!select || select.tagName !== "SELECT" || !select.id) {
      return "";
    }
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function labelSearchBoxes(root) {
    root.querySelectorAll(".select2-container .select2-search__field").forEach(function (field) {
      if (field.hasAttribute("aria-label")) {
        return;
      }
      var name = labelFor(field.closest(".select2-container"));
      field.setAttribute("aria-label", name ? "Search " + name : "Search");
    });
  }

  /* The single-select Select2 box (role="combobox") points its name at the rendered choice,
     which is empty until something is chosen: name it, and its inner textbox, by the label. */
  function labelComboboxes(root) {
    root.querySelectorAll(".select2-container .select2-selection[role=combobox]").forEach(function (box) {
      if (box.hasAttribute("data-named")) {
        return;
      }
      var name = labelFor(box.closest(".select2-container"));
      if (!name) {
        return;
      }
      box.setAttribute("data-named", "");
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", name);
      box.querySelectorAll("[role=textbox]").forEach(function (inner) {
        inner.setAttribute("aria-label", name);
      });
    });
  }

  /* The filter_horizontal widget's help icons are plain spans: an aria-label is not allowed
     on them (axe aria-prohibited-attr); their text is the help itself, kept as a title. */
  function fixHelpIcons(root) {
    root.querySelectorAll(".help-tooltip[aria-label]").forEach(function (icon) {
      if (!icon.getAttribute("role")) {
        icon.setAttribute("title", icon.getAttribute("title") || icon.getAttribute("aria-label"));
        icon.removeAttribute("aria-label");
      }
    });
  }

  /* A split date and time field has one label for two boxes: name each box. */
  function labelSplitDateTimes(root) {
    root.querySelectorAll("p.datetime input[id$='_0'], p.datetime input[id$='_1']").forEach(function (input) {
      if (input.hasAttribute("aria-label")) {
        return;
      }
      var label = document.querySelector('label[for="' + input.id.replace(/_[01]$/, "_0") + '"]') ||
        document.querySelector('label[for="' + input.id.replace(/_[01]$/, "") + '"]');
      var name = label ? label.textContent.replace(/:\s*$/, "").trim() : "";
      input.setAttribute("aria-label", (name ? name + ", " : "") + (/_0$/.test(input.id) ? "date" : "time"));
    });
  }

  function fixAll() {
    labelSearchBoxes(document);
    labelComboboxes(document);
    fixHelpIcons(document);
    labelSplitDateTimes(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    fixAll();
    new MutationObserver(fixAll).observe(document.body, { childList: true, subtree: true });
  });
})();
