/*
 * Paradata for the quality checks (docs/paradata.md): seconds spent on each page and, per
 * open-text question, whether the answer arrived by a paste and how long was spent typing.
 * Kept in memory and sent with the submit as `paradata`; the server drops it whole if it
 * does not fit the format, so nothing here can cost the respondent their answers.
 * The device id is random, kept in this browser for this questionnaire only.
 */

const TYPING_GAP_MS = 5000; // a pause longer than this is thinking, not typing
const OPEN_WIDGETS = new Set(["line", "textarea"]); // the open-text widgets (surveys.types)

function deviceId(slug) {
  const key = "wenfang:device:" + slug;
  try {
    let id = localStorage.getItem(key);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      const bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem(key, id);
    }
    return id;
  } catch (error) {
    return undefined; /* storage disabled: no device id */
  }
}

export function recordParadata(form, slug) {
  const pages = {};
  const texts = {};
  const lastKey = {};
  let currentPage = null;
  let shownAt = 0;

  function leavePage() {
    if (currentPage === null) return;
    const seconds = (performance.now() - shownAt) / 1000;
    pages[currentPage] = Math.round(((pages[currentPage] || 0) + seconds) * 10) / 10;
  }

  function openQuestion(target) {
    const block = target.closest(".question[data-question]");
    return block && OPEN_WIDGETS.has(block.dataset.widget) ? block.dataset.question : null;
  }

  function entry(qid) {
    return (texts[qid] = texts[qid] || { pasted: false, typing_s: 0 });
  }

  form.addEventListener("paste", (event) => {
    const qid = openQuestion(event.target);
    if (qid) entry(qid).pasted = true;
  });
  form.addEventListener("keydown", (event) => {
    const qid = openQuestion(event.target);
    if (!qid) return;
    const now = performance.now();
    const gap = now - (lastKey[qid] || now);
    if (gap < TYPING_GAP_MS) {
      const e = entry(qid);
      e.typing_s = Math.round((e.typing_s + gap / 1000) * 10) / 10;
    }
    lastKey[qid] = now;
  });

  return {
    /** The respondent now sees page *pageId* (the same page again changes nothing). */
    pageShown(pageId) {
      if (pageId === currentPage) return;
      leavePage();
      currentPage = pageId;
      shownAt = performance.now();
    },
    /** The paradata so far, in the submit's format. */
    snapshot() {
      leavePage();
      shownAt = performance.now();
      const device = deviceId(slug);
      return { pages: { ...pages }, texts: { ...texts }, ...(device ? { device } : {}) };
    },
  };
}
