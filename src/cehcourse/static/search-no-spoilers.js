/* Search result snippets are cut from each found page's text (Sphinx's Search.htmlToText):
 * drop the quizzes' answers and explanations and the answer key's entries first, so that a
 * search never shows a student the answer to a question. The search index itself leaves
 * them out (the quiz_html node in sphinx_ext.py), and the answer key's pages are not indexed
 * at all (nosearch), so its entries are guarded here only in case that changes. */
(function () {
  "use strict";
  var SPOILERS = ".vignette-answer, .vignette-data, .answer-key-question";

  function guard() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.cehcourse) return;
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      var page = new DOMParser().parseFromString(htmlString, "text/html");
      page.querySelectorAll(SPOILERS).forEach(function (node) { node.remove(); });
      return original(page.documentElement.outerHTML, anchor);
    };
    Search.htmlToText.cehcourse = true;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", guard);
  } else {
    guard();
  }
})();
