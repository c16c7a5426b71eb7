// dailypapers: the little the pages need beyond htmx. Everything works without it.
(function () {
  "use strict";

  var MATH = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
      { left: "$", right: "$", display: false },
    ],
    throwOnError: false,
    trust: false,
    ignoredTags: ["script", "noscript", "style", "textarea", "pre", "code", "option", "input"],
  };

  // LaTeX in titles and abstracts (elements with class "tex"), drawn by the vendored KaTeX.
  function renderMath(root) {
    if (typeof window.renderMathInElement !== "function") return;
    var nodes = (root || document).querySelectorAll(".tex");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].textContent.indexOf("$") === -1 && nodes[i].textContent.indexOf("\\(") === -1
          && nodes[i].textContent.indexOf("\\[") === -1) continue;
      window.renderMathInElement(nodes[i], MATH);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { renderMath(document); });

  document.addEventListener("htmx:afterSwap", function (event) { renderMath(event.target); });

  // After a comment or reply is posted: empty the form; close the reply box it sat in.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList || !form.classList.contains("comment-form")) return;
    if (!event.detail.successful || event.detail.xhr.status !== 200) return;
    form.reset();
    var details = form.closest("details.reply");
    if (details) details.open = false;
  });
})();
