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

  // "Copy" beside a citation (data-copy names the element whose text it copies): shown only
  // where the clipboard can be written; without it the text is there to select.
  document.addEventListener("DOMContentLoaded", function () {
    if (!navigator.clipboard) return;
    var buttons = document.querySelectorAll("[data-copy]");
    for (var i = 0; i < buttons.length; i++) buttons[i].hidden = false;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    var source = button && document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent).then(function () { button.textContent = "Copied"; });
  });
})();
