/* Masanchi Sources: citation links open the source panel; the panel scrolls to the highlight;
   the compare view's present mode (one point at a time, arrow keys, Esc). No outside requests. */
(function () {
  "use strict";
  const BRIDGE = "#ms-cite-bridge textarea, #ms-cite-bridge input";
  const GO = "#ms-cite-go";

  /* A link carries ?doc=…&start=…&end=… (the chat strips data-* attributes). */
  function refOf(link) {
    const q = new URL(link.href, window.location.href).searchParams;
    return q.get("doc") ? q.get("doc") + ":" + q.get("start") + ":" + q.get("end") : null;
  }

  function openRef(ref) {
    const box = document.querySelector(BRIDGE);
    const go = document.querySelector(GO);
    if (!box || !go) return false;
    box.value = ref;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(function () { go.click(); }, 60);
    return true;
  }

  document.addEventListener("click", function (ev) {
    const link = ev.target.closest ? ev.target.closest("a.ms-cite, a.ms-open") : null;
    if (!link || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    const ref = refOf(link);
    if (!ref) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (document.querySelector(".ms-presenting")) present(false);
    openRef(ref);
  }, true);

  /* When the viewer shows a new highlight, scroll the panel to it and move focus there. */
  let lastArticle = null;
  function onViewerChange() {
    const article = document.querySelector("#ms-viewer .ms-article");
    if (!article || article === lastArticle) return;
    lastArticle = article;
    const mark = article.querySelector("mark.ms-hl");
    if (!mark) return;
    [60, 300, 900].forEach(function (ms) { setTimeout(function () { reveal(mark, article); }, ms); });
  }
  function reveal(mark, article) {
    const panel = document.querySelector("#ms-panel");
    if (!panel || !mark.isConnected) return;
    let box = panel.getBoundingClientRect();
    if (box.bottom > window.innerHeight + 1 && box.top > 0) {  /* wide screen: fit the panel */
      window.scrollBy({ top: box.top - 8, behavior: "instant" });
      box = panel.getBoundingClientRect();
    }
    const top = Math.max(box.top, 0);
    const bottom = Math.min(box.bottom, window.innerHeight);
    const m = mark.getBoundingClientRect();
    if (m.top < top || m.bottom > bottom) panel.scrollTop += m.top - (top + (bottom - top) / 3);
    if (document.activeElement !== article) article.focus({ preventScroll: true });
  }
  new MutationObserver(onViewerChange).observe(document.documentElement,
    { childList: true, subtree: true });

  /* ---- present mode */
  let current = 0;
  function cards() { return Array.from(document.querySelectorAll(".ms-compare .ms-card")); }
  function show(i) {
    const all = cards();
    if (!all.length) return;
    current = (i + all.length) % all.length;
    all.forEach(function (c, k) { c.classList.toggle("ms-current", k === current); });
    const nav = document.querySelector(".ms-present-nav span");
    if (nav) nav.textContent = (current + 1) + " / " + all.length;
  }
  function present(on) {
    const root = document.querySelector(".ms-compare");
    if (!root) return;
    root.classList.toggle("ms-presenting", on);
    let nav = root.querySelector(".ms-present-nav");
    if (on && !nav) {
      nav = document.createElement("div");
      nav.className = "ms-present-nav";
      nav.innerHTML = '<button type="button" data-step="-1">◀ Previous</button><span></span>' +
        '<button type="button" data-step="1">Next ▶</button>' +
        '<button type="button" data-step="0">Close (Esc)</button>';
      nav.addEventListener("click", function (ev) {
        const b = ev.target.closest("button");
        if (!b) return;
        const step = Number(b.dataset.step);
        if (step === 0) present(false); else show(current + step);
      });
      root.appendChild(nav);
    }
    if (on) {
      root.setAttribute("role", "dialog");
      root.setAttribute("aria-modal", "true");
      show(current);
      root.querySelector(".ms-present-nav button[data-step='1']").focus();
    } else {
      root.removeAttribute("role");
      root.removeAttribute("aria-modal");
      if (nav) nav.remove();
      const btn = document.querySelector("#ms-present");
      if (btn) btn.focus();
    }
  }
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("#ms-present")) present(true);
  });
  document.addEventListener("keydown", function (ev) {
    if (document.querySelector(".ms-presenting")) {
      if (ev.key === "ArrowRight" || ev.key === "PageDown") { show(current + 1); ev.preventDefault(); }
      else if (ev.key === "ArrowLeft" || ev.key === "PageUp") { show(current - 1); ev.preventDefault(); }
      else if (ev.key === "Escape") { present(false); ev.preventDefault(); }
      return;
    }
    if (ev.key === "Escape" && document.activeElement &&
        document.activeElement.closest && document.activeElement.closest("#ms-panel")) {
      const close = document.querySelector("#ms-close");
      if (close) close.click();
    }
  });
  window.msPresent = present;
})();
