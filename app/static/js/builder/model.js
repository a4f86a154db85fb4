// The definition being edited: type metadata, new items with fresh ids, and lookups.
// Mirrors surveys/types.py (which keys each type takes); the server stays the judge.

import { t } from "./dom.js";

const COMMON_KEYS = ["id", "type", "title", "description", "required", "show_if", "attention_check"];
const OPTION_TYPES = ["single_choice", "multiple_choice", "dropdown", "ranking", "matrix"];
export const OTHER_TYPES = ["single_choice", "multiple_choice", "dropdown"];
/** Types whose options have scores (docs/questionnaire-format.md, "Scores"). */
export const SCORED_TYPES = ["single_choice", "dropdown", "matrix"];
export const TYPE_KEYS = {
  single_choice: ["options", "randomize"],
  multiple_choice: ["options", "randomize", "min_selected", "max_selected"],
  dropdown: ["options", "randomize"],
  matrix: ["options", "rows", "multiple", "randomize"],
  rating: ["max", "style", "min_label", "max_label"],
  nps: [],
  number: ["min", "max", "integer"],
  short_text: ["min_length", "max_length", "pattern"],
  long_text: ["min_length", "max_length"],
  date: ["min", "max"],
  ranking: ["options", "randomize"],
  slider: ["min", "max", "step"],
  kano: ["functional_title", "dysfunctional_title"],
  consent: ["text"],
  text: ["body"],
};

export function hasOptions(type) {
  return OPTION_TYPES.includes(type);
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

function typeDefaults(type) {
  if (["single_choice", "multiple_choice", "dropdown", "ranking"].includes(type)) {
    return { options: [{ value: "1", label: t("option_n", { n: 1 }) }, { value: "2", label: t("option_n", { n: 2 }) }] };
  }
  if (type === "matrix") {
    return {
      rows: [{ value: "r1", label: t("row_n", { n: 1 }) }, { value: "r2", label: t("row_n", { n: 2 }) }],
      options: ["1", "2", "3", "4", "5"].map((v) => ({ value: v, label: v })),
    };
  }
  if (type === "rating") return { max: 5, style: "stars" };
  if (type === "slider") return { min: 0, max: 100, step: 1 };
  if (type === "consent") return { text: "" };
  if (type === "text") return { body: "" };
  return {};
}

export function newQuestion(type, id) {
  return { id, type, title: "", required: type !== "text", ...typeDefaults(type) };
}

/** The question as another type: common keys kept, options kept between choice types. */
export function changeType(question, type) {
  const kept = {};
  for (const key of COMMON_KEYS) if (key in question) kept[key] = question[key];
  kept.type = type;
  if (type === "text") delete kept.required;
  const defaults = typeDefaults(type);
  const allowed = TYPE_KEYS[type] || [];
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
