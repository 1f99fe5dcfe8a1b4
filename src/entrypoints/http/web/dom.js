// A tiny element builder: the client needs no framework to render a few lists.

/** `h("a", {href: "#/"}, ["text", child])`: attributes, then children (null is skipped). */
export function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "style") {
      element.style.cssText = value; // through the CSSOM, which the page's CSP allows
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Caption text with #hashtags and @mentions as links, never as HTML. Only the mentions the
 * server kept (`mentions`) become links: it drops those across a block. */
export function richText(text, mentions = null) {
  const kept = mentions === null ? null : new Set(mentions);
  const parts = [];
  const pattern = /([#@])([\p{L}\p{N}_.]+)/gu;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const [whole, sigil, word] = match;
    if (sigil === "@" && kept !== null && !kept.has(word)) continue;
    const href = sigil === "@" ? `#/u/${encodeURIComponent(word)}` : `#/tag/${encodeURIComponent(word)}`;
    parts.push(h("a", { href }, whole));
    last = match.index + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export function timeAgo(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const units = [["d", 86400], ["h", 3600], ["m", 60]];
  for (const [unit, size] of units) {
    if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`;
  }
  return "just now";
}

let toastTimer = null;

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 4000);
}
