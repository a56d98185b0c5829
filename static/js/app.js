// Keyboard shortcuts, clickable rows and failed htmx requests. No inline scripts: the CSP
// forbids them.
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
    if (!row || event.target.closest("a, button, input, select, textarea, .pick")) return;
    window.location.assign(row.dataset.href);
  });

  // The ticket list's "choose every ticket shown" box (rows added by "Show more" too).
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (!all) return;
    const name = all.getAttribute("form");
    document.querySelectorAll(`input[type=checkbox][name=tickets][form="${name}"]`)
      .forEach((box) => { box.checked = all.checked; });
  });

  // A request htmx sent that the server refused or failed (base.html's htmx config swaps
  // no 4xx/5xx but 422): say so above the page, with the reason the desk's error page
  // gives (e.g. a step another user took first), and offer to reload, instead of leaving
  // the click without an answer. The error page is parsed, never shown or run.
  function failureText(xhr) {
    const box = document.getElementById("messages");
    const fallback = (box && box.dataset.requestFailed) || "";
    if (!(xhr.getResponseHeader("Content-Type") || "").startsWith("text/html")) return fallback;
    // Only the desk's own error section: parsing a whole page (Django's DEBUG pages have
    // inline handlers and styles) would report CSP violations even in a detached document.
    const section = /<section class="error-page"[\s\S]*?<\/section>/.exec(xhr.responseText);
    if (!section) return fallback;
    const page = new DOMParser()
      .parseFromString(section[0], "text/html")
      .querySelector(".error-page");
    if (!page) return fallback;
    const reason = page.querySelector("[data-reason]");
    if (reason) return reason.textContent.trim();
    return Array.from(page.querySelectorAll("h1, p:first-of-type"))
      .map((el) => el.textContent.trim())
      .filter(Boolean)
      .join(" — ") || fallback;
  }

  function reportFailure(text) {
    const box = document.getElementById("messages");
    if (!box || !text) return;
    box.querySelectorAll("[data-request-error]").forEach((old) => old.remove());
    const message = document.createElement("div");
    message.className = "msg msg-error";
    message.setAttribute("role", "alert");
    message.dataset.requestError = "";
    message.tabIndex = -1;
    message.append(text + " ");
    const reload = document.createElement("a");
    reload.href = window.location.href;
    reload.textContent = box.dataset.reload || "";
    message.append(reload);
    box.append(message);
    message.focus();
  }

  document.addEventListener("htmx:responseError", (event) => {
    reportFailure(failureText(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", () => {
    const box = document.getElementById("messages");
    reportFailure(box ? box.dataset.requestUnsent : "");
  });
})();
