// Form controls bound to keys of the definition, and the type-specific settings of a question.

import { dragHandle, dropTarget } from "./dnd.js";
import { h, t, uniqueId } from "./dom.js";
import { keyOf, moveWithin, newOption, newRow, optionFlags, typeSpec } from "./model.js";

/** A labelled text input or textarea bound to obj[key]. */
export function textField(ctx, obj, key, label, { multiline = false, placeholder = "", help = "", className = "" } = {}) {
  const id = uniqueId(key);
  const input = h(multiline ? "textarea" : "input", {
    class: "form-control form-control-sm",
    id,
    rows: multiline ? 2 : null,
    placeholder: placeholder || null,
    value: obj[key] == null ? "" : String(obj[key]),
    dataset: { focus: `${keyOf(obj)}:${key}` },
    oninput: (event) => {
      obj[key] = event.target.value;
      ctx.changed();
    },
  });
  ctx.registerField(obj, key, input);
  return h(
    "div",
    { class: `mb-2 ${className}` },
    h("label", { class: "form-label small mb-1", for: id }, label),
    input,
    help ? h("div", { class: "form-text" }, help) : null,
  );
}

/** A number input bound to obj[key]; an empty box removes the key. */
export function numberField(ctx, obj, key, label, { integer = false, inputType = "number" } = {}) {
  const id = uniqueId(key);
  const numeric = inputType === "number";
  const input = h("input", {
    class: "form-control form-control-sm",
    id,
    type: inputType,
    step: numeric ? (integer ? "1" : "any") : null,
    inputmode: numeric ? (integer ? "numeric" : "decimal") : null,
    value: obj[key] == null ? "" : String(obj[key]),
    dataset: { focus: `${keyOf(obj)}:${key}` },
    oninput: (event) => {
      const raw = event.target.value.trim();
      if (!numeric) {
        if (raw) obj[key] = raw;
        else delete obj[key];
      } else {
        const number = integer ? Number.parseInt(raw, 10) : Number.parseFloat(raw);
        if (raw === "" || !Number.isFinite(number)) delete obj[key];
        else obj[key] = number;
      }
      ctx.changed();
    },
  });
  ctx.registerField(obj, key, input);
  return h("div", { class: "col-6 col-md-4" }, h("label", { class: "form-label small mb-1", for: id }, label), input);
}

/** A checkbox bound to obj[key]; unchecked removes the key unless *keepFalse*. A *negated*
 * box is ticked when obj[key] is false (a ticked "Not scored" writes `"scored": false`). */
export function checkField(ctx, obj, key, label, { keepFalse = false, negated = false, onToggle = null } = {}) {
  const id = uniqueId(key);
  const input = h("input", {
    class: "form-check-input",
    type: "checkbox",
    id,
    checked: negated ? obj[key] === false : Boolean(obj[key]),
    dataset: { focus: `${keyOf(obj)}:${key}` },
    onchange: (event) => {
      if (event.target.checked) obj[key] = !negated;
      else if (keepFalse) obj[key] = false;
      else delete obj[key];
      ctx.changed();
      if (onToggle) onToggle();
    },
  });
  return h("div", { class: "form-check form-check-inline" }, input, h("label", { class: "form-check-label small", for: id }, label));
}

function selectField(ctx, obj, key, label, choices, onPick) {
  const id = uniqueId(key);
  const select = h(
    "select",
    {
      class: "form-select form-select-sm",
      id,
      dataset: { focus: `${keyOf(obj)}:${key}` },
      onchange: (event) => onPick(event.target.value),
    },
    choices.map(([value, text]) => h("option", { value, selected: value === choiceValue(obj, key, choices) }, text)),
  );
  ctx.registerField(obj, key, select);
  return h("div", { class: "col-6 col-md-4" }, h("label", { class: "form-label small mb-1", for: id }, label), select);
}

function choiceValue(obj, key, choices) {
  const value = obj[key] == null ? "" : String(obj[key]);
  if (key === "pattern" && value && !["phone", "email"].includes(value)) return "custom";
  return choices.some(([v]) => v === value) ? value : choices[0][0];
}

