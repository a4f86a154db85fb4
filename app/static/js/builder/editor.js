// Pages and question cards of the builder. Structural edits (add, move, delete, change type)
// go through ctx.structural(fn), which redraws and puts the focus back where it was; typing
// only updates the definition, so a redraw never interrupts an input method mid-word.

import { dragHandle, dropTarget } from "./dnd.js";
import { h, t, uniqueId } from "./dom.js";
import { checkField, iconButton, textField, typeFields } from "./fields.js";
import { logicEditor } from "./logic.js";
import { allQuestions, changeType, duplicateQuestion, isAnswerable, isValidId, keyOf, moveWithin, newPage, newQuestion, pagesOf } from "./model.js";

export function renderEditor(ctx) {
  const definition = ctx.definition;
  const pages = pagesOf(definition);
  const ordered = allQuestions(definition);
  const numbers = new Map();
  let n = 0;
  for (const { question } of ordered) {
    if (isAnswerable(question.type)) n += 1;
    numbers.set(question, n);
  }
  const header = h(
    "section",
    { class: "card builder-meta mb-3" },
    h(
      "div",
      { class: "card-body" },
      textField(ctx, definition, "title", t("questionnaire_title")),
      textField(ctx, definition, "description", t("questionnaire_description"), { multiline: true }),
      textField(ctx, definition, "notes", t("questionnaire_notes"), { multiline: true, help: t("questionnaire_notes_help") }),
      h("div", { class: "form-text piping-help" }, t("piping_help")),
      h("div", { class: "invalid-feedback d-block small", id: "builder-general-problems" }),
    ),
  );
  ctx.registerProblems(definition, header.querySelector("#builder-general-problems"));
  const cards = pages.map((page, index) => pageCard(ctx, page, index, pages, ordered, numbers));
  const addPage = h(
    "button",
    {
      type: "button",
      class: "btn btn-outline-primary",
      id: "add-page",
      dataset: { focus: "add-page" },
      onclick: () =>
        ctx.structural(() => {
          const page = newPage(ctx.ids.take("p", definition));
          pages.push(page);
          ctx.focusAfter(`${keyOf(page)}:title`);
        }),
    },
    "+ ",
    t("add_page"),
  );
  return h("div", { class: "builder-pages" }, header, cards, addPage);
}

function pageCard(ctx, page, pageIndex, pages, ordered, numbers) {
  const questions = page.questions || (page.questions = []);
  const key = keyOf(page);
  const earlier = ordered.filter((entry) => entry.pageIndex < pageIndex && isAnswerable(entry.question.type)).map((e) => e.question);
  const titleId = uniqueId("page-title");
  const titleInput = h("input", {
    class: "form-control",
    id: titleId,
    value: page.title || "",
    placeholder: t("page_title_placeholder"),
    dataset: { focus: `${key}:title` },
    oninput: (event) => {
      page.title = event.target.value;
      ctx.changed();
    },
  });
  ctx.registerField(page, "title", titleInput);
  const problems = h("div", { class: "invalid-feedback d-block small page-problems", role: "status" });
  ctx.registerProblems(page, problems);
  const list = h("ol", { class: "list-unstyled question-list mb-2", "aria-label": t("questions_of_page", { n: pageIndex + 1 }) });
  questions.forEach((question, index) => list.append(questionCard(ctx, question, page, pageIndex, index, pages, ordered, numbers)));
  if (!questions.length) list.append(h("li", { class: "empty-page text-muted small" }, t("empty_page")));
  dropTarget(list, (p) => p.kind === "question", (p) => ctx.structural(() => moveQuestionTo(pages, p.question, page, questions.length)), { into: true });

  const typeId = uniqueId("new-type");
  const typeSelect = h(
    "select",
    { class: "form-select form-select-sm w-auto", id: typeId, dataset: { focus: `${key}:newtype` } },
    ctx.questionTypes.map((type) => h("option", { value: type.name }, type.label)),
  );
  const addQuestion = h(
    "button",
    {
      type: "button",
      class: "btn btn-sm btn-primary",
      dataset: { focus: `${key}:addq` },
      onclick: () =>
        ctx.structural(() => {
          const question = newQuestion(typeSelect.value, ctx.ids.take("q", ctx.definition));
          questions.push(question);
          ctx.focusAfter(`${keyOf(question)}:title`);
        }),
    },
    "+ ",
    t("add_question"),
  );
  const card = h(
    "section",
    { class: "card builder-page mb-3", dataset: { pageId: page.id, focus: `${key}:card` }, tabindex: "-1" },
    h(
      "div",
      { class: "card-header builder-page-header" },
      h(
        "div",
        { class: "d-flex align-items-center gap-2" },
        h("label", { class: "page-label fw-semibold text-nowrap mb-0", for: titleId }, t("page_n", { n: pageIndex + 1 })),
        titleInput,
        h(
          "div",
          { class: "btn-group flex-shrink-0", role: "group", "aria-label": t("page_actions") },
          iconButton(t("move_page_up"), "↑", () => ctx.structural(() => moveWithin(pages, pageIndex, pageIndex - 1)), { focus: `${key}:up`, disabled: pageIndex === 0 }),
          iconButton(t("move_page_down"), "↓", () => ctx.structural(() => moveWithin(pages, pageIndex, pageIndex + 1)), { focus: `${key}:down`, disabled: pageIndex === pages.length - 1 }),
          iconButton(t("delete_page"), "×", () => ctx.removeWithUndo(pages, page, t("page_deleted")), { danger: true, disabled: pages.length === 1 }),
        ),
      ),
      logicEditor(page, earlier, ctx.changed, (field, el) => ctx.registerField(page, field, el)),
      problems,
    ),
    h(
      "div",
      { class: "card-body" },
      list,
      h("div", { class: "d-flex flex-wrap align-items-center gap-2 add-question" }, h("label", { class: "small", for: typeId }, t("question_type")), typeSelect, addQuestion),
    ),
  );
  return card;
}

