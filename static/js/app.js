// Keyboard shortcuts and clickable rows. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  let pending = "";
  let pendingTimer = null;

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  function rows() {
    return Array.from(document.querySelectorAll("table[data-rows] tr[data-href]"));
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const current = all.findIndex((r) => r.classList.contains("selected"));
    const next = Math.max(0, Math.min(all.length - 1, current + step));
    all.forEach((r) => r.classList.remove("selected"));
    all[next].classList.add("selected");
    all[next].scrollIntoView({ block: "nearest" });
  }

  function shortcutTargets() {
    const map = {};
    document.querySelectorAll("[data-shortcut]").forEach((el) => {
      map[el.dataset.shortcut] = el;
    });
    return map;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key;
    if (key === "/") {
      const box = document.querySelector("[data-shortcut-focus='/']");
      if (box) { event.preventDefault(); box.focus(); }
      return;
    }
    if (key === "?") {
      const help = document.getElementById("shortcuts-help");
      if (help) help.hidden = !help.hidden;
      return;
    }
    if (key === "j") return move(1);
    if (key === "k") return move(-1);
    if (key === "Enter") {
      const selected = document.querySelector("tr.selected[data-href]");
      if (selected) window.location.assign(selected.dataset.href);
      return;
    }
    pending = pending ? pending + " " + key : key;
    clearTimeout(pendingTimer);
    pendingTimer = setTimeout(() => { pending = ""; }, 800);
    const target = shortcutTargets()[pending];
    if (target) {
      pending = "";
      target.click();
    }
  });

  document.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-href]");
    if (!row || event.target.closest("a, button, input, select, textarea")) return;
    window.location.assign(row.dataset.href);
  });
})();
