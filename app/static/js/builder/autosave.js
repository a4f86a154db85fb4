// Autosave of the draft: debounced PUTs with the revision the page last saw, retries with
// backoff when the network fails, a copy in localStorage until the server confirms, and a
// clear stop (no overwrite) when another window saved first (409).

import { t } from "./dom.js";

const DEBOUNCE_MS = 800;
const MAX_BACKOFF_MS = 30000;

export class Autosave {
  /**
   * options: url, csrfToken, revision, storageKey, getDefinition() → object,
   * onSaved({problems, snapshotLayout}), onConflict(message), status(text, kind)
   */
  constructor(options) {
    Object.assign(this, options);
    this.dirty = false;
    this.inFlight = null;
    this.timer = null;
    this.backoff = 1000;
    this.stopped = false;
    this.waiters = [];
  }

  changed() {
    if (this.stopped) return;
    this.dirty = true;
    this.keepLocally();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), DEBOUNCE_MS);
    this.status(t("save_pending"), "pending");
  }

  keepLocally() {
    try {
      window.localStorage.setItem(
        this.localKey(this.revision),
        JSON.stringify({ revision: this.revision, savedAt: new Date().toISOString(), definition: this.getDefinition() }),
      );
    } catch (error) {
      // Storage full or disabled: the server copy is still the safety net.
    }
  }

  localKey(revision) {
    return `${this.storageKey}:r${revision}`;
  }

  /**
   * The newest copy kept in this browser that the server never confirmed, if it differs from
   * *definition* (the server's draft). A confirmed save removes the copy, so one that is left
   * holds work the server does not have.
   */
  latestLocalCopy(definition) {
    let best = null;
    try {
      for (let i = 0; i < window.localStorage.length; i += 1) {
        const key = window.localStorage.key(i);
        if (!key || !key.startsWith(`${this.storageKey}:r`)) continue;
        const copy = JSON.parse(window.localStorage.getItem(key));
        if (copy && (!best || copy.revision > best.revision)) best = copy;
      }
    } catch (error) {
      return null;
    }
    if (!best || JSON.stringify(best.definition) === JSON.stringify(definition)) return null;
    return best;
  }

  forgetLocal() {
    try {
      for (let i = window.localStorage.length - 1; i >= 0; i -= 1) {
        const key = window.localStorage.key(i);
        if (key && key.startsWith(`${this.storageKey}:r`)) window.localStorage.removeItem(key);
      }
    } catch (error) {
      // ignore
    }
  }

  /** Save now; resolves when nothing is left unsaved (or rejects on conflict). */
  flush() {
    if (!this.dirty && !this.inFlight) return Promise.resolve();
    const promise = new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
    clearTimeout(this.timer);
    if (!this.inFlight) this.save();
    return promise;
  }

  async save() {
    clearTimeout(this.timer);
    if (this.stopped || this.inFlight || !this.dirty) return;
    const definition = this.getDefinition();
    const body = JSON.stringify({ definition, revision: this.revision });
    const layout = this.layoutOf(definition);
    this.dirty = false;
    this.status(t("save_saving"), "saving");
    let response;
    this.inFlight = fetch(this.url, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken, Accept: "application/json" },
      body,
      credentials: "same-origin",
    });
    try {
      response = await this.inFlight;
    } catch (error) {
      response = null;
    }
    this.inFlight = null;
    if (response && response.ok) {
      const result = await response.json();
      this.revision = result.revision;
      this.backoff = 1000;
      this.onSaved(result, layout);
      if (this.dirty) {
        this.keepLocally();
        this.save();
      } else {
        this.forgetLocal();
        this.status(t("save_ok"), "saved");
        this.settle(null);
      }
      return;
    }
    this.dirty = true;
    if (response && response.status === 409) {
      const result = await response.json().catch(() => ({}));
      this.stopped = true;
      this.status(t("save_conflict"), "conflict");
      this.onConflict(result.error || t("conflict_text"));
      this.settle(new Error("conflict"));
      return;
    }
    if (response && response.status === 400) {
      this.status(t("save_failed"), "failed");
      this.settle(new Error("refused"));
      return;
    }
    this.status(t("save_retrying"), "retrying");
    this.timer = setTimeout(() => this.save(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  settle(error) {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }
}
