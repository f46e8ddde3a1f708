/* Long pages render in parts. A chapter is 20-30 phone screens; laying all of it out before
 * the page answers a tap costs a mid-range phone a few hundred milliseconds. course.css
 * therefore leaves each section (and a quiz's later questions) unrendered until it nears the
 * screen (content-visibility: auto), and this script, once the page has loaded, renders the
 * rest in idle moments.
 * Within a second or so the page is whole again: its true length, what find-in-page and
 * accessibility checkers measure. <html data-sections-rendered> says when.
 *
 * It also gives each block that scrolls (a wide table, a long code cell) a tab stop, so a
 * keyboard user can scroll it. The theme does that at load by measuring every such block,
 * which would render every section at once; the build removes the theme's pass
 * (cehcourse/theme_patch.py) and this does it part by part, as each is rendered, and again
 * when the width changes or a script adds blocks. */
(function () {
  "use strict";
  // The theme's list of blocks that may scroll (pydata-sphinx-theme 0.17,
  // addTabStopsToScrollableElements).
  var SCROLLABLE = "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, " +
    ".pst-scrollable-table-container";
  // What course.css renders lazily: the page's sections (not a quiz card, itself a <section>)
  // and the questions of a quiz's later stages. Kept equal to course.css by a test.
  var LAZY = ".bd-article section > section:not(.vignette), .vignette-stage ~ .vignette-stage .vignette-question";

  function ownLazyPart(element) {
    return element.closest(LAZY);
  }

  /* Tab stops for the blocks whose nearest lazily rendered part is *part* (null: the blocks
   * outside any). All measured first, then all set, so the page is laid out once. */
  function setTabStops(part) {
    var blocks = Array.prototype.filter.call(document.querySelectorAll(SCROLLABLE), function (block) {
      return part === undefined || ownLazyPart(block) === part;
    });
    var stops = blocks.map(function (block) {
      return block.scrollWidth > block.clientWidth || block.scrollHeight > block.clientHeight ? 0 : -1;
    });
    blocks.forEach(function (block, i) {
      if (block.tabIndex !== stops[i] || !block.hasAttribute("tabindex")) block.tabIndex = stops[i];
    });
  }

  var later = window.requestIdleCallback
    ? function (work) { window.requestIdleCallback(work, { timeout: 500 }); }
    : function (work) { window.setTimeout(work, 16); };

  var rendered = false;
  var changedMeanwhile = false;

  function renderAll(firstDeadline) {
    var parts = Array.prototype.slice.call(document.querySelectorAll(LAZY));
    setTabStops(null);
    (function next(deadline) {
      // Parts while at least half of an idle period is left (a fast device renders many in
      // one go; a slow one, one per task), measuring each so its layout happens here.
      do {
        var part = parts.shift();
        if (!part) {
          rendered = true;
          if (changedMeanwhile) setTabStops(); // the page changed while parts rendered
          document.documentElement.setAttribute("data-sections-rendered", "");
          return;
        }
        part.style.contentVisibility = "visible";
        setTabStops(part);
      } while (deadline && deadline.timeRemaining() > 25);
      later(next);
    })(firstDeadline);
  }

  // A new width, or blocks added by a script (the question bank draws its cards after the
  // page has loaded): measure again, once things settle, as the theme's pass did.
  var settling = 0;
  function remeasure() {
    window.clearTimeout(settling);
    settling = window.setTimeout(function () {
      if (rendered) setTabStops();
      else changedMeanwhile = true;
    }, 300);
  }
  window.addEventListener("resize", remeasure);
  var main = document.getElementById("main-content");
  if (main && window.MutationObserver) new MutationObserver(remeasure).observe(main, { childList: true, subtree: true });

  if (document.readyState === "complete") {
    later(renderAll);
  } else {
    window.addEventListener("load", function () { later(renderAll); });
  }
})();