function moveQuestionTo(pages, question, page, index) {
  for (const p of pages) {
    const at = (p.questions || []).indexOf(question);
    if (at !== -1) {
      p.questions.splice(at, 1);
      if (p === page && at < index) index -= 1;
      break;
    }
  }
  page.questions.splice(index, 0, question);
  return true;
}

/** Up/down within the page, and across to the neighbouring page at its ends. */
function step(pages, question, page, pageIndex, index, delta) {
  const questions = page.questions;
  const target = index + delta;
  if (target >= 0 && target < questions.length) return moveWithin(questions, index, target);
  const other = pages[pageIndex + delta];
  if (!other) return false;
  return moveQuestionTo(pages, question, other, delta < 0 ? other.questions.length : 0);
}

function questionCard(ctx, q, page, pageIndex, index, pages, ordered, numbers) {
  const key = keyOf(q);
  const position = ordered.findIndex((entry) => entry.question === q);
  const earlier = ordered.slice(0, position).map((e) => e.question).filter((x) => isAnswerable(x.type));
  const typeLabel = (ctx.questionTypes.find((type) => type.name === q.type) || { label: q.type }).label;
  const first = pageIndex === 0 && index === 0;
  const last = pageIndex === pages.length - 1 && index === page.questions.length - 1;
  const handle = h("span", { class: "drag-handle", title: t("drag_to_move"), "aria-hidden": "true" }, "⋮⋮");
  const idLabel = h("code", { class: "small question-id" }, q.id);
  const typeId = uniqueId("type");
  const problems = h("div", { class: "invalid-feedback d-block question-problems", role: "status" });
  ctx.registerProblems(q, problems);
  const card = h(
    "li",
    { class: "card builder-question mb-2", dataset: { qid: q.id, focus: `${key}:card` }, tabindex: "-1" },
    h(
      "div",
      { class: "card-header d-flex align-items-center gap-2 py-1" },
      handle,
      h("span", { class: "badge text-bg-light border" }, isAnswerable(q.type) ? `${numbers.get(q)}. ${typeLabel}` : typeLabel),
      idLabel,
      h(
        "div",
        { class: "btn-group ms-auto", role: "group", "aria-label": t("question_actions") },
        iconButton(t("move_up"), "↑", () => ctx.structural(() => step(pages, q, page, pageIndex, index, -1)), { focus: `${key}:up`, disabled: first }),
        iconButton(t("move_down"), "↓", () => ctx.structural(() => step(pages, q, page, pageIndex, index, 1)), { focus: `${key}:down`, disabled: last }),
        iconButton(t("duplicate"), t("copy"), () =>
          ctx.structural(() => {
            const copy = duplicateQuestion(q, ctx.ids, ctx.definition);
            page.questions.splice(index + 1, 0, copy);
            ctx.focusAfter(`${keyOf(copy)}:title`);
          }),
        ),
        iconButton(t("delete_question"), "×", () => ctx.removeWithUndo(page.questions, q, t("question_deleted")), { danger: true }),
      ),
    ),
    h(
      "div",
      { class: "card-body" },
      problems,
      textField(ctx, q, "title", isAnswerable(q.type) ? t("question_title") : t("section_title")),
      textField(ctx, q, "description", t("question_description"), { placeholder: t("optional") }),
      h(
        "div",
        { class: "d-flex flex-wrap align-items-center gap-3 mb-2" },
        h(
          "div",
          { class: "d-flex align-items-center gap-2" },
          h("label", { class: "small", for: typeId }, t("type")),
          h(
            "select",
            {
              class: "form-select form-select-sm w-auto",
              id: typeId,
              dataset: { focus: `${key}:type` },
              onchange: (event) => ctx.structural(() => changeType(q, event.target.value)),
            },
            ctx.questionTypes.map((type) => h("option", { value: type.name, selected: type.name === q.type }, type.label)),
          ),
        ),
        isAnswerable(q.type) ? checkField(ctx, q, "required", t("required"), { keepFalse: true }) : null,
        isAnswerable(q.type) ? privacyField(ctx, q) : null,
      ),
      typeFields(ctx, q),
      logicEditor(q, earlier, ctx.changed, (field, el) => ctx.registerField(q, field, el)),
      advanced(ctx, q, idLabel),
    ),
  );
  dragHandle(handle, card, { kind: "question", question: q });
  dropTarget(card, (p) => p.kind === "question" && p.question !== q, (p, before) =>
    ctx.structural(() => {
      moveQuestionTo(pages, p.question, page, page.questions.indexOf(q) + (before ? 0 : 1));
      return true;
    }),
  );
  return card;
}

