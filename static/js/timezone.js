/* Time-zone fields: offer the browser's own zone, for the person to confirm.
 *
 * On sign-up (data-detect-timezone) an empty field is filled with the zone the browser reports
 * (Intl.DateTimeFormat().resolvedOptions().timeZone) and a note says so; on the profile, when the
 * saved zone differs from the browser's, a note offers a button to use the browser's. Without
 * JavaScript the field is a plain searchable text box with the full list of zones.
 */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  document.querySelectorAll("input[data-timezone-input]").forEach(function (input) {
    var list = input.list;
    var known = list && Array.prototype.some.call(list.options, function (option) {
      return option.value === zone;
    });
    var note = document.getElementById(input.id + "_detected");
    if (!known || !note) {
      return;
    }
    note.textContent = "";
    if (input.hasAttribute("data-detect-timezone") && !input.value) {
      input.value = zone;
      note.appendChild(document.createTextNode(
        "Your browser says you are in " + zone + ", so we filled it in. Is that right? If not, type your own."
      ));
      note.hidden = false;
    } else if (input.value && input.value !== zone) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = "Use " + zone;
      button.addEventListener("click", function () {
        input.value = zone;
        note.textContent = "Time zone set to " + zone + ". Save to keep it.";
        input.focus();
      });
      note.appendChild(document.createTextNode("Your browser says you are in " + zone + ". "));
      note.appendChild(button);
      note.hidden = false;
    }
  });
})();
