import type { Logger } from 'pino';

import type { SyncKey } from '../wire/types.js';
import type { Credentials } from './credentials.js';
import type { CursorPolicy, HeldCursor, InitReason } from './cursor-policy.js';
import { ServerError } from './errors.js';

/**
 * Applies a CursorPolicy to the live credentials: after each webwxinit, and
 * when webwxsync refuses a key that was kept. Before any key is set, the
 * entries accepted so far are made durable (`durable`): the key set here is
 * marked safe to persist.
 */
export class CursorKeeper {
  /** The key of the latest webwxinit while the client continues from a key it kept instead. */
  #offered: SyncKey | undefined;
  #refusals = 0;

  constructor(
    private readonly policy: CursorPolicy,
    private readonly durable: () => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Sets the key to continue from after webwxinit; `adopt` when the offered key was taken. */
  async afterInit(
    cred: Credentials,
    reason: InitReason,
    held: HeldCursor | undefined,
    offered: SyncKey,
  ): Promise<'keep' | 'adopt'> {
    const has = held !== undefined && held.syncKey.List.length > 0;
    const choice = this.policy.afterInit({
      reason,
      held: has ? held.syncKey : undefined,
      heldUin: has ? held.uin : undefined,
      uin: cred.uin,
      offered,
    });
    await this.durable();
    this.#refusals = 0;
    if (choice === 'keep' && has) {
      if (held.syncKey !== cred.syncKey) cred.resetKeys(held.syncKey, held.syncCheckKey);
      // A re-init means synccheck kept signalling what webwxsync never brought: a stale SyncCheckKey is
      // one cause. synccheck reads the SyncKey until the next webwxsync answer brings a fresh one.
      else if (reason === 'reinit') cred.syncCheckKey = undefined;
      this.#offered = offered;
      return 'keep';
    }
    if (has)
      this.log.warn({ reason }, 'continuing from the SyncKey of webwxinit: messages queued before it are skipped');
    cred.resetKeys(offered, undefined);
    this.#offered = undefined;
    return 'adopt';
  }

  /** webwxsync accepted the key: a kept key is proven valid. */
  accepted(): void {
    this.#offered = undefined;
  }

  /** A sync failed; once the policy calls a kept key proven invalid, the offered key is taken. */
  async failed(cred: Credentials, err: unknown): Promise<void> {
    if (!this.#offered || !(err instanceof ServerError) || err.endpoint !== 'webwxsync') return;
    if (!this.policy.rejected(err.ret ?? 0, ++this.#refusals)) return;
    const offered = this.#offered;
    this.#offered = undefined;
    this.log.warn(
      { refusals: this.#refusals },
      'webwxsync keeps refusing the kept SyncKey; continuing from the SyncKey of webwxinit',
    );
    await this.durable();
    cred.resetKeys(offered, undefined);
  }
}
