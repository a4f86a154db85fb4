/*
 * The respondent's form (/s/<slug>): one page at a time, logic and piping live, answers kept
 * in localStorage and saved as a partial response on every page move, submitted exactly once
 * (one Idempotency-Key per response, retried with the same key until the server answers).
 * Only a lost connection, a 5xx or a 429 is retried; any other 4xx would be refused again, so
 * its message is shown (beside the question for a 422) and nothing is sent until the
 * respondent acts.
 *
 * Needs conditions.js (window.WenfangConditions) loaded before it. Strings and settings come
 * from the page's <script type="application/json"> blocks (the CSP forbids inline scripts).
 */
import { fillAnswers, readAnswers, visibility } from "./respond/answers.js";
import { recordParadata } from "./respond/paradata.js";

const C = window.WenfangConditions;
const config = JSON.parse(document.getElementById("respond-config").textContent);
const T = JSON.parse(document.getElementById("respond-strings").textContent);
const form = document.getElementById("survey-form");
const pages = Array.from(form.querySelectorAll(".survey-page"));
const $ = (id) => document.getElementById(id);
const statusBox = $("respond-status");
const storageKey = "wenfang:respond:" + config.slug;
const paradata = recordParadata(form, config.slug);

let state = loadState();
let current = 0;
let visiblePages = [];
let submitting = false;
// Final refusals: the questionnaire takes no answer from this respondent (closed, quota
// full, invitation used, consent missing…): the form gives way to the message.
const REFUSED = new Set([403, 409, 410]);

async function jsonOf(response) {
  try {
    return await response.json();
  } catch (error) {
    return {}; /* not JSON (a proxy's error page) */
  }
}

function loadState() {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey) || "null");
    if (saved && saved.version === config.version) return saved;
  } catch (error) {
    /* private mode or a corrupt entry: start afresh */
  }
  return { version: config.version, answers: {}, page: "", dirty: false, key: "", startedAt: "" };
}

function persist() {
  try {
    localStorage.setItem(storageKey, JSON.stringify(state));
  } catch (error) {
    /* storage full or disabled: the server copy still exists */
  }
}

function newKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes); // available without a secure context, unlike randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function copyText(text, shownIn, done) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {
    // No clipboard API (plain http, an old browser): copy the selected text on the page.
    if (shownIn.select) shownIn.select();
    else window.getSelection().selectAllChildren(shownIn);
    document.execCommand("copy");
  }
  say(done, "success");
}

function say(text, kind) {
  statusBox.textContent = text;
  statusBox.className = "alert py-2 small respond-status alert-" + (kind || "info");
  statusBox.hidden = !text;
}

// ---- logic, piping, pages ----------------------------------------------------------------

function refresh() {
  const answers = readAnswers(form);
  const shown = visibility(form, pages, answers, C);
  visiblePages = pages.filter((page) => shown.pages.has(page));
  form.querySelectorAll("[data-pipe]").forEach((el) => {
    el.textContent = C.pipe(el.dataset.pipe, shown.accepted, config.definition);
  });
  let number = 0;
  form.querySelectorAll(".question[data-question]").forEach((block) => {
    const label = block.querySelector(".question-number");
    if (label && !block.hidden) label.textContent = ++number + ".";
  });
  form.querySelectorAll("input[type=range]").forEach((input) => {
    const output = input.parentElement.querySelector("output");
    if (output) output.textContent = input.dataset.touched ? input.value : "";
  });
  return shown;
}

