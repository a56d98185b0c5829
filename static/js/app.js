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

  // Due times count down in the browser between server refreshes. The server's due
  // time already accounts for business hours, so real time to it is time to breach.
  // Wording comes from the page (translated by Django) via data-t-* on <body>.
  function relative(ms) {
    const t = document.body.dataset;
    const minutes = Math.round(Math.abs(ms) / 60000);
    const d = Math.floor(minutes / 1440), h = Math.floor((minutes % 1440) / 60), m = minutes % 60;
    const pattern = d ? t.tDays : h ? t.tHours : t.tMinutes;
    const text = pattern.replace("%d", d).replace("%h", h).replace("%m", m);
    return (ms >= 0 ? t.tFuture : t.tPast).replace("%s", text);
  }

  function countdown() {
    const now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach((el) => {
      const due = Date.parse(el.getAttribute("datetime"));
      if (Number.isNaN(due)) return;
      let hint = el.querySelector(".left");
      if (!hint) {
        hint = document.createElement("small");
        hint.className = "left";
        el.append(" ", hint);
      }
      hint.textContent = relative(due - now);
      el.classList.toggle("overdue", due < now);
    });
  }
  countdown();
  setInterval(countdown, 30000);
  document.addEventListener("htmx:afterSettle", countdown);
})();
