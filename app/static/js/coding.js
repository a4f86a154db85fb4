// Coding workspace: select a span of a turn, tick codes, apply. Highlights are drawn from
// code-point offsets; the selection's UTF-16 offsets are converted here, at the edge.
// CSP-clean: data comes from <script type="application/json">, colours from CSS classes.

import { codePointToUtf16, sliceCodePoints, utf16ToCodePoint } from "./coding/offsets.js";

const data = JSON.parse(document.getElementById("coding-data").textContent);
const messages = data.messages;
let highlights = data.highlights;
let selection = null; // {turn, start, end, snippet} in code points

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function codeOf(id) {
  return data.codes[String(id)] || { name: "?", colour: 9 };
}

// Redraw one turn: segments between every highlight boundary, each a <mark> when coded.
function renderTurn(turnId) {
  const holder = document.querySelector(`.turn-text[data-turn-id="${turnId}"]`);
  if (!holder) return;
  const text = data.texts[String(turnId)];
  const chars = Array.from(text);
  const own = highlights.filter((h) => h.turn === turnId);
  const cuts = new Set([0, chars.length]);
  for (const h of own) {
    cuts.add(Math.min(h.start, chars.length));
    cuts.add(Math.min(h.end, chars.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  holder.replaceChildren();
  for (let i = 0; i < points.length - 1; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = chars.slice(a, b).join("");
    const covering = own.filter((h) => h.start <= a && h.end >= b);
    if (covering.length === 0) {
      holder.append(document.createTextNode(piece));
      continue;
    }
    const first = codeOf(covering[0].code);
    const mark = el("mark", {
      class: `hl code-colour-${first.colour}${covering.length > 1 ? " hl-multi" : ""}`,
      title: covering.map((h) => codeOf(h.code).name).join(", "),
      "data-highlight-ids": covering.map((h) => h.id).join(" "),
      text: piece,
    });
    holder.append(mark);
  }
}

function renderList() {
  const list = document.getElementById("highlight-list");
  list.replaceChildren();
  const order = Object.keys(data.texts).map(Number);
  const sorted = [...highlights].sort(
    (x, y) => order.indexOf(x.turn) - order.indexOf(y.turn) || x.start - y.start,
  );
  for (const h of sorted) {
    const code = codeOf(h.code);
    const item = el(
      "li",
      { class: "highlight-item", "data-highlight-id": String(h.id) },
      el("span", { class: `code-swatch code-colour-${code.colour}` }),
      el("a", { href: data.quotesUrl.replace(/\/0\/quotes$/, `/${h.code}/quotes`), text: code.name }),
      " ",
      el("a", { href: `#turn-${h.turn}`, class: "snippet", text: `“${h.snippet}”` }),
    );
    if (h.memo) item.append(" ", el("span", { class: "highlight-memo fst-italic text-muted", text: h.memo }));
    if (h.needs_review) item.append(" ", el("span", { class: "badge text-bg-warning", text: messages.needsReview }));
    if (data.canCode) {
      const remove = el("button", { type: "button", class: "btn btn-link btn-sm p-0 ms-1", text: messages.remove });
      remove.addEventListener("click", () => removeHighlight(h));
      item.append(" ", remove);
    }
    list.append(item);
  }
}

function status(text, ok = true) {
  const box = document.getElementById("coding-status");
  if (!box) return;
  box.textContent = text;
  box.className = `small mt-2 ${ok ? "text-success" : "text-danger"}`;
}

function turnElementOf(node) {
  const element = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
  return element ? element.closest(".turn-text") : null;
}

// The current browser selection as code-point offsets into one turn, or null.
function readSelection() {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  const holder = turnElementOf(range.startContainer);
  if (!holder || holder !== turnElementOf(range.endContainer)) return { error: messages.selectInOneTurn };
  const turn = Number(holder.dataset.turnId);
  const text = data.texts[String(turn)];
  const before = document.createRange();
  before.selectNodeContents(holder);
  before.setEnd(range.startContainer, range.startOffset);
  const startUnits = before.toString().length;
  const endUnits = startUnits + range.toString().length;
  const start = utf16ToCodePoint(text, startUnits);
  const end = utf16ToCodePoint(text, endUnits, true);
  if (end <= start) return null;
  return { turn, start, end, snippet: sliceCodePoints(text, start, end) };
}

function onSelectionChange() {
  const found = readSelection();
  const preview = document.getElementById("selection-preview");
  const apply = document.getElementById("apply-codes");
  if (!preview || !apply) return;
  if (found === null) return; // keep the last selection while the user ticks codes
  if (found.error) {
    selection = null;
    preview.textContent = found.error;
    apply.disabled = true;
    return;
  }
  selection = found;
  preview.replaceChildren(messages.selected, " ", el("q", { class: "selected-text", text: found.snippet }));
  apply.disabled = false;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrfToken, Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(payload.message || response.statusText);
  return payload;
}

async function applyCodes() {
  const codes = [...document.querySelectorAll('#code-choices input[name="code"]:checked')].map((box) => Number(box.value));
  if (!selection) return;
  if (codes.length === 0) {
    status(messages.chooseCode, false);
    return;
  }
  const memo = document.getElementById("highlight-memo");
  try {
    const payload = await post(data.addUrl, { ...selection, codes, memo: memo ? memo.value : "" });
    highlights = highlights.concat(payload.highlights);
    renderTurn(selection.turn);
    renderList();
    if (memo) memo.value = "";
    window.getSelection().removeAllRanges();
    status(messages.saved);
  } catch (error) {
    status(`${messages.failed} ${error.message}`, false);
  }
}

async function removeHighlight(h) {
  try {
    await post(data.deleteUrl.replace(/\/0\/delete$/, `/${h.id}/delete`), {});
    highlights = highlights.filter((x) => x.id !== h.id);
    renderTurn(h.turn);
    renderList();
  } catch (error) {
    status(`${messages.failed} ${error.message}`, false);
  }
}

function init() {
  for (const id of Object.keys(data.texts)) renderTurn(Number(id));
  renderList();
  if (data.canCode) {
    document.addEventListener("selectionchange", onSelectionChange);
    const apply = document.getElementById("apply-codes");
    if (apply) apply.addEventListener("click", applyCodes);
  }
  document.getElementById("transcript").dataset.ready = "1";
}

// Exported for tests in the page; the module runs once either way.
export { codePointToUtf16, utf16ToCodePoint };
init();
