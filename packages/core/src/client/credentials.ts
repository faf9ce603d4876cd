import type { BaseRequest, SyncKey } from '../wire/types.js';
import type { Hosts } from '../session/types.js';

/** The live secrets of one session. Held in memory, persisted through the SessionStore, never logged. */
export class Credentials {
  syncKey: SyncKey = { Count: 0, List: [] };
  /** Newer servers send it; synccheck uses it when present, else SyncKey. */
  syncCheckKey: SyncKey | undefined;
  /**
   * The keys it is safe to persist: every message they cover is durably in
   * the inbox journal. They trail `syncKey` by one journal sync at most.
   */
  safe: { syncKey: SyncKey; syncCheckKey: SyncKey | undefined; round: number } = {
    syncKey: { Count: 0, List: [] },
    syncCheckKey: undefined,
    round: 0,
  };
  /** Counts webwxsync answers applied, so an older round never overwrites a newer safe key. */
  round = 0;

  constructor(
    public uin: number,
    public sid: string,
    public skey: string,
    public passTicket: string,
    public deviceId: string,
    public hosts: Hosts,
  ) {}

  /** Sets the keys from a source that carries no undelivered messages (webwxinit, the saved session). */
  resetKeys(syncKey: SyncKey, syncCheckKey: SyncKey | undefined): void {
    this.syncKey = syncKey;
    this.syncCheckKey = syncCheckKey;
    // A newer round: answers of older rounds still waiting for their journal sync must not overwrite these.
    this.safe = { syncKey, syncCheckKey, round: ++this.round };
  }

  /** Marks the keys of sync round `round` safe to persist (their messages are durable). */
  markSafe(round: number, syncKey: SyncKey, syncCheckKey: SyncKey | undefined): void {
    if (round <= this.safe.round) return;
    this.safe = { syncKey, syncCheckKey, round };
  }

  baseRequest(): BaseRequest {
    return { Uin: this.uin, Sid: this.sid, Skey: this.skey, DeviceID: this.deviceId };
  }

  /** `1_123|2_456|...` for synccheck. */
  syncKeyString(): string {
    const key = this.syncCheckKey && this.syncCheckKey.List.length > 0 ? this.syncCheckKey : this.syncKey;
    return key.List.map((k) => `${k.Key}_${k.Val}`).join('|');
  }

  cgi(name: string, host: keyof Hosts = 'main'): string {
    return `${this.hosts[host]}/cgi-bin/mmwebwx-bin/${name}`;
  }
}

/** Validates a SyncKey from the server or storage. */
export function isSyncKey(v: unknown): v is SyncKey {
  if (v === null || typeof v !== 'object') return false;
  const list = (v as { List?: unknown }).List;
  return (
    Array.isArray(list) &&
    list.every(
      (i: unknown) =>
        i !== null &&
        typeof i === 'object' &&
        typeof (i as { Key?: unknown }).Key === 'number' &&
        typeof (i as { Val?: unknown }).Val === 'number',
    )
  );
}
