/** What one reload did. */
export interface ReloadResult {
  /** Rules now active. */
  readonly rules: number;
}

/** Reloads one running plugin instance's rules. */
export type Reloader = () => Promise<ReloadResult>;

/**
 * Reloads the rules of running autoreply plugins from code:
 *
 * ```ts
 * export const replies = new AutoreplyController();
 * // bot.config.ts: [autoreply, { rulesFile: './replies.json', controller: replies }]
 * await replies.reload();
 * ```
 */
export class AutoreplyController {
  readonly #reloaders = new Set<Reloader>();

  /** @internal called by the plugin at start; the returned function detaches it. */
  attach(reload: Reloader): () => void {
    this.#reloaders.add(reload);
    return () => this.#reloaders.delete(reload);
  }

  /** True while a plugin using this controller runs. */
  get attached(): boolean {
    return this.#reloaders.size > 0;
  }

  /**
   * Re-reads rules (the `rules` function and `rulesFile`) of every plugin
   * using this controller. On invalid rules it rejects and the old rules stay.
   */
  async reload(): Promise<ReloadResult> {
    if (this.#reloaders.size === 0) {
      throw new Error('AutoreplyController.reload(): no running autoreply plugin uses this controller');
    }
    let rules = 0;
    for (const reload of this.#reloaders) rules += (await reload()).rules;
    return { rules };
  }
}
