// memgit viewer: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // "/" focuses the search box, as on most code hosts.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var box = document.querySelector("[data-slash-focus]");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
  // Changing a filter menu runs the search again.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (menu) {
    menu.addEventListener("change", function () { if (menu.form) { menu.form.submit(); } });
  });
  // Clicking a citation copies it, ready to paste into a prompt or a PR.
  document.querySelectorAll("[data-copy]").forEach(function (item) {
    item.addEventListener("click", function () {
      if (!navigator.clipboard) { return; }
      navigator.clipboard.writeText(item.getAttribute("data-copy")).then(function () {
        item.classList.add("copied");
        item.setAttribute("title", "copied");
      });
    });
  });
})();
