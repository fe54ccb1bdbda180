// @mention autocomplete for the post forms (new thread, reply, the thread page's reply form).
// An enhancement only: without it a person types "@" and the handle, and the server links it.
//
// A form opts in with data-mentions="<suggest URL>" (forums:mention_suggest, which answers
// only active members of the space, and lists only that space's members). The textarea
// becomes the text box of an ARIA 1.2 combobox-like pattern: aria-autocomplete="list",
// aria-controls the listbox, aria-activedescendant the highlighted option. Keys while the
// list is open: ArrowDown/ArrowUp move, Enter or Tab insert, Escape closes. The number of
// suggestions is announced in a polite live region. Strings come translated from the form's
// data attributes (data-mention-results, data-mention-none, data-mention-label).

const HANDLE_BEFORE_CARET = /(?:^|[^A-Za-z0-9_.%+/@:=-])@([A-Za-z0-9_.-]{1,30})$/;
const DEBOUNCE_MS = 150;
let counter = 0;

function enhance(form) {
  const url = form.dataset.mentions;
  const textarea = form.querySelector("textarea[name=body]");
  if (!url || !textarea || textarea.dataset.mentionsReady) return;
  textarea.dataset.mentionsReady = "1";
  counter += 1;
  const listId = `mention-list-${counter}`;

  const list = document.createElement("ul");
  list.id = listId;
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", form.dataset.mentionLabel || "Mentions");
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  textarea.insertAdjacentElement("afterend", list);
  list.insertAdjacentElement("afterend", status);

  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", listId);

  let items = [];
  let active = -1;
  let range = null; // [start, end] of "@query" in the textarea
  let timer = null;
  let controller = null;

  function announce(text) {
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  function close() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    range = null;
    textarea.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0) {
      textarea.setAttribute("aria-activedescendant", `${listId}-${index}`);
    } else {
      textarea.removeAttribute("aria-activedescendant");
    }
  }

  function insert(index) {
    const item = items[index];
    if (!item || !range) return;
    const [start, end] = range;
    const text = textarea.value;
    const inserted = `@${item.handle} `;
    textarea.value = text.slice(0, start) + inserted + text.slice(end);
    const caret = start + inserted.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
  }

  function show(results) {
    list.replaceChildren();
    items = results;
    if (!results.length) {
      list.hidden = true;
      announce(form.dataset.mentionNone || "");
      return;
    }
    results.forEach((item, i) => {
      const option = document.createElement("li");
      option.id = `${listId}-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      const handle = document.createElement("span");
      handle.className = "mention-handle";
      handle.textContent = `@${item.handle}`;
      const who = document.createElement("span");
      who.className = "mention-who";
      who.textContent = ` ${item.name} · ${item.organization} · ${item.group}`;
      option.append(handle, who);
      // mousedown, not click: the textarea keeps its focus and caret.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        insert(i);
      });
      list.appendChild(option);
    });
    list.hidden = false;
    highlight(0);
    announce((form.dataset.mentionResults || "%(count)s").replace("%(count)s", results.length));
  }

  async function fetchSuggestions(query) {
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) {
        close();
        return;
      }
      const results = await response.json();
      if (range) show(Array.isArray(results) ? results : []);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  function onInput() {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) {
      close();
      return;
    }
    const match = HANDLE_BEFORE_CARET.exec(textarea.value.slice(0, caret));
    if (!match) {
      close();
      return;
    }
    range = [caret - match[1].length - 1, caret];
    window.clearTimeout(timer);
    const query = match[1];
    timer = window.setTimeout(() => fetchSuggestions(query), DEBOUNCE_MS);
  }

  textarea.addEventListener("input", onInput);
  textarea.addEventListener("keydown", (event) => {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((active - 1 + items.length) % items.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      if (active >= 0) {
        event.preventDefault();
        insert(active);
      }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  textarea.addEventListener("blur", () => {
    window.setTimeout(close, 150);
  });
}

document.querySelectorAll("form[data-mentions]").forEach(enhance);
