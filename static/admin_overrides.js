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

  document.addEventListener("DOMContentLoaded", function () {
    labelSearchBoxes(document);
    new MutationObserver(function () {
      labelSearchBoxes(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
