// Live regions: an element with data-live="N" is fetched again every N seconds (the same page, the same element id)
// and replaced in place, unless the person is typing in it or the tab is hidden. No framework, no build step.
(function () {
  "use strict";
  function refresh(el) {
    if (document.hidden || el.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    fetch(window.location.href, { headers: { "X-Mesh-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(el.id);
        if (fresh) { el.innerHTML = fresh.innerHTML; el.dataset.updated = new Date().toISOString(); }
        el.classList.remove("stale");
      })
      .catch(function () { el.classList.add("stale"); });
  }
  document.querySelectorAll("[data-live]").forEach(function (el) {
    var seconds = Math.max(1, parseInt(el.dataset.live, 10) || 5);
    if (!el.id) return;
    setInterval(function () { refresh(el); }, seconds * 1000);
  });
})();