function iconButton(label, symbol, onclick, { focus = null, disabled = false, danger = false } = {}) {
  return h(
    "button",
    {
      type: "button",
      class: `btn btn-sm ${danger ? "btn-outline-danger" : "btn-outline-secondary"} icon-button`,
      "aria-label": label,
      title: label,
      disabled,
      dataset: focus ? { focus } : null,
      onclick,
    },
    h("span", { "aria-hidden": "true" }, symbol),
  );
}
export { iconButton };

/** Options (or matrix rows) with value + label, flags, move, drag and delete. */
function itemList(ctx, question, listKey) {
  const items = question[listKey] || (question[listKey] = []);
  const isRows = listKey === "rows";
  const list = h("ol", { class: "list-unstyled option-list mb-1" });
  items.forEach((item, index) => {
    const itemKey = keyOf(item);
    const valueInput = h("input", {
      class: "form-control form-control-sm option-value",
      "aria-label": isRows ? t("row_value") : t("option_value"),
      value: item.value,
      dataset: { focus: `${itemKey}:value` },
      oninput: (event) => {
        item.value = event.target.value;
        ctx.changed();
      },
    });
    const labelInput = h("input", {
      class: "form-control form-control-sm option-label",
      "aria-label": isRows ? t("row_label") : t("option_label"),
      value: item.label,
      dataset: { focus: `${itemKey}:label` },
      oninput: (event) => {
        item.label = event.target.value;
        ctx.changed();
      },
    });
    ctx.registerField(item, "value", valueInput);
    ctx.registerField(item, "label", labelInput);
    const flags = [];
    const allowed = isRows ? [] : optionFlags(question.type);
    if (allowed.includes("other")) flags.push(checkField(ctx, item, "other", t("flag_other")));
    if (allowed.includes("exclusive")) flags.push(checkField(ctx, item, "exclusive", t("flag_exclusive")));
    if (allowed.includes("scored")) flags.push(checkField(ctx, item, "scored", t("flag_not_scored"), { negated: true }));
    const handle = h("span", { class: "drag-handle", title: t("drag_to_move"), "aria-hidden": "true" }, "⋮⋮");
    const row = h(
      "li",
      { class: "option-row", dataset: { option: item.value } },
      h(
        "div",
        { class: "option-line d-flex flex-wrap flex-md-nowrap gap-1 align-items-center" },
        handle,
        valueInput,
        labelInput,
        flags.length ? h("div", { class: "option-flags" }, flags) : null,
        iconButton(t("move_up"), "↑", () => ctx.structural(() => moveWithin(items, index, index - 1)), { focus: `${itemKey}:up`, disabled: index === 0 }),
        iconButton(t("move_down"), "↓", () => ctx.structural(() => moveWithin(items, index, index + 1)), { focus: `${itemKey}:down`, disabled: index === items.length - 1 }),
        iconButton(isRows ? t("delete_row") : t("delete_option"), "×", () => ctx.removeWithUndo(items, item, isRows ? t("row_deleted") : t("option_deleted")), { danger: true }),
      ),
      h("div", { class: "invalid-feedback d-block small option-problems" }),
    );
    ctx.registerProblems(item, row.lastChild);
    dragHandle(handle, row, { kind: listKey, list: items, item });
    dropTarget(row, (p) => p.kind === listKey && p.list === items, (p, before) => {
      ctx.structural(() => {
        const from = items.indexOf(p.item);
        let to = items.indexOf(item) + (before ? 0 : 1);
        if (from < to) to -= 1;
        moveWithin(items, from, to);
      });
    });
    list.append(row);
  });
  const add = h(
    "button",
    {
      type: "button",
      class: "btn btn-sm btn-link px-0",
      dataset: { focus: `${keyOf(question)}:add-${listKey}` },
      onclick: () => ctx.structural(() => items.push(isRows ? newRow(items) : newOption(items))),
    },
    "+ ",
    isRows ? t("add_row") : t("add_option"),
  );
  return h("div", { class: "mb-2" }, h("div", { class: "small fw-semibold mb-1" }, isRows ? t("rows") : typeSpec(question.type).has_rows ? t("scale") : t("options")), list, add);
}

