// Drafts: what someone is writing in a forum form (a reply, a new thread's title, text and
// tags) survives a reload, a crash or a lost connection. An enhancement only.
//
// - A form opts in with data-draft="<scope>" (e.g. "reply:42", "thread:7") and
//   data-draft-user="<user id>"; its text fields are saved to localStorage, debounced, under
//   "tripartite:draft:<user>:<scope>". The user id in the key means another account signed in
//   on the same browser never sees it; drafts of other accounts are removed when a form loads.
// - On load a saved draft is put back into an untouched form, with a notice ("Draft restored")
//   and a "Discard draft" button that puts the form back as the server sent it. A form the
//   server re-rendered with an error keeps the server's text (it is the same text, kept).
// - On submit the draft is marked as sent (sessionStorage); the next page removes it unless it
//   shows the same form with an error (the post failed and the text must stay).
// - Drafts older than DRAFT_DAYS are dropped.
//
// Translated texts come from the form's data attributes (data-draft-restored,
// data-draft-discard); the templates fill them with {% translate %}.

const PREFIX = "tripartite:draft:";
const SENT_KEY = "tripartite:draft-sent";
const SAVE_DELAY_MS = 400;
const DRAFT_DAYS = 14;

function storage(kind) {
  try {
    const store = window[kind];
    const probe = `${PREFIX}probe`;
    store.setItem(probe, "1");
    store.removeItem(probe);
    return store;
  } catch {
    return null; // private mode, storage disabled or full
  }
}

const local = storage("localStorage");
const session = storage("sessionStorage");

function fieldsOf(form) {
  return [...form.querySelectorAll("textarea[name], input[type=text][name]")].filter(
    (field) => field.name !== "csrfmiddlewaretoken",
  );
}

function read(key) {
  try {
    const draft = JSON.parse(local.getItem(key));
    if (!draft || typeof draft.fields !== "object") return null;
    if (Date.now() - (draft.savedAt || 0) > DRAFT_DAYS * 86400000) {
      local.removeItem(key);
      return null;
    }
    return draft;
  } catch {
    return null;
  }
}

function forgetOtherAccounts(userId) {
  const mine = `${PREFIX}${userId}:`;
  for (let i = local.length - 1; i >= 0; i -= 1) {
    const key = local.key(i);
    if (key && key.startsWith(PREFIX) && !key.startsWith(mine)) local.removeItem(key);
  }
}

function hasErrors(form) {
  return Boolean(form.querySelector(".form-errors, .has-error"));
}

function showNotice(form, key) {
  const notice = document.createElement("p");
  notice.className = "notice draft-notice";
  notice.setAttribute("role", "status");
  const text = document.createElement("span");
  text.textContent = form.dataset.draftRestored || "Draft restored.";
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "button-secondary";
  discard.textContent = form.dataset.draftDiscard || "Discard draft";
  discard.addEventListener("click", () => {
    local.removeItem(key);
    for (const field of fieldsOf(form)) field.value = field.defaultValue;
    notice.remove();
    const first = fieldsOf(form)[0];
    if (first) first.focus();
  });
  notice.append(text, " ", discard);
  form.prepend(notice);
}

function setUp(form) {
  const userId = form.dataset.draftUser;
  const scope = form.dataset.draft;
  if (!userId || !scope) return;
  const key = `${PREFIX}${userId}:${scope}`;
  const fields = fieldsOf(form);
  if (!fields.length) return;

  const draft = read(key);
  if (draft && !hasErrors(form)) {
    let changed = false;
    for (const field of fields) {
      const value = draft.fields[field.name];
      if (typeof value === "string" && value !== field.value) {
        field.value = value;
        changed = true;
      }
    }
    if (changed) showNotice(form, key);
  }

  let timer = null;
  const save = () => {
    timer = null;
    const values = {};
    let any = false;
    for (const field of fields) {
      values[field.name] = field.value;
      if (field.value.trim() && field.value !== field.defaultValue) any = true;
    }
    try {
      if (any) local.setItem(key, JSON.stringify({ savedAt: Date.now(), fields: values }));
      else local.removeItem(key);
    } catch {
      // Storage full: the draft is simply not kept.
    }
  };
  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, SAVE_DELAY_MS);
  });
  // Typing right before a reload: save what is there before the page goes.
  window.addEventListener("pagehide", () => {
    if (timer !== null) {
      window.clearTimeout(timer);
      save();
    }
  });
  form.addEventListener("submit", () => {
    if (timer !== null) {
      window.clearTimeout(timer);
      save();
    }
    if (session) session.setItem(SENT_KEY, key);
  });
}

function keyOf(form) {
  return `${PREFIX}${form.dataset.draftUser}:${form.dataset.draft}`;
}

// A post sent on the previous page: its draft goes, unless this page shows the same form with
// an error (the post failed; the server kept the text and so do we). The success pages are
// thread pages (a reply lands on its post, a new thread on its opening post).
function settleSent(forms) {
  const sent = session && session.getItem(SENT_KEY);
  if (!sent) return;
  const form = forms.find((f) => keyOf(f) === sent);
  if (form) {
    if (!hasErrors(form)) local.removeItem(sent);
  } else if (document.querySelector("[data-thread]")) {
    local.removeItem(sent);
  } else {
    return; // not a page that tells; decide on the next one
  }
  session.removeItem(SENT_KEY);
}

if (local) {
  const forms = [...document.querySelectorAll("form[data-draft]")];
  settleSent(forms);
  const userId = forms.length ? forms[0].dataset.draftUser : "";
  if (userId) forgetOtherAccounts(userId);
  for (const form of forms) setUp(form);
}
