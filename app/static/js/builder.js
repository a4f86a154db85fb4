// The questionnaire builder (issue 4): edits the draft definition held by the server, saves it
// as the researcher types, shows the server's problems beside the card they concern and a
// phone-sized preview. Plain ES modules, no framework; strings come from #builder-messages.

import { Autosave } from "./builder/autosave.js";
import { h, setMessages, t } from "./builder/dom.js";
import { renderEditor } from "./builder/editor.js";
import { IdSource, keyOf, layoutOf, locate, setQuestionTypes } from "./builder/model.js";
import { conflictAlert, jsonSwitch, restoreAlert, showUndo } from "./builder/panels.js";

const root = document.getElementById("builder");
setMessages(JSON.parse(document.getElementById("builder-messages").textContent));

const statusLine = document.getElementById("save-status");
const summary = document.getElementById("problem-summary");
const publishForm = document.getElementById("publish-form");

const editorPane = h("div", { class: "builder-editor" });
const jsonPane = h("div", { class: "builder-json", hidden: true });
const alerts = h("div", { class: "builder-alerts" });
const toastArea = h("div", { class: "builder-toast-area", "aria-live": "polite" });
const iframe = h("iframe", { class: "preview-frame", title: t("preview_title"), sandbox: "allow-same-origin", id: "builder-preview" });

const questionTypes = JSON.parse(root.dataset.questionTypes || "[]");
setQuestionTypes(questionTypes);

const ctx = {
  definition: null,
  ids: new IdSource(),
  questionTypes,
  fields: new Map(),
  problemBoxes: new Map(),
  problems: [],
  layout: [],
  pendingFocus: null,
  changed: () => autosave.changed(),
  structural(change) {
    const focus = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.focus : null;
    if (change() === false) return;
    render(focus);
    autosave.changed();
  },
  focusAfter(key) {
    ctx.pendingFocus = key;
  },
  registerField(obj, field, el) {
    if (!ctx.fields.has(obj)) ctx.fields.set(obj, new Map());
    ctx.fields.get(obj).set(field, el);
  },
  registerProblems(obj, el) {
    ctx.problemBoxes.set(obj, el);
  },
  removeWithUndo(list, item, message) {
    const index = list.indexOf(item);
    if (index === -1) return;
    ctx.structural(() => list.splice(index, 1));
    showUndo(toastArea, message, () =>
      ctx.structural(() => {
        list.splice(Math.min(index, list.length), 0, item);
        ctx.focusAfter(`${keyOf(item)}:card`);
      }),
    );
  },
};

const autosave = new Autosave({
  url: root.dataset.draftUrl,
  csrfToken: root.dataset.csrfToken,
  revision: 0,
  storageKey: `wenfang.builder:${root.dataset.draftUrl}`,
  getDefinition: () => ctx.definition,
  layoutOf,
  onSaved(result, layout) {
    ctx.problems = result.problems || [];
    ctx.layout = layout;
    applyProblems();
    refreshPreview();
  },
  onConflict(message) {
    alerts.replaceChildren(conflictAlert(message));
  },
  status(text, kind) {
    statusLine.textContent = text;
    statusLine.dataset.state = kind;
    statusLine.classList.toggle("text-danger", kind === "conflict" || kind === "failed" || kind === "retrying");
  },
});

function render(focusKey) {
  ctx.fields = new Map();
  ctx.problemBoxes = new Map();
  editorPane.replaceChildren(renderEditor(ctx));
  applyProblems();
  const wanted = ctx.pendingFocus || focusKey;
  ctx.pendingFocus = null;
  if (!wanted) return;
  let target = editorPane.querySelector(`[data-focus="${CSS.escape(wanted)}"]`);
  if (!target || target.disabled) {
    const owner = wanted.split(":")[0];
    target = editorPane.querySelector(`[data-focus="${CSS.escape(`${owner}:card`)}"]`);
    const sibling = target && target.querySelector(`[data-focus^="${CSS.escape(owner)}:"]:not([disabled])`);
    if (sibling && /:(up|down)$/.test(wanted)) target = sibling;
  }
  if (target) target.focus();
}

