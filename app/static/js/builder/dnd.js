// HTML5 drag and drop for questions (also across pages) and options. The move buttons beside
// each item do the same from the keyboard; dragging is a mouse shortcut, not the only way.

let dragging = null;

export function dragHandle(handle, item, payload) {
  handle.draggable = true;
  handle.addEventListener("dragstart", (event) => {
    dragging = payload;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", payload.kind);
    if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(item, 16, 16);
    item.classList.add("is-dragging");
  });
  handle.addEventListener("dragend", () => {
    dragging = null;
    item.classList.remove("is-dragging");
    clearMarks();
  });
}

function clearMarks() {
  for (const el of document.querySelectorAll(".drop-before, .drop-after, .drop-into")) {
    el.classList.remove("drop-before", "drop-after", "drop-into");
  }
}

/**
 * Make *el* accept drops of payloads for which accepts(payload) is true; onDrop(payload,
 * before) gets whether the pointer was in the upper half. With `into`, the whole element is
 * the target (an empty page's list) and `before` is false.
 */
export function dropTarget(el, accepts, onDrop, { into = false } = {}) {
  el.addEventListener("dragover", (event) => {
    if (!dragging || !accepts(dragging)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    if (into) {
      el.classList.add("drop-into");
    } else {
      const rect = el.getBoundingClientRect();
      el.classList.add(event.clientY < rect.top + rect.height / 2 ? "drop-before" : "drop-after");
    }
  });
  el.addEventListener("dragleave", (event) => {
    if (!el.contains(event.relatedTarget)) el.classList.remove("drop-before", "drop-after", "drop-into");
  });
  el.addEventListener("drop", (event) => {
    if (!dragging || !accepts(dragging)) return;
    event.preventDefault();
    event.stopPropagation();
    const rect = el.getBoundingClientRect();
    const before = !into && event.clientY < rect.top + rect.height / 2;
    const payload = dragging;
    dragging = null;
    clearMarks();
    onDrop(payload, before);
  });
}
