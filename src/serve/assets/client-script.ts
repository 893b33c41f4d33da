/**
 * The review app's one script (progressive enhancement: every page works without it). It adds keyboard shortcuts
 * (a button's data-key), keeps a form from being sent twice, and keeps the counts, the status line and the review
 * queue current from /api/v1/live (server-sent events). It writes text only (textContent), never HTML.
 */
export const CLIENT_SCRIPT = `"use strict";
(function () {
  var submitting = false;
  document.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }
    submitting = true;
    setTimeout(function () { submitting = false; }, 5000);
  });

  function typing(target) {
    return target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (typing(event.target)) {
      if (event.key === "Escape" && event.target instanceof HTMLElement) event.target.blur();
      return;
    }
    var focus = document.querySelector('[data-focus-key="' + CSS.escape(event.key) + '"]');
    if (focus instanceof HTMLElement) { event.preventDefault(); focus.focus(); return; }
    var button = document.querySelector('[data-key="' + CSS.escape(event.key) + '"]');
    if (button instanceof HTMLButtonElement && !button.disabled && !submitting) {
      event.preventDefault();
      button.click();
    }
  });

  var IN_PROGRESS = ["queued", "extracting", "classifying", "routing"];
  function statusLine(byStatus) {
    var parts = [];
    IN_PROGRESS.forEach(function (s) { if (byStatus[s] > 0) parts.push(byStatus[s] + " " + s); });
    parts.push((byStatus.done || 0) + " done", (byStatus.needs_review || 0) + " to review");
    if (byStatus.failed > 0) parts.push(byStatus.failed + " failed");
    if (byStatus.quarantined > 0) parts.push(byStatus.quarantined + " quarantined");
    return parts.join(" · ");
  }

  function setText(selector, text) {
    document.querySelectorAll(selector).forEach(function (el) { el.textContent = text; });
  }

  var queueList = document.querySelector('[data-live="queue"]');
  var currentCard = document.querySelector("[data-document-id]");
  var currentId = currentCard ? Number(currentCard.getAttribute("data-document-id")) : null;
  var shownQueue = queueList ? queueList.children.length : -1;

  function renderQueue(items) {
    if (!queueList) return;
    var fragment = document.createDocumentFragment();
    items.forEach(function (item) {
      var li = document.createElement("li");
      if (item.id === currentId) li.setAttribute("aria-current", "true");
      var a = document.createElement("a");
      a.href = "/review?doc=" + item.id;
      a.textContent = "#" + item.id + " " + item.name;
      var meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = (item.category || "—") + " " + (item.confidence === null ? "" : item.confidence.toFixed(2));
      li.append(a, " ", meta);
      fragment.append(li);
    });
    queueList.replaceChildren(fragment);
    shownQueue = items.length;
  }

  function refreshQueue() {
    fetch("/api/v1/review?limit=100", { credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) { if (body) renderQueue(body.items); })
      .catch(function () {});
  }

  function apply(snapshot) {
    setText('[data-live="review-count"]', String(snapshot.reviewQueue));
    setText('[data-live="status"]', statusLine(snapshot.byStatus));
    document.querySelectorAll('[data-live="arrivals"]').forEach(function (el) {
      el.hidden = snapshot.reviewQueue === 0;
    });
    document.body.setAttribute("data-live-event", String(snapshot.lastEventId));
    if (queueList && (snapshot.events.length > 0 || snapshot.reviewQueue !== shownQueue)) refreshQueue();
  }

  if (typeof EventSource === "function" && document.querySelector('[data-live]')) {
    var source = new EventSource("/api/v1/live");
    ["snapshot", "change"].forEach(function (name) {
      source.addEventListener(name, function (event) {
        try { apply(JSON.parse(event.data)); } catch (error) { /* a malformed message changes nothing */ }
      });
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();
`;
