// The logic form: build a show_if condition by picking an earlier question, an operator and
// a value, or type the expression (surveys/logic/grammar.py: `=`, `and`/`or`/`not`,
// selected(q, 'v'), answered(q), empty(q); strings in single quotes).

import { h, t, uniqueId } from "./dom.js";
import { keyOf, typeSpec } from "./model.js";

const conditions = () => window.WenfangConditions || null;

const COMPARE = ["=", "!=", ">", "<", ">=", "<="];
const COMPARE_LABELS = { "=": "=", "!=": "≠", ">": ">", "<": "<", ">=": "≥", "<=": "≤" };

/** Operators offered for a question of *type* (its registry condition group): [value, label]. */
export function operatorsFor(type) {
  const group = typeSpec(type).builder.condition;
  let ops = [];
  if (group === "single") ops = [["is", t("op_is")], ["is_not", t("op_is_not")]];
  else if (group === "multi") ops = [["selected", t("op_selected")], ["not_selected", t("op_not_selected")]];
  else if (group === "numeric" || group === "date") ops = COMPARE.map((op) => [op, COMPARE_LABELS[op]]);
  else if (group === "text") ops = [["=", t("op_equals")], ["!=", t("op_not_equals")]];
  return ops.concat([["answered", t("op_answered")], ["empty", t("op_empty")]]);
}

function needsValue(op) {
  return op !== "answered" && op !== "empty";
}

