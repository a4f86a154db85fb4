// The definition being edited: type facets, new items with fresh ids, and lookups.
// The type facets are surveys/types.py's registry, sent with the page; the server stays the judge.

import { t } from "./dom.js";

const COMMON_KEYS = ["id", "type", "title", "description", "required", "show_if", "attention_check", "privacy"];

/** A type the registry does not know (a hand-edited draft): edited as its common keys only. */
const UNKNOWN_TYPE = {
  answer: "unknown",
  has_options: false,
  has_rows: false,
  scale: null,
  builder: { editor: "none", keys: [], defaults: {}, option_flags: [], condition: null, condition_default: null },
};
let registry = new Map();

/** The question types as surveys/types.py `registry_json()` sends them with the page. */
export function setQuestionTypes(list) {
  registry = new Map((list || []).map((spec) => [spec.name, spec]));
}

/** The registry's facets of *type*. */
export function typeSpec(type) {
  return registry.get(type) || UNKNOWN_TYPE;
}

/** Whether a *type* question takes an answer (the section text does not). */
export function isAnswerable(type) {
  return typeSpec(type).answer !== "none";
}

export function hasOptions(type) {
  return typeSpec(type).has_options;
}

/** The flags an option of a *type* question may carry: other, exclusive, scored. */
export function optionFlags(type) {
  return typeSpec(type).builder.option_flags;
}

/** Stable internal keys for objects (focus, drag and drop), never written to the definition. */
const keys = new WeakMap();
let keyCounter = 0;
export function keyOf(object) {
  if (!keys.has(object)) {
    keyCounter += 1;
    keys.set(object, `k${keyCounter}`);
  }
  return keys.get(object);
}

/** Fresh ids: q1, q2…, p1, p2…; a counter only grows, so an id is never reused while editing. */
export class IdSource {
  constructor() {
    this.next = { q: 1, p: 1 };
  }
  observe(definition) {
    for (const page of pagesOf(definition)) {
      this.bump("p", page.id);
      for (const question of page.questions || []) this.bump("q", question.id);
    }
  }
  bump(prefix, id) {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(String(id || ""));
    if (match) this.next[prefix] = Math.max(this.next[prefix], Number(match[1]) + 1);
  }
  take(prefix, definition) {
    const used = new Set(prefix === "p" ? pagesOf(definition).map((p) => p.id) : allQuestions(definition).map((x) => x.question.id));
    while (used.has(`${prefix}${this.next[prefix]}`)) this.next[prefix] += 1;
    const id = `${prefix}${this.next[prefix]}`;
    this.next[prefix] += 1;
    return id;
  }
}

export function pagesOf(definition) {
  return Array.isArray(definition && definition.pages) ? definition.pages : [];
}

/** Every question in order with its page: [{question, page, pageIndex, index}]. */
export function allQuestions(definition) {
  const found = [];
  pagesOf(definition).forEach((page, pageIndex) => {
    (page.questions || []).forEach((question, index) => found.push({ question, page, pageIndex, index }));
  });
  return found;
}

/** The next free value among "1", "2", … (or "r1", "r2", … for matrix rows). */
export function nextValue(items, prefix = "") {
  let n = 1;
  const used = new Set((items || []).map((item) => item.value));
  for (const item of items || []) {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(item.value);
    if (match) n = Math.max(n, Number(match[1]) + 1);
  }
  while (used.has(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}

export function newOption(items) {
  const value = nextValue(items);
  return { value, label: t("option_n", { n: value }) };
}

export function newRow(rows) {
  const value = nextValue(rows, "r");
  return { value, label: t("row_n", { n: value.slice(1) }) };
}

/** A new *type* question's keys: the registry's defaults, options and rows labelled here. */
function typeDefaults(type) {
  const defaults = JSON.parse(JSON.stringify(typeSpec(type).builder.defaults));
  for (const option of defaults.options || []) {
    if (!("label" in option)) option.label = t("option_n", { n: option.value });
  }
  for (const row of defaults.rows || []) {
    if (!("label" in row)) row.label = t("row_n", { n: row.value.slice(1) });
  }
  return defaults;
}

export function newQuestion(type, id) {
  return { id, type, title: "", required: isAnswerable(type), ...typeDefaults(type) };
}

/** The question as another type: common keys kept, options kept between choice types. */
export function changeType(question, type) {
  const kept = {};
  for (const key of COMMON_KEYS) if (key in question) kept[key] = question[key];
  kept.type = type;
  if (!isAnswerable(type)) delete kept.required;
  const defaults = typeDefaults(type);
  const allowed = typeSpec(type).builder.keys;
  for (const key of allowed) {
    if (key in question && (key !== "max" || question.type === type)) kept[key] = question[key];
  }
  for (const [key, value] of Object.entries(defaults)) if (!(key in kept)) kept[key] = value;
  for (const key of Object.keys(question)) delete question[key];
  Object.assign(question, kept);
}

export function newPage(id) {
  return { id, title: "", questions: [] };
}

/** A deep copy with new question ids: the copy must never answer for the original. */
export function duplicateQuestion(question, ids, definition) {
  const copy = JSON.parse(JSON.stringify(question));
  copy.id = ids.take("q", definition);
  return copy;
}

export function isValidId(id) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) && id.length <= 64;
}

/** Move items[from] to position *to* in the same array. */
export function moveWithin(items, from, to) {
  if (to < 0 || to >= items.length || from === to) return false;
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item);
  return true;
}

/**
 * The objects a JSON path of a saved snapshot refers to, e.g. "$.pages[1].questions[0].show_if"
 * → {page, question, field: "show_if"}. *layout* holds the objects as they were when sent.
 */
export function locate(path, layout) {
  const match = /^\$(?:\.pages\[(\d+)\](?:\.questions\[(\d+)\](?:\.(options|rows)\[(\d+)\])?)?)?(?:\.([A-Za-z_]+))?/.exec(path || "");
  if (!match) return {};
  const [, p, q, list, i, field] = match;
  const found = { field: field || null };
  if (p === undefined) return found;
  const pageEntry = layout[Number(p)];
  if (!pageEntry) return found;
  found.page = pageEntry.page;
  if (q === undefined) return found;
  const questionEntry = pageEntry.questions[Number(q)];
  if (!questionEntry) return found;
  found.question = questionEntry.question;
  if (list) found.item = (questionEntry[list] || [])[Number(i)];
  return found;
}

/** Object references of the definition as sent, so that problems land on the right card. */
export function layoutOf(definition) {
  return pagesOf(definition).map((page) => ({
    page,
    questions: (page.questions || []).map((question) => ({
      question,
      options: Array.isArray(question.options) ? question.options.slice() : [],
      rows: Array.isArray(question.rows) ? question.rows.slice() : [],
    })),
  }));
}
