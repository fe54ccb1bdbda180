// The site socket: one WebSocket per page that has live parts (see dialogue/consumers.py).
//
// - Opens only when <body data-socket="/ws/"> is set (signed-in pages).
// - Subscribes to every topic named in data-live-topics="space:7 thread:3" on the page.
// - Sends a heartbeat ping every 25 s (the server re-joins its groups and re-checks access).
//   The server closes a socket silent for three of its 30 s heartbeat periods (4408).
// - Reconnects with exponential backoff and jitter; gives up for good on access.revoked,
//   4401 (signed out), 4403 (access revoked) or 4009 (a frame over the server's 64 KiB
//   limit), announcing it in #live-region. 4408 (silent too long) and 4440 (the session
//   changed, e.g. after a password change) reconnect at once: the new handshake decides.
// - Re-dispatches every frame as CustomEvent("tripartite:message", {detail: frame}) on
//   `document`, so page modules react without opening sockets of their own.
//   `tripartite:socket` events ({detail: {state: "open" | "closed" | "revoked"}}) let them
//   refetch what they may have missed after a reconnect.

const HEARTBEAT_MS = 25000;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30000;
// 1008/1009: protocol-level policy violation / message too big (e.g. from a proxy).
const FINAL_CODES = new Set([4401, 4403, 4009, 1008, 1009]);
const RECONNECT_NOW_CODES = new Set([4408, 4440]);
// Spoken when the socket stops for good; the server renders them in the page's language.
const FINAL_MESSAGES = {
  4401: "signedOutMessage",
  4009: "tooBigMessage",
};

function topicsOnPage() {
  const topics = new Set();
  for (const el of document.querySelectorAll("[data-live-topics]")) {
    for (const topic of el.dataset.liveTopics.split(/\s+/)) {
      if (topic) topics.add(topic);
    }
  }
  return [...topics];
}

function announce(text) {
  const region = document.getElementById("live-region");
  if (!region) return;
  // Clearing first makes screen readers announce a repeated message again.
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

function emit(name, detail) {
  document.dispatchEvent(new CustomEvent(name, { detail }));
}

function start(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${window.location.host}${path}`;
  let socket = null;
  let heartbeat = null;
  let attempts = 0;
  let stopped = false;
  const extraTopics = new Set();

  function stop(state) {
    stopped = true;
    window.clearInterval(heartbeat);
    emit("tripartite:socket", { state });
  }

  function revoked() {
    if (stopped) return;
    stop("revoked");
    announce(
      document.body.dataset.revokedMessage ||
        "Your access to this page has changed. Reload it to see what you can still do.",
    );
    if (socket) socket.close();
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function connect() {
    if (stopped) return;
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      attempts = 0;
      for (const topic of new Set([...topicsOnPage(), ...extraTopics])) {
        send({ type: "subscribe", topic });
      }
      window.clearInterval(heartbeat);
      heartbeat = window.setInterval(() => send({ type: "ping" }), HEARTBEAT_MS);
      emit("tripartite:socket", { state: "open" });
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      emit("tripartite:message", frame);
      if (frame && frame.type === "access.revoked") revoked();
    });
    socket.addEventListener("close", (event) => {
      window.clearInterval(heartbeat);
      if (stopped) return;
      if (event.code === 4403) {
        revoked();
        return;
      }
      if (FINAL_CODES.has(event.code)) {
        stop("closed");
        const text = document.body.dataset[FINAL_MESSAGES[event.code]];
        if (text) announce(text);
        return;
      }
      if (RECONNECT_NOW_CODES.has(event.code)) attempts = 0;
      emit("tripartite:socket", { state: "closed" });
      // Full jitter: many tabs reconnecting after a deploy do not arrive in step.
      const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempts);
      attempts += 1;
      window.setTimeout(connect, BACKOFF_BASE_MS / 2 + Math.random() * ceiling);
    });
  }

  // Let page modules subscribe to topics they add later (e.g. after an htmx swap).
  document.addEventListener("tripartite:subscribe", (event) => {
    if (event.detail && typeof event.detail.topic === "string") {
      extraTopics.add(event.detail.topic);
      send({ type: "subscribe", topic: event.detail.topic });
    }
  });

  connect();
}

const path = document.body && document.body.dataset.socket;
if (path && "WebSocket" in window) {
  start(path);
}

// Signing out forgets the drafts this browser keeps (static/js/drafts.js): on a shared
// computer, the next person must not find a caucus draft in the browser's storage.
for (const form of document.querySelectorAll("form[data-signout]")) {
  form.addEventListener("submit", () => {
    try {
      for (let i = window.localStorage.length - 1; i >= 0; i -= 1) {
        const key = window.localStorage.key(i);
        if (key && key.startsWith("tripartite:draft")) window.localStorage.removeItem(key);
      }
      window.sessionStorage.removeItem("tripartite:draft-sent");
    } catch {
      // Storage unavailable (privacy mode): nothing was kept.
    }
  });
}
