// Live thread page: new replies appear without reloading; edits, hides and support tallies
// refresh in place. An enhancement only — the page works fully without it.
//
// The site socket (site.js) subscribes to data-live-topics="thread:<id>" and re-dispatches
// frames as "tripartite:message". Frames are content-free ({type: "forum.event", event,
// thread, post, number, fragment}); the post itself is fetched from its fragment URL, which
// re-checks access, so a reader whose access ended learns nothing.

const root = document.querySelector("[data-thread]");

function announce(text) {
  const region = document.getElementById("thread-live-status");
  if (!region || !text) return;
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

async function fetchPost(url) {
  const response = await fetch(url, {
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  if (!response.ok) return null;
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  return template.content.querySelector("article.post");
}

function onLastPage() {
  return !document.querySelector('.pagination a[rel="next"]');
}

async function handle(frame) {
  if (!root || !frame || frame.type !== "forum.event") return;
  if (String(frame.thread) !== root.dataset.thread) return;
  const posts = document.getElementById("posts");
  const existing = frame.number ? document.getElementById(`post-${frame.number}`) : null;
  if (frame.event === "post.created") {
    if (existing || !onLastPage() || !frame.fragment) return;
    const article = await fetchPost(frame.fragment);
    if (article && !document.getElementById(article.id)) {
      posts.appendChild(article);
      announce(root.dataset.newReplyMessage);
    }
  } else if (frame.fragment || frame.event === "post.supported") {
    if (!existing) return;
    const url = frame.fragment || `/p/${frame.post}/fragment/`;
    const article = await fetchPost(url);
    if (article) existing.replaceWith(article);
  } else if (frame.event && frame.event.startsWith("thread.")) {
    announce(root.dataset.changedMessage);
  }
}

document.addEventListener("tripartite:message", (event) => {
  handle(event.detail).catch(() => {});
});
