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

  // Canned responses (templates/incidents/_canned_picker.html): "c r" (data-shortcut) or
  // Alt+R, also while typing in the reply, opens the picker; typing filters it, arrows
  // move, Enter or a click inserts the chosen text at the reply's cursor and makes the
  // reply public, Escape closes it. Without this script the links reload the page.
  function replyBox() {
    return document.querySelector("#comment-form textarea[name=body]");
  }

  function cannedItems(picker) {
    return Array.from(picker.querySelectorAll("[data-canned-item]")).filter((li) => !li.hidden);
  }

  function closePicker(picker, focusReply) {
    const empty = document.createElement("div");
    empty.id = "canned-picker";
    empty.hidden = true;
    picker.replaceWith(empty);
    const box = replyBox();
    if (focusReply && box) box.focus();
  }

  function insertCanned(link) {
    const box = replyBox();
    const picker = link.closest("[data-canned-picker]");
    if (!box) return false;
    const text = link.dataset.text || "";
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? start;
    box.setRangeText(text, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
    const isPublic = document.querySelector("#comment-form input[name=is_public]");
    if (isPublic) isPublic.checked = true;
    if (picker) closePicker(picker, false);
    box.focus();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== "KeyR") return;
    const open = document.querySelector("[data-canned-open]");
    if (!open) return;
    event.preventDefault();
    const picker = document.querySelector("[data-canned-picker]");
    if (picker) {
      const filter = picker.querySelector("[data-canned-filter]");
      if (filter) filter.focus();
      return;
    }
    open.click();
  });

  document.addEventListener("input", (event) => {
    const filter = event.target.closest("[data-canned-filter]");
    if (!filter) return;
    const picker = filter.closest("[data-canned-picker]");
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    picker.querySelectorAll("[data-canned-item]").forEach((li) => {
      const text = li.dataset.search || "";
      li.hidden = !words.every((word) => text.includes(word));
      if (!li.hidden) shown += 1;
    });
    const none = picker.querySelector("[data-canned-none]");
    if (none) none.hidden = shown > 0;
  });

  document.addEventListener("keydown", (event) => {
    const picker = event.target.closest && event.target.closest("[data-canned-picker]");
    if (!picker) return;
    const links = cannedItems(picker).map((li) => li.querySelector("[data-canned-insert]"));
    const at = links.indexOf(event.target);
    if (event.key === "Escape") {
      event.preventDefault();
      closePicker(picker, true);
    } else if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(links.length - 1, at + 1)].focus();
    } else if (event.key === "ArrowUp" && links.length) {
      event.preventDefault();
      if (at <= 0) picker.querySelector("[data-canned-filter]").focus();
      else links[at - 1].focus();
    } else if (event.key === "Enter" && event.target.matches("[data-canned-filter]")) {
      event.preventDefault();
      if (links.length) insertCanned(links[0]);
    }
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-canned-insert]");
    if (link && insertCanned(link)) {
      event.preventDefault();
      return;
    }
    const close = event.target.closest("[data-canned-close]");
    const picker = close && close.closest("[data-canned-picker]");
    if (picker) {
      event.preventDefault();
      closePicker(picker, true);
    }
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

  // The navigation's menus (<details data-nav-menu>) close on Escape, focus back on their
  // summary, and when a click lands outside them.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const menu = document.querySelector("details[data-nav-menu][open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details[data-nav-menu][open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // After a panel is swapped in, focus goes where it says (data-focus-after-swap), e.g.
  // the followers box's button once Follow was pressed.
  document.addEventListener("htmx:afterSwap", () => {
    const target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });

  document.addEventListener("htmx:responseError", (event) => {
    reportFailure(failureText(event.detail.xhr));
  });
  document.addEventListener("htmx:sendError", () => {
    const box = document.getElementById("messages");
    reportFailure(box ? box.dataset.requestUnsent : "");
  });
})();