/** Personal information (PIPL): none, personal (encrypted, masked) or sensitive (art. 28, also
 * its own consent); "none" removes the key. */
function privacyField(ctx, q) {
  const id = uniqueId("privacy");
  const choices = [["none", t("privacy_none")], ["personal", t("privacy_personal")], ["sensitive", t("privacy_sensitive")]];
  const select = h(
    "select",
    {
      class: "form-select form-select-sm w-auto question-privacy",
      id,
      dataset: { focus: `${keyOf(q)}:privacy` },
      onchange: (event) => {
        if (event.target.value === "none") delete q.privacy;
        else q.privacy = event.target.value;
        ctx.changed();
      },
    },
    choices.map(([value, text]) => h("option", { value, selected: value === (q.privacy || "none") }, text)),
  );
  ctx.registerField(q, "privacy", select);
  return h("div", { class: "d-flex align-items-center gap-2" }, h("label", { class: "small", for: id }, t("privacy")), select);
}

function advanced(ctx, q, idLabel) {
  const id = uniqueId("qid");
  const feedback = h("div", { class: "invalid-feedback" });
  const input = h("input", {
    class: "form-control form-control-sm font-monospace w-auto",
    id,
    value: q.id,
    spellcheck: "false",
    autocomplete: "off",
    dataset: { focus: `${keyOf(q)}:id` },
    oninput: (event) => {
      const value = event.target.value.trim();
      const taken = allQuestions(ctx.definition).some((e) => e.question !== q && e.question.id === value);
      let message = "";
      if (!isValidId(value)) message = t("id_invalid");
      else if (taken) message = t("id_taken", { id: value });
      input.classList.toggle("is-invalid", Boolean(message));
      feedback.textContent = message;
      if (message) return;
      q.id = value;
      idLabel.textContent = value;
      input.closest(".builder-question").dataset.qid = value;
      ctx.changed();
    },
  });
  ctx.registerField(q, "id", input);
  return h(
    "details",
    { class: "mt-2 advanced" },
    h("summary", { class: "small text-muted" }, t("advanced")),
    h("div", { class: "mt-2" }, h("label", { class: "form-label small mb-1", for: id }, t("question_id")), input, feedback, h("div", { class: "form-text" }, t("question_id_help"))),
  );
}
