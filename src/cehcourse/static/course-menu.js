/* The contents button (_templates/course-menu-button.html). On a phone it opens the theme's
 * contents drawer by clicking the theme's own, wired menu button; on a desktop it hides or
 * shows the sidebar with the book theme's pst-sidebar-hidden class.
 * The "on this page" button (_templates/toggle-secondary-sidebar.html), shown below 1200 px,
 * opens the theme's drawer of the page's sections the same way; choosing a section closes
 * the drawer, so that the reader sees the section (the theme leaves it open over the page).
 * A workaround for pydata-sphinx-theme#2451 / sphinx-book-theme#988: remove when upstream
 * is fixed. */
(function () {
  "use strict";
  // The width from which the book theme shows the sidebar beside the page.
  var wide = window.matchMedia("(min-width: 992px)");

  function setup() {
    var button = document.querySelector(".course-menu-button");
    var sidebar = document.getElementById("pst-primary-sidebar");
    var drawerButton = document.querySelector("#pst-header .primary-toggle");
    if (!button || !sidebar) return;

    // What the button controls: the sidebar beside the page, or on a phone the drawer the
    // theme moves the sidebar's contents into.
    function showState() {
      if (wide.matches) {
        button.setAttribute("aria-expanded", String(!sidebar.classList.contains("pst-sidebar-hidden")));
        button.setAttribute("aria-controls", "pst-primary-sidebar");
        button.removeAttribute("aria-haspopup");
      } else {
        button.removeAttribute("aria-expanded");
        button.setAttribute("aria-controls", "pst-primary-sidebar-modal");
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
        window.requestAnimationFrame(showCurrentPage);
      } else {
        console.error("course-menu.js: the theme's contents drawer button is missing");
      }
    });
    if (wide.addEventListener) wide.addEventListener("change", showState);
    showState();
  }

  /* The drawer opens at its top, and on a case or an exercise the current page's link is two
   * screens further down: bring it to the middle of the drawer, so that the student sees
   * where they are and the pages next to it. The drawer's own scrolling box is moved, not
   * with scrollIntoView, which may also scroll the page behind the drawer. */
  function showCurrentPage() {
    var drawer = document.getElementById("pst-primary-sidebar-modal");
    if (!drawer || !drawer.open) return;
    var current = drawer.querySelectorAll(".current.reference");
    var link = current[current.length - 1];
    var box = link && link.parentElement;
    while (box && box !== drawer && !(box.scrollHeight > box.clientHeight &&
        /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box) return;
    var offset = link.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - (box.clientHeight - link.offsetHeight) / 2;
  }

  /* The section at the top of the screen, and focus on its heading: a screen reader reads
   * the section next, not the button the drawer was opened from. */
  function goTo(hash) {
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (window.location.hash !== hash) window.location.hash = hash;
    else if (target) target.scrollIntoView();
    if (!target) return;
    var heading = target.querySelector("h1, h2, h3, h4, h5, h6") || target;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  function setupPageContents() {
    var button = document.querySelector(".course-page-contents-button");
    var drawerButton = document.querySelector("#pst-header .secondary-toggle");
    var drawer = document.getElementById("pst-secondary-sidebar-modal");
    if (!button) return;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      if (drawerButton) drawerButton.click();
      else console.error("course-menu.js: the theme's page-contents drawer button is missing");
    });
    if (drawer) {
      // In the capture phase, before the theme's backdrop check (a link chosen with the
      // keyboard reports a click at 0, 0, outside the drawer, which would close it first).
      drawer.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest('a[href^="#"]');
        if (!link || !drawer.open) return;
        // Go to the section once the drawer has closed and the theme has put focus back on
        // the button, which would otherwise scroll the page back towards the top.
        event.preventDefault();
        event.stopPropagation();
        drawer.addEventListener("close", function () { goTo(link.hash); }, { once: true });
        drawer.close();
      }, true);
    }
  }

  function start() {
    setup();
    setupPageContents();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
