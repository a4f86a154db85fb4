/*
 * Answers <-> form inputs, in the shapes of docs/questionnaire-format.md, and the visibility of
 * pages and questions (walked in order, as surveys.validate_answers does on the server).
 */

function checkedValues(block, name) {
  return Array.from(block.querySelectorAll("input")).filter(
    (input) => input.name === name && input.checked,
  ).map((input) => input.value);
}

function named(block, name) {
  return Array.from(block.querySelectorAll("input, select, textarea")).find(
    (input) => input.name === name,
  );
}

function asNumber(text) {
  if (text === "" || text === undefined || text === null) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

function subInputs(block, qid) {
  const prefix = qid + "/";
  const parts = {};
  block.querySelectorAll("input, select").forEach((input) => {
    if (!input.name.startsWith(prefix) || input.name.endsWith("/other_text")) return;
    const part = input.name.slice(prefix.length);
    (parts[part] = parts[part] || []).push(input);
  });
  return parts;
}

/**
 * The answer of one question block, or undefined when unanswered. Read by the block's widget
 * (`data-widget`, the respondent partial its type names in surveys/types.py).
 */
export function readQuestion(block) {
  const qid = block.dataset.question;
  switch (block.dataset.widget) {
    case "radio": {
      const [value] = checkedValues(block, qid);
      return value;
    }
    case "scale":
    case "likelihood": {
      const [value] = checkedValues(block, qid);
      return value === undefined ? undefined : Number(value);
    }
    case "checkboxes": {
      const values = checkedValues(block, qid);
      return values.length ? values : undefined;
    }
    case "select":
    case "line":
    case "textarea":
    case "date_input": {
      const input = named(block, qid);
      return input && input.value !== "" ? input.value : undefined;
    }
    case "number_input":
      return asNumber(named(block, qid).value);
    case "range": {
      const input = named(block, qid);
      return input.dataset.touched ? asNumber(input.value) : undefined;
    }
    case "agreement":
      return named(block, qid).checked ? true : undefined;
    case "grid":
    case "kano_pair": {
      const rows = {};
      Object.entries(subInputs(block, qid)).forEach(([row, inputs]) => {
        const chosen = inputs.filter((i) => i.checked).map((i) => i.value);
        if (!chosen.length) return;
        rows[row] = inputs[0].type === "checkbox" ? chosen : chosen[0];
      });
      return Object.keys(rows).length ? rows : undefined;
    }
    case "ranks": {
      const ranked = Object.entries(subInputs(block, qid))
        .map(([option, [select]]) => [Number(select.value), option])
        .filter(([rank]) => rank > 0)
        .sort((a, b) => a[0] - b[0])
        .map(([, option]) => option);
      return ranked.length ? ranked : undefined;
    }
    default:
      return undefined;
  }
}

/** Every answer typed in the form (hidden questions included: the respondent may go back). */
export function readAnswers(form) {
  const answers = {};
  form.querySelectorAll(".question[data-question]").forEach((block) => {
    const qid = block.dataset.question;
    const value = readQuestion(block);
    if (value !== undefined) answers[qid] = value;
    const other = named(block, qid + "/other_text");
    if (other && other.value.trim() !== "") answers[qid + "/other_text"] = other.value;
  });
  return answers;
}

/** Put saved answers back into the inputs (from localStorage). */
export function fillAnswers(form, answers) {
  form.querySelectorAll(".question[data-question]").forEach((block) => {
    const qid = block.dataset.question;
    const value = answers[qid];
    const other = named(block, qid + "/other_text");
    if (other && typeof answers[qid + "/other_text"] === "string") {
      other.value = answers[qid + "/other_text"];
    }
    if (value === undefined || value === null) return;
    const widget = block.dataset.widget;
    if (widget === "grid" || widget === "kano_pair" || widget === "ranks") {
      Object.entries(subInputs(block, qid)).forEach(([part, inputs]) => {
        if (widget === "ranks") {
          const rank = Array.isArray(value) ? value.indexOf(part) + 1 : 0;
          inputs[0].value = rank > 0 ? String(rank) : "";
          return;
        }
        const chosen = value[part];
        inputs.forEach((input) => {
          input.checked = Array.isArray(chosen) ? chosen.includes(input.value) : chosen === input.value;
        });
      });
      return;
    }
    block.querySelectorAll("input, select, textarea").forEach((input) => {
      if (input.name !== qid) return;
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked =
          widget === "agreement"
            ? value === true
            : Array.isArray(value)
              ? value.includes(input.value)
              : String(value) === input.value;
      } else {
        input.value = String(value);
        if (input.type === "range") input.dataset.touched = "1";
      }
    });
  });
}

function holds(conditions, expression, answers) {
  if (!expression) return true;
  try {
    return conditions.conditionHolds(expression, answers);
  } catch (error) {
    return true; // the server decides; a broken condition must not hide a question
  }
}

/**
 * Show or hide questions by their conditions, walking pages in order; returns the visible
 * pages and the answers accepted so far (those of visible questions: what the server keeps).
 */
export function visibility(form, pages, answers, conditions) {
  const accepted = {};
  const shownPages = new Set();
  pages.forEach((page) => {
    const pageShown = holds(conditions, page.dataset.showIf, accepted);
    if (pageShown) shownPages.add(page);
    page.querySelectorAll(".question[data-question]").forEach((block) => {
      const qid = block.dataset.question;
      const shown = pageShown && holds(conditions, block.dataset.showIf, accepted);
      block.hidden = !shown;
      if (!shown) return;
      if (answers[qid] !== undefined) accepted[qid] = answers[qid];
      if (answers[qid + "/other_text"] !== undefined) {
        accepted[qid + "/other_text"] = answers[qid + "/other_text"];
      }
    });
  });
  return { pages: shownPages, accepted };
}