/** Put each server problem beside the card (or option) it concerns; count them by the button. */
function applyProblems() {
  for (const box of ctx.problemBoxes.values()) box.replaceChildren();
  for (const el of editorPane.querySelectorAll(".is-invalid, .is-warning, .has-error")) {
    if (!el.matches("[id^=qid]")) el.classList.remove("is-invalid", "is-warning", "has-error");
  }
  let errors = 0;
  let warnings = 0;
  let firstError = null;
  for (const problem of ctx.problems) {
    const isError = problem.severity === "error";
    if (isError) errors += 1;
    else warnings += 1;
    const place = locate(problem.path, ctx.layout);
    const owner = [place.item, place.question, place.page].find((obj) => obj && ctx.problemBoxes.has(obj)) || ctx.definition;
    const box = ctx.problemBoxes.get(owner);
    if (!box) continue;
    box.append(h("div", { class: isError ? "problem problem-error" : "problem problem-warning", dataset: { code: problem.code } }, isError ? "⛔ " : "⚠ ", problem.message));
    const fieldOwner = place.item || place.question || place.page || ctx.definition;
    const field = ctx.fields.get(fieldOwner) && ctx.fields.get(fieldOwner).get(place.field);
    if (field) field.classList.add(isError ? "is-invalid" : "is-warning");
    if (field && place.field === "show_if") field.closest("details").open = true;
    const card = box.closest(".builder-question, .builder-page");
    if (card && isError) {
      card.classList.add("has-error");
      firstError = firstError || card;
    }
  }
  if (!summary) return;
  summary.replaceChildren();
  if (errors || warnings) {
    const parts = [];
    if (errors) parts.push(t("n_errors", { n: errors }));
    if (warnings) parts.push(t("n_warnings", { n: warnings }));
    summary.append(
      h(
        "button",
        {
          type: "button",
          class: `btn btn-sm btn-link p-0 ${errors ? "text-danger" : "text-warning-emphasis"}`,
          onclick: () => {
            const target = firstError || editorPane.querySelector(".problem");
            if (!target) return;
            target.scrollIntoView({ block: "center" });
            const focusable = target.matches("[tabindex]") ? target : target.closest("[tabindex]");
            if (focusable) focusable.focus({ preventScroll: true });
          },
        },
        parts.join(" · "),
      ),
    );
  }
}

let previewGeneration = 0;
async function refreshPreview() {
  previewGeneration += 1;
  const mine = previewGeneration;
  try {
    const response = await fetch(root.dataset.previewUrl, { credentials: "same-origin" });
    const html = await response.text();
    // srcdoc, not src: the app forbids being framed (frame-ancestors 'none'); a same-origin
    // document we fetched ourselves is shown without scripts.
    if (mine === previewGeneration) iframe.srcdoc = html;
  } catch (error) {
    // The preview is a convenience; the next save tries again.
  }
}

/** Replace the whole definition (JSON view, restored copy) and save it. */
function replaceDefinition(definition) {
  ctx.definition = definition;
  ctx.ids.observe(definition);
  render(null);
  autosave.changed();
}

function layoutPage() {
  const [formTab, jsonTab] = jsonSwitch(editorPane, jsonPane, () => ctx.definition, replaceDefinition);
  root.replaceChildren(
    h(
      "div",
      { class: "row g-4" },
      h(
        "div",
        { class: "col-lg-7 col-xl-8" },
        alerts,
        h(
          "div",
          { class: "d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2" },
          h("div", { class: "btn-group", role: "group", "aria-label": t("view") }, formTab, jsonTab),
          h("span", { class: "small text-muted" }, t("autosave_note")),
        ),
        editorPane,
        jsonPane,
      ),
      h(
        "aside",
        { class: "col-lg-5 col-xl-4 builder-preview", "aria-label": t("preview") },
        h(
          "div",
          { class: "preview-sticky" },
          h("div", { class: "d-flex justify-content-between align-items-center mb-2" }, h("h2", { class: "h6 mb-0" }, t("preview")), h("button", { type: "button", class: "btn btn-sm btn-link", onclick: refreshPreview }, t("refresh"))),
          h("div", { class: "phone-frame" }, iframe),
        ),
      ),
    ),
    toastArea,
  );
}

async function load() {
  layoutPage();
  autosave.status(t("loading"), "loading");
  let data;
  try {
    const response = await fetch(root.dataset.draftUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    data = await response.json();
  } catch (error) {
    autosave.status(t("load_failed"), "failed");
    alerts.replaceChildren(h("div", { class: "alert alert-danger", role: "alert" }, t("load_failed"), " ", h("button", { type: "button", class: "btn btn-sm btn-outline-danger", onclick: () => window.location.reload() }, t("reload"))));
    return;
  }
  ctx.definition = data.definition && typeof data.definition === "object" ? data.definition : { schema_version: 1, title: "", pages: [] };
  autosave.revision = data.revision;
  ctx.ids.observe(ctx.definition);
  ctx.problems = data.problems || [];
  ctx.layout = layoutOf(ctx.definition);
  render(null);
  autosave.status(t("save_ok"), "saved");
  refreshPreview();
  const copy = autosave.latestLocalCopy(ctx.definition);
  if (copy) {
    alerts.replaceChildren(restoreAlert(copy, root.dataset.locale, () => replaceDefinition(copy.definition), () => autosave.forgetLocal()));
  }
}

if (publishForm) {
  publishForm.addEventListener("submit", (event) => {
    if (!autosave.dirty && !autosave.inFlight) return;
    event.preventDefault();
    autosave.flush().then(
      () => publishForm.submit(),
      () => {},
    );
  });
}

window.addEventListener("beforeunload", (event) => {
  // After a conflict the copy stays in localStorage and the page offers it again on load.
  if (!autosave.stopped && (autosave.dirty || autosave.inFlight)) event.preventDefault();
});

load();