function quote(value) {
  return `'${String(value).replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** One condition row → expression text, or "" while the row is incomplete. */
export function rowExpression(row, question) {
  if (!row.qid || !row.op) return "";
  const q = row.qid;
  if (row.op === "answered") return `answered(${q})`;
  if (row.op === "empty") return `empty(${q})`;
  if (row.value === "" || row.value === null || row.value === undefined) return "";
  const group = typeSpec(question ? question.type : "").builder.condition;
  if (row.op === "is") return `${q} = ${quote(row.value)}`;
  if (row.op === "is_not") return `${q} != ${quote(row.value)}`;
  if (row.op === "selected") return `selected(${q}, ${quote(row.value)})`;
  if (row.op === "not_selected") return `not selected(${q}, ${quote(row.value)})`;
  if (group === "numeric") {
    const number = Number(row.value);
    return Number.isFinite(number) ? `${q} ${row.op} ${number}` : "";
  }
  return `${q} ${row.op} ${quote(row.value)}`;
}

export function buildExpression(rows, joiner, questionsById) {
  const parts = rows.map((row) => rowExpression(row, questionsById.get(row.qid))).filter(Boolean);
  return parts.join(joiner === "or" ? " or " : " and ");
}

/** Rows for an expression the form can show, or null when it is more than the form builds. */
export function parseRows(text) {
  if (!text || !String(text).trim()) return { rows: [], joiner: "and" };
  const lib = conditions();
  if (!lib) return null;
  let tree;
  try {
    tree = lib.parse(String(text));
  } catch (error) {
    return null;
  }
  let joiner = "and";
  let items = [tree];
  if (tree[0] === "and" || tree[0] === "or") {
    joiner = tree[0];
    items = tree[1];
  }
  const rows = items.map(rowOf);
  return rows.every(Boolean) ? { rows, joiner } : null;
}

function literal(node) {
  if (node && (node[0] === "str" || node[0] === "num")) return String(node[1]);
  return null;
}

function plainRef(node) {
  return node && node[0] === "ref" && !node[2] ? node[1] : null;
}

function rowOf(node) {
  if (node[0] === "cmp" && plainRef(node[2]) && literal(node[3]) !== null) {
    const isString = node[3][0] === "str";
    let op = node[1];
    if (isString && op === "=") op = "is";
    else if (isString && op === "!=") op = "is_not";
    return { qid: plainRef(node[2]), op, value: literal(node[3]), stringValue: isString };
  }
  if (node[0] === "call" && ["answered", "empty"].includes(node[1]) && node[2].length === 1 && plainRef(node[2][0])) {
    return { qid: plainRef(node[2][0]), op: node[1], value: "" };
  }
  if (node[0] === "call" && node[1] === "selected" && plainRef(node[2][0]) && literal(node[2][1]) !== null) {
    return { qid: plainRef(node[2][0]), op: "selected", value: literal(node[2][1]) };
  }
  if (node[0] === "not" && node[1][0] === "call" && node[1][1] === "selected") {
    const inner = rowOf(node[1]);
    return inner && { ...inner, op: "not_selected" };
  }
  return null;
}

/** Normalise a parsed row to the operator names the form uses for that question's type. */
function fitRow(row, question) {
  if (!question) return row;
  const single = typeSpec(question.type).builder.condition === "single";
  if (single && row.op === "=") return { ...row, op: "is" };
  if (single && row.op === "!=") return { ...row, op: "is_not" };
  if (!single && row.op === "is") return { ...row, op: "=" };
  if (!single && row.op === "is_not") return { ...row, op: "!=" };
  return row;
}

/** A client-side syntax hint for the typed expression, or "" when it parses. */
export function syntaxHint(text) {
  const lib = conditions();
  if (!lib || !text || !text.trim()) return "";
  try {
    lib.parse(text);
    return "";
  } catch (error) {
    return error.position ? t("syntax_error_at", { position: error.position }) : t("syntax_error");
  }
}

const states = new WeakMap();

function stateOf(target) {
  if (!states.has(target)) states.set(target, fromText(target.show_if));
  return states.get(target);
}

function fromText(text) {
  const parsed = parseRows(text);
  if (parsed) return { rows: parsed.rows, joiner: parsed.joiner, complex: false };
  return { rows: [], joiner: "and", complex: true };
}

/**
 * The logic editor of a page or question. *candidates*: earlier questions (objects) it may
 * refer to; *onChange()* is called after target.show_if changed.
 */
export function logicEditor(target, candidates, onChange, registerField) {
  const state = stateOf(target);
  const byId = new Map(candidates.map((q) => [q.id, q]));
  state.rows = state.rows.map((row) => fitRow(row, byId.get(row.qid)));
  const key = keyOf(target);
  const textId = uniqueId("showif");
  const body = h("div", { class: "logic-body" });
  const hint = h("div", { class: "form-text logic-hint", "aria-live": "polite" });
  const textInput = h("input", {
    class: "form-control form-control-sm font-monospace",
    id: textId,
    value: target.show_if || "",
    spellcheck: "false",
    autocomplete: "off",
    dataset: { focus: `${key}:showif` },
  });
  const summary = h("span", { class: "logic-summary text-muted small ms-2" });

  function setExpression(text) {
    if (text) target.show_if = text;
    else delete target.show_if;
    summary.textContent = text ? text : "";
    onChange();
  }

  function fromForm() {
    const text = buildExpression(state.rows, state.joiner, byId);
    textInput.value = text;
    hint.textContent = "";
    setExpression(text);
  }

  function drawRows() {
    body.replaceChildren();
    const unfit = state.rows.some((row) => byId.has(row.qid) && !operatorsFor(byId.get(row.qid).type).some(([op]) => op === row.op));
    if (state.complex || unfit) {
      body.append(h("p", { class: "small text-muted mb-1" }, t("logic_complex")));
      return;
    }
    if (!candidates.length) {
      body.append(h("p", { class: "small text-muted mb-1" }, t("logic_no_earlier")));
      return;
    }
    if (state.rows.length > 1) {
      const joiner = h(
        "select",
        {
          class: "form-select form-select-sm w-auto",
          "aria-label": t("logic_joiner"),
          dataset: { focus: `${key}:joiner` },
          onchange: (event) => {
            state.joiner = event.target.value;
            fromForm();
          },
        },
        h("option", { value: "and", selected: state.joiner === "and" }, t("logic_all")),
        h("option", { value: "or", selected: state.joiner === "or" }, t("logic_any")),
      );
      body.append(h("div", { class: "d-flex align-items-center gap-2 mb-2 small" }, t("logic_show_when"), joiner));
    }
    state.rows.forEach((row, index) => body.append(conditionRow(row, index)));
    body.append(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-sm btn-outline-secondary",
          dataset: { focus: `${key}:addcond` },
          onclick: () => {
            const last = candidates[candidates.length - 1];
            const first = operatorsFor(last.type)[0][0];
            state.rows.push({ qid: last.id, op: first, value: defaultValue(last, first) });
            fromForm();
            drawRows();
            const selects = body.querySelectorAll(".logic-question");
            if (selects.length) selects[selects.length - 1].focus();
          },
        },
        "+ ",
        t("add_condition"),
      ),
    );
  }

  function conditionRow(row, index) {
    const question = byId.get(row.qid);
    const questionSelect = h(
      "select",
      {
        class: "form-select form-select-sm logic-question",
        "aria-label": t("logic_question"),
        dataset: { focus: `${key}:cq${index}` },
        onchange: (event) => {
          const picked = byId.get(event.target.value);
          row.qid = event.target.value;
          row.op = operatorsFor(picked.type)[0][0];
          row.value = defaultValue(picked, row.op);
          fromForm();
          drawRows();
          body.querySelectorAll(".logic-question")[index].focus();
        },
      },
      question ? null : h("option", { value: row.qid, selected: true }, row.qid),
      candidates.map((q) => h("option", { value: q.id, selected: q.id === row.qid }, `${q.id} · ${shorten(q.title) || t("untitled")}`)),
    );
    const ops = operatorsFor(question ? question.type : "");
    const opSelect = h(
      "select",
      {
        class: "form-select form-select-sm logic-op",
        "aria-label": t("logic_operator"),
        dataset: { focus: `${key}:co${index}` },
        onchange: (event) => {
          row.op = event.target.value;
          if (needsValue(row.op) && (row.value === "" || row.value === undefined)) row.value = defaultValue(question, row.op);
          fromForm();
          drawRows();
          body.querySelectorAll(".logic-op")[index].focus();
        },
      },
      ops.map(([value, label]) => h("option", { value, selected: value === row.op }, label)),
    );
    const remove = h(
      "button",
      {
        type: "button",
        class: "btn btn-sm btn-outline-danger",
        "aria-label": t("remove_condition"),
        title: t("remove_condition"),
        onclick: () => {
          state.rows.splice(index, 1);
          fromForm();
          drawRows();
        },
      },
      "×",
    );
    return h("div", { class: "logic-row d-flex flex-wrap gap-2 mb-2" }, questionSelect, opSelect, needsValue(row.op) ? valueInput(row, question, index, fromForm) : null, remove);
  }

  textInput.addEventListener("input", () => {
    const text = textInput.value.trim();
    hint.textContent = syntaxHint(text);
    const fresh = fromText(text);
    Object.assign(state, fresh);
    setExpression(text);
  });
  textInput.addEventListener("change", () => drawRows());
  if (registerField) registerField("show_if", textInput);

  summary.textContent = target.show_if || "";
  drawRows();
  return h(
    "details",
    { class: "logic mt-2", open: Boolean(target.show_if) },
    h("summary", { class: "small fw-semibold" }, t("display_logic"), summary),
    h(
      "div",
      { class: "logic-panel border rounded p-2 mt-1" },
      h("p", { class: "small text-muted mb-2" }, t("logic_intro")),
      body,
      h("label", { class: "form-label small mt-2 mb-1", for: textId }, t("condition_expression")),
      textInput,
      hint,
      h("div", { class: "form-text" }, t("condition_help")),
    ),
  );
}

function shorten(text) {
  const s = String(text || "");
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

/** The scale's points low..high of a rating-like question, else null. */
function scalePoints(question, spec) {
  const scale = spec.scale;
  if (!scale) return null;
  const high = (scale.high_key && Number(question[scale.high_key])) || scale.high;
  return Array.from({ length: high - scale.low + 1 }, (_, i) => String(scale.low + i));
}

function defaultValue(question, op) {
  if (!question || !needsValue(op)) return "";
  const spec = typeSpec(question.type);
  if (Array.isArray(question.options) && question.options.length && !spec.has_rows) return question.options[0].value;
  if (spec.builder.condition_default !== null) return spec.builder.condition_default;
  const points = scalePoints(question, spec);
  return points ? points[points.length - 1] : "";
}

function valueInput(row, question, index, changed) {
  const common = { class: "form-select form-select-sm logic-value", "aria-label": t("logic_value") };
  const spec = typeSpec(question ? question.type : "");
  const points = question ? scalePoints(question, spec) : null;
  let values = null;
  if (question && Array.isArray(question.options) && !spec.has_rows) values = question.options.map((o) => [o.value, o.label || o.value]);
  else if (points) values = points.map((point) => [point, point]);
  if (values) {
    if (row.value !== "" && !values.some(([v]) => v === String(row.value))) values.unshift([String(row.value), String(row.value)]);
    return h(
      "select",
      { ...common, onchange: (event) => { row.value = event.target.value; changed(); } },
      values.map(([value, label]) => h("option", { value, selected: value === String(row.value) }, label)),
    );
  }
  return h("input", {
    ...common,
    class: "form-control form-control-sm logic-value",
    type: { numeric: "number", date: "date" }[spec.builder.condition] || "text",
    value: row.value,
    oninput: (event) => { row.value = event.target.value; changed(); },
  });
}
