// Notifications, live: the site socket (site.js) re-dispatches every frame as a
// "tripartite:message" event; a {type: "notification"} frame updates the unread badge in the
// header and is announced in #live-region. Without JavaScript the badge is right at each
// page load.

function announce(text) {
  const region = document.getElementById("live-region");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

document.addEventListener("tripartite:message", (event) => {
  const frame = event.detail;
  if (!frame || frame.type !== "notification") return;
  for (const badge of document.querySelectorAll("[data-notification-badge]")) {
    const label = badge.querySelector(".visually-hidden");
    badge.textContent = String(frame.unread);
    if (label) badge.append(label);
    badge.hidden = !frame.unread;
  }
  if (typeof frame.text === "string") announce(frame.text);
});
