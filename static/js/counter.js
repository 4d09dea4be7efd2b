/* Character counters for text boxes with a limit (textarea[data-counter][maxlength]).
 *
 * The count is shown under the box as the person types; a screen reader hears it once they pause,
 * not at every key. Without JavaScript the help text states the limit and the browser enforces it.
 */
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (box) {
    var limit = parseInt(box.getAttribute("maxlength"), 10);
    var shown = document.createElement("p");
    shown.className = "counter muted";
    shown.id = box.id + "_counter";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", spoken);
    box.insertAdjacentElement("afterend", shown);
    var timer = null;
    function words() {
      var left = limit - box.value.length;
      return box.value.length + " of " + limit + " characters" + (left <= 100 ? " (" + left + " left)" : "");
    }
    function update() {
      shown.textContent = words();
      shown.classList.toggle("counter-near", limit - box.value.length <= 100);
      clearTimeout(timer);
      timer = setTimeout(function () { spoken.textContent = words(); }, 1000);
    }
    box.addEventListener("input", update);
    shown.textContent = words();
  });
})();
