import type { ServerEvent } from './api.js';

type Listener = (event: ServerEvent) => void;

/** The one event stream of the page, fanned out to whichever pages are showing. */
export class EventHub {
  readonly #listeners = new Set<Listener>();

  emit(event: ServerEvent): void {
    for (const l of this.#listeners) l(event);
  }

  /** Returns the unsubscribe function (what a Preact effect's cleanup wants). */
  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