function showPage(index, focus) {
  refresh();
  if (!visiblePages.length) return;
  current = Math.max(0, Math.min(index, visiblePages.length - 1));
  const page = visiblePages[current];
  pages.forEach((p) => (p.hidden = p !== page));
  const last = current === visiblePages.length - 1;
  $("btn-back").hidden = current === 0;
  $("btn-next").hidden = last;
  $("btn-submit").hidden = !last;
  const bar = $("survey-progress");
  bar.max = visiblePages.length;
  bar.value = current + 1;
  $("progress-text").textContent = T.page_of
    .replace("{n}", String(current + 1))
    .replace("{total}", String(visiblePages.length));
  state.page = page.dataset.page;
  paradata.pageShown(state.page);
  persist();
  if (focus) {
    window.scrollTo(0, 0);
    const heading = page.querySelector(".page-title") || page.querySelector(".question-title");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

function pageIndexOf(pageId) {
  refresh();
  const index = visiblePages.findIndex((p) => p.dataset.page === pageId);
  return index < 0 ? 0 : index;
}

// ---- errors beside the questions --------------------------------------------------------------

function clearErrors(scope) {
  scope.querySelectorAll(".question.is-invalid").forEach((q) => q.classList.remove("is-invalid"));
  scope.querySelectorAll(".question-error").forEach((e) => (e.textContent = ""));
}

function showErrors(errors) {
  let first = null;
  Object.keys(errors).forEach((qid) => {
    const block = $("question-" + qid);
    if (!block) return;
    block.classList.add("is-invalid");
    const box = $(qid + "-error");
    if (box) box.textContent = errors[qid];
    if (!first) first = block;
  });
  return first;
}

function unanswered(value) {
  return value === undefined || value === "" || (Array.isArray(value) && !value.length);
}

function requiredMissing(page) {
  const answers = readAnswers(form);
  const errors = {};
  page.querySelectorAll(".question[data-required='1']").forEach((q) => {
    if (q.hidden) return;
    if (unanswered(answers[q.dataset.question])) errors[q.dataset.question] = T.required;
  });
  return errors;
}

/** Once a question marked "required" has an answer, its message goes (other messages stay
 * until the server has checked the new answer); the page's summary goes with the last one. */
function clearAnswered(target) {
  const block = target.closest(".question.is-invalid");
  const box = block && $(block.dataset.question + "-error");
  if (!box || box.textContent !== T.required) return;
  if (unanswered(readAnswers(form)[block.dataset.question])) return;
  block.classList.remove("is-invalid");
  box.textContent = "";
  if (!form.querySelector(".question.is-invalid") && statusBox.textContent === T.fix_errors) {
    say("", "info");
  }
}

// ---- saving --------------------------------------------------------------------------------

function remember() {
  state.answers = readAnswers(form);
  state.dirty = true;
  if (!state.startedAt) state.startedAt = new Date().toISOString();
  persist();
}

async function saveProgress(checkPage, nextPage) {
  remember();
  const body = {
    answers: state.answers,
    page: state.page,
    next_page: nextPage || undefined,
    version: config.version,
    invitation: config.invitation || undefined,
    consent: config.consent || undefined,
    check_page: Boolean(checkPage),
  };
  let response;
  try {
    response = await fetch(config.progressUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
  } catch (error) {
    say(T.offline_saved, "warning");
    return { offline: true, errors: {} };
  }
  if (!response.ok) {
    const data = await jsonOf(response);
    if (REFUSED.has(response.status)) return { refused: data, errors: {} };
    if (response.status === 422) return { errors: data.errors || {} }; // still dirty
    if (response.status >= 500 || response.status === 429) {
      say(data.message || T.offline_saved, "warning");
      return { offline: true, errors: {} };
    }
    say(data.message || T.failed, "danger"); // refused as sent (too long, say): no retry
    return { failed: true, errors: {} };
  }
  const data = await response.json();
  state.dirty = false;
  persist();
  if (data.resume_url) {
    $("resume-link").value = data.resume_url;
    $("resume-box").hidden = false;
  }
  say("", "info");
  return { errors: data.errors || {} };
}


// ---- moving between pages ----------------------------------------------------------------------

async function next() {
  const page = visiblePages[current];
  clearErrors(page);
  refresh();
  const following = visiblePages[current + 1];
  const saved = await saveProgress(true, following && following.dataset.page);
  if (saved.refused) return stop(saved.refused);
  if (saved.failed) return;
  const errors = saved.offline ? requiredMissing(page) : saved.errors;
  const first = showErrors(errors);
  if (first) {
    say(T.fix_errors, "danger");
    first.scrollIntoView({ block: "center" });
    return;
  }
  showPage(current + 1, true);
}

function back() {
  remember();
  showPage(current - 1, true);
  saveProgress(false);
}

// ---- submit, exactly once ------------------------------------------------------------------------

function visibleAnswers() {
  return refresh().accepted;
}

async function submit(event) {
  event.preventDefault();
  if (submitting) return; // a double tap sends nothing twice (and the key would dedupe it anyway)
  clearErrors(form);
  const missing = requiredMissing(visiblePages[current]);
  if (showErrors(missing)) {
    say(T.fix_errors, "danger");
    return;
  }
  remember();
  if (!state.key) state.key = newKey();
  persist();
  submitting = true;
  $("btn-submit").disabled = true;
  await send(0);
}

async function send(attempt) {
  say(attempt ? T.retrying_now : T.submitting, "info");
  const hp = $("wf_website");
  const body = {
    answers: visibleAnswers(),
    version: config.version,
    invitation: config.invitation || undefined,
    consent: config.consent || undefined,
    started_at: state.startedAt || undefined,
    hp: hp ? hp.value : "",
    paradata: paradata.snapshot(),
  };
  let response = null;
  try {
    response = await fetch(config.submitUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": state.key,
      },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
  } catch (error) {
    response = null;
  }
  if (response === null || response.status >= 500 || response.status === 429) {
    return retryLater(attempt + 1);
  }
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    if (response.ok) return retryLater(attempt + 1); // stored, but the reply was cut short
  }
  submitting = false;
  $("btn-submit").disabled = false;
  if (response.status === 200 || response.status === 201) return finish(data);
  if (response.status === 422) {
    const first = showErrors(data.errors || {});
    if (first) showPage(pageIndexOf(first.closest(".survey-page").dataset.page), false);
    say(first ? T.fix_errors : data.message || T.failed, "danger");
    if (first) first.scrollIntoView({ block: "center" });
    return;
  }
  if (REFUSED.has(response.status) && data.message) return stop(data);
  // Any other 4xx (answers too long, a malformed body): sending it again would be refused
  // again. The answers stay in the form and on the device.
  say(data.message || T.failed, "danger");
}

function retryLater(attempt) {
  const seconds = Math.min(30, 2 ** Math.min(attempt, 5));
  let left = seconds;
  const tick = () => say(T.retrying.replace("{s}", String(left)), "warning");
  tick();
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      send(attempt);
    } else {
      tick();
    }
  }, 1000);
}

