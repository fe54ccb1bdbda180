// Live forum pages. On a thread page new replies appear without reloading; edits, hides and
// support tallies refresh in place. On a space's thread list a notice offers a reload when
// something new is posted. An enhancement only — the pages work fully without it.
//
// The site socket (site.js) subscribes to data-live-topics="thread:<id>" and re-dispatches
// frames as "tripartite:message". Frames are content-free ({type: "forum.event", event,
// thread, post, number, fragment}); the post itself is fetched from its fragment URL, which
// re-checks access, so a reader whose access ended learns nothing.

const root = document.querySelector("[data-thread]");
const list = document.querySelector("[data-thread-list]");

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

function onSpaceActivity(frame) {
  if (!list || String(frame.space) !== list.dataset.threadList) return;
  const notice = document.getElementById("thread-list-activity");
  if (notice && notice.hidden) {
    notice.hidden = false;
    announce(list.dataset.activityMessage);
  }
}

async function handle(frame) {
  if (!frame || frame.type !== "forum.event") return;
  if (frame.event === "space.activity") {
    onSpaceActivity(frame);
    return;
  }
  if (!root) return;
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
