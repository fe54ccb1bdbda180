// Read state on a space's thread list: when the site socket reports new activity in a thread
// ("space.activity" frames carry the thread's id, nothing else), that thread's row is marked as
// unread — bold, plus the visible text "New activity" (not colour alone). Rows of threads that
// are not on this page are left to thread.js's "reload the list" notice. An enhancement only:
// without JavaScript the marks appear on the next load of the list.

const list = document.querySelector("[data-thread-list]");

function markRow(threadId) {
  const row = list.querySelector(`[data-thread-row="${CSS.escape(String(threadId))}"]`);
  if (!row) return;
  row.classList.add("is-unread");
  if (row.querySelector(".live-activity")) return;
  const title = row.querySelector(".thread-title");
  if (!title) return;
  const badge = document.createElement("span");
  badge.className = "badge badge-unread live-activity";
  badge.textContent = list.dataset.newActivityLabel || "New activity";
  title.append(" ", badge);
}

if (list) {
  document.addEventListener("tripartite:message", (event) => {
    const frame = event.detail;
    if (!frame || frame.type !== "forum.event" || frame.event !== "space.activity") return;
    if (String(frame.space) !== list.dataset.threadList || frame.thread == null) return;
    markRow(frame.thread);
  });
}