function finish(data) {
  state = { version: config.version, answers: {}, page: "", dirty: false, key: "", done: true };
  persist();
  form.hidden = true;
  $("progress-wrap").hidden = true;
  $("resume-box").hidden = true;
  say("", "info");
  const end = data.end || config.end || {};
  if (end.thank_you) $("end-text").textContent = end.thank_you;
  if (data.receipt) {
    $("receipt-code").textContent = data.receipt;
    $("receipt-box").hidden = false;
  }
  if (end.redirect_url) {
    $("end-redirect").href = end.redirect_url;
    $("end-redirect").hidden = false;
  }
  $("end-panel").hidden = false;
  $("end-panel").focus();
}

function stop(data) {
  form.hidden = true;
  $("progress-wrap").hidden = true;
  say("", "info");
  $("message-text").textContent = data.message || T.failed;
  $("message-panel").hidden = false;
}

// ---- start -----------------------------------------------------------------------------------------

function start() {
  const server = config.answers || {};
  if (state.done) {
    state = { version: config.version, answers: {}, page: "", dirty: false, key: "", startedAt: "" };
  }
  const local = state.answers || {};
  // Typed while offline (or never reached the server): the browser's copy is the newer one.
  if (Object.keys(local).length && (state.dirty || !Object.keys(server).length)) {
    fillAnswers(form, local);
  }
  document.documentElement.classList.add("js");
  $("progress-wrap").hidden = false;
  $("btn-submit").hidden = true;
  if (config.resumeUrl) {
    $("resume-link").value = config.resumeUrl;
    $("resume-box").hidden = false;
  }
  const invalid = form.querySelector(".question.is-invalid");
  const startPage = invalid
    ? invalid.closest(".survey-page").dataset.page
    : state.page || config.page || "";
  showPage(pageIndexOf(startPage), false);
  if (state.dirty) saveProgress(false);

  form.addEventListener("input", (event) => {
    if (event.target.type === "range") event.target.dataset.touched = "1";
    remember();
    refresh();
    clearAnswered(event.target);
  });
  form.addEventListener("change", (event) => {
    const input = event.target;
    if (input.dataset.exclusive && input.checked) {
      form.querySelectorAll(`input[name="${CSS.escape(input.name)}"]`).forEach((other) => {
        if (other !== input) other.checked = false;
      });
    } else if (input.type === "checkbox" && input.checked) {
      form.querySelectorAll(`input[name="${CSS.escape(input.name)}"][data-exclusive]`).forEach(
        (exclusive) => (exclusive.checked = false),
      );
    }
    remember();
    showPage(current, false);
    clearAnswered(input);
  });
  form.addEventListener("submit", submit);
  $("btn-next").addEventListener("click", next);
  $("btn-back").addEventListener("click", back);
  $("copy-resume").addEventListener("click", () =>
    copyText($("resume-link").value, $("resume-link"), T.copied),
  );
  $("copy-receipt").addEventListener("click", () =>
    copyText($("receipt-code").textContent, $("receipt-code"), T.receipt_copied),
  );
  window.addEventListener("online", () => state.dirty && saveProgress(false));
  window.addEventListener("pagehide", () => {
    if (submitting || state.done) return;
    remember();
    fetch(config.progressUrl, {
      method: "POST",
      keepalive: true,
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({
        answers: state.answers,
        page: state.page,
        version: config.version,
        invitation: config.invitation || undefined,
        consent: config.consent || undefined,
      }),
    }).catch(() => {});
  });
}

start();
