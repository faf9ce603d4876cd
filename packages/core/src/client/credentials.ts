import type { BaseRequest, SyncKey } from '../protocol/wire.js';
import type { Hosts } from '../session/types.js';

/** The live secrets of one session. Held in memory, persisted through the SessionStore, never logged. */
export class Credentials {
  syncKey: SyncKey = { Count: 0, List: [] };
  /** Newer servers send it; synccheck uses it when present, else SyncKey. */
  syncCheckKey: SyncKey | undefined;

  constructor(
    public uin: number,
    public sid: string,
    public skey: string,
    public passTicket: string,
    public deviceId: string,
    public hosts: Hosts,
  ) {}

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
