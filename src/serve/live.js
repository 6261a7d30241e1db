// sitrep serve: reload this page after each successful rebuild, and show build
// errors over the page until the next good build. Injected only by `serve`.
(() => {
  const script = document.currentScript;
  const loaded = Number(script && script.dataset.generation);
  const events = new EventSource("/__sitrep/events");
  let overlay = null;

  events.addEventListener("built", (e) => {
    if (Number(e.data) !== loaded) location.reload();
    else hide();
  });
  events.addEventListener("failed", (e) => show(JSON.parse(e.data).message));

  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "sitrep-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#f3f3f3;padding:2rem;font:14px/1.5 ui-monospace,monospace";
      const title = document.createElement("h2");
      title.textContent = "sitrep: the last rebuild failed (showing the last good build)";
      title.style.cssText = "color:#ff6b6b;font:bold 16px system-ui,sans-serif;margin:0 0 1rem";
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(title, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = message;
  }

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }
})();