/** The settings that depend on the question's type: the editor its registry entry names. */
export function typeFields(ctx, q) {
  const parts = [];
  const row = (...cells) => h("div", { class: "row g-2 mb-2" }, cells);
  switch (typeSpec(q.type).builder.editor) {
    case "options":
      parts.push(itemList(ctx, q, "options"), checkField(ctx, q, "randomize", t("randomize")));
      break;
    case "counted_options":
      parts.push(
        itemList(ctx, q, "options"),
        checkField(ctx, q, "randomize", t("randomize")),
        row(numberField(ctx, q, "min_selected", t("min_selected"), { integer: true }), numberField(ctx, q, "max_selected", t("max_selected"), { integer: true })),
      );
      break;
    case "grid":
      parts.push(itemList(ctx, q, "rows"), itemList(ctx, q, "options"), checkField(ctx, q, "multiple", t("matrix_multiple")), checkField(ctx, q, "randomize", t("randomize")));
      break;
    case "rating_scale":
      parts.push(
        row(
          numberField(ctx, q, "max", t("rating_max"), { integer: true }),
          selectField(ctx, q, "style", t("rating_style"), [["stars", t("style_stars")], ["numbers", t("style_numbers")]], (v) => {
            q.style = v;
            ctx.changed();
          }),
        ),
        row(
          textField(ctx, q, "min_label", t("rating_min_label"), { placeholder: t("rating_min_default") }),
          textField(ctx, q, "max_label", t("rating_max_label"), { placeholder: t("rating_max_default") }),
        ),
      );
      break;
    case "number_range":
      parts.push(row(numberField(ctx, q, "min", t("minimum")), numberField(ctx, q, "max", t("maximum"))), checkField(ctx, q, "integer", t("integer_only")));
      break;
    case "slider_range":
      parts.push(row(numberField(ctx, q, "min", t("minimum")), numberField(ctx, q, "max", t("maximum")), numberField(ctx, q, "step", t("step"))));
      break;
    case "text_line":
      parts.push(
        row(
          numberField(ctx, q, "min_length", t("min_length"), { integer: true }),
          numberField(ctx, q, "max_length", t("max_length"), { integer: true }),
          selectField(ctx, q, "pattern", t("pattern"), [["", t("pattern_none")], ["phone", t("pattern_phone")], ["email", t("pattern_email")], ["custom", t("pattern_custom")]], (v) => {
            if (!v) delete q.pattern;
            else if (v === "custom") q.pattern = "^.+$";
            else q.pattern = v;
            ctx.structural(() => true);
          }),
        ),
      );
      if (q.pattern && !["phone", "email"].includes(q.pattern)) parts.push(textField(ctx, q, "pattern", t("pattern_regex"), { className: "font-monospace" }));
      break;
    case "text_area":
      parts.push(row(numberField(ctx, q, "min_length", t("min_length"), { integer: true }), numberField(ctx, q, "max_length", t("max_length"), { integer: true })));
      break;
    case "date_range":
      parts.push(row(numberField(ctx, q, "min", t("earliest_date"), { inputType: "date" }), numberField(ctx, q, "max", t("latest_date"), { inputType: "date" })));
      break;
    case "kano_prompts":
      parts.push(
        textField(ctx, q, "functional_title", t("kano_functional"), { placeholder: t("kano_functional_default") }),
        textField(ctx, q, "dysfunctional_title", t("kano_dysfunctional"), { placeholder: t("kano_dysfunctional_default") }),
      );
      break;
    case "consent_text":
      parts.push(textField(ctx, q, "text", t("consent_text"), { multiline: true }));
      break;
    case "note_body":
      parts.push(textField(ctx, q, "body", t("text_body"), { multiline: true, help: t("piping_help") }));
      break;
    default:
      break;
  }
  return parts;
}
