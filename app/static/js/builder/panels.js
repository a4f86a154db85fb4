// The builder's side panels: the undo toast, the advanced JSON view, and the alerts that offer
// a reload (conflict) or a restore (a copy left in this browser).

import { h, t } from "./dom.js";

let undoTimer = null;

/** A toast with an Undo button in *area* for 8 s; focus moves to the button. */
export function showUndo(area, message, undo) {
  clearTimeout(undoTimer);
  const close = () => area.replaceChildren();
  const button = h(
    "button",
    {
      type: "button",
      class: "btn btn-sm btn-light",
      id: "undo-button",
      onclick: () => {
        clearTimeout(undoTimer);
        close();
        undo();
      },
    },
    t("undo"),
  );
  area.replaceChildren(
    h(
      "div",
      { class: "builder-toast toast show align-items-center text-bg-dark border-0", role: "status" },
      h(
        "div",
        { class: "d-flex align-items-center gap-2 p-2" },
        h("span", { class: "flex-grow-1" }, message),
        button,
        h("button", { type: "button", class: "btn-close btn-close-white", "aria-label": t("close"), onclick: close }),
      ),
    ),
  );
  button.focus();
  undoTimer = setTimeout(close, 8000);
}

/**
 * Form / JSON switch. *apply(definition)* receives a parsed object; the form pane and the JSON
 * pane are shown in turn. Returns the two tab buttons.
 */
export function jsonSwitch(editorPane, jsonPane, getDefinition, apply) {
  const formTab = h("button", { type: "button", class: "btn btn-sm btn-outline-secondary active", "aria-pressed": "true", onclick: () => showForm() }, t("view_form"));
  const jsonTab = h("button", { type: "button", class: "btn btn-sm btn-outline-secondary", "aria-pressed": "false", id: "json-tab", onclick: () => showJson() }, t("view_json"));

  function select(json) {
    jsonPane.hidden = !json;
    editorPane.hidden = json;
    formTab.classList.toggle("active", !json);
    jsonTab.classList.toggle("active", json);
    formTab.setAttribute("aria-pressed", String(!json));
    jsonTab.setAttribute("aria-pressed", String(json));
  }

  function showForm() {
    select(false);
  }

  function showJson() {
    const textarea = h("textarea", {
      class: "form-control font-monospace json-text",
      rows: 24,
      spellcheck: "false",
      id: "json-text",
      "aria-label": t("json_definition"),
      value: JSON.stringify(getDefinition(), null, 2),
    });
    const feedback = h("div", { class: "invalid-feedback d-block", role: "alert" });
    const applyButton = h(
      "button",
      {
        type: "button",
        class: "btn btn-primary btn-sm",
        id: "json-apply",
        onclick: () => {
          let parsed;
          try {
            parsed = JSON.parse(textarea.value);
          } catch (error) {
            feedback.textContent = t("json_invalid", { error: error.message });
            return;
          }
          if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
            feedback.textContent = t("json_not_object");
            return;
          }
          showForm();
          apply(parsed);
        },
      },
      t("json_apply"),
    );
    jsonPane.replaceChildren(
      h("p", { class: "small text-muted" }, t("json_help")),
      textarea,
      feedback,
      h("div", { class: "d-flex gap-2 mt-2" }, applyButton, h("button", { type: "button", class: "btn btn-outline-secondary btn-sm", onclick: showForm }, t("cancel"))),
    );
    select(true);
    textarea.focus();
  }

  return [formTab, jsonTab];
}

export function conflictAlert(message) {
  return h(
    "div",
    { class: "alert alert-warning d-flex flex-wrap align-items-center gap-2", role: "alert", id: "conflict-alert" },
    h("span", { class: "flex-grow-1" }, message, " ", t("conflict_kept")),
    h("button", { type: "button", class: "btn btn-sm btn-warning", onclick: () => window.location.reload() }, t("reload")),
  );
}

/** The offer to restore a copy this browser kept; *restore()* / *discard()* act on it. */
export function restoreAlert(copy, locale, restore, discard) {
  const when = new Date(copy.savedAt).toLocaleString(locale === "en" ? "en" : "zh-CN");
  const alert = h(
    "div",
    { class: "alert alert-info d-flex flex-wrap align-items-center gap-2", role: "alert", id: "restore-alert" },
    h("span", { class: "flex-grow-1" }, t("restore_offer", { time: when })),
    h("button", { type: "button", class: "btn btn-sm btn-primary", onclick: () => { alert.remove(); restore(); } }, t("restore")),
    h("button", { type: "button", class: "btn btn-sm btn-outline-secondary", onclick: () => { alert.remove(); discard(); } }, t("discard")),
  );
  return alert;
}
