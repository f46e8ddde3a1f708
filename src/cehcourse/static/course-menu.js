/* The contents button (_templates/course-menu-button.html). On a phone it opens the theme's
 * contents drawer by clicking the theme's own, wired menu button; on a desktop it hides or
 * shows the sidebar with the book theme's pst-sidebar-hidden class. A workaround for
 * pydata-sphinx-theme#2451 / sphinx-book-theme#988: remove when upstream is fixed. */
(function () {
  "use strict";
  // The width from which the book theme shows the sidebar beside the page.
  var wide = window.matchMedia("(min-width: 992px)");

  function setup() {
    var button = document.querySelector(".course-menu-button");
    var sidebar = document.getElementById("pst-primary-sidebar");
    var drawerButton = document.querySelector("#pst-header .primary-toggle");
    if (!button || !sidebar) return;

    function showState() {
      if (wide.matches) {
        button.setAttribute("aria-expanded", String(!sidebar.classList.contains("pst-sidebar-hidden")));
        button.removeAttribute("aria-haspopup");
      } else {
        button.removeAttribute("aria-expanded");
        button.setAttribute("aria-haspopup", "dialog");
      }
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (wide.matches) {
        sidebar.classList.toggle("pst-sidebar-hidden");
        showState();
      } else if (drawerButton) {
        drawerButton.click();
      } else {
        console.error("course-menu.js: the theme's contents drawer button is missing");
      }
    });
    if (wide.addEventListener) wide.addEventListener("change", showState);
    showState();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
