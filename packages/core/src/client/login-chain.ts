import type { Logger } from 'pino';
import type { MemoryContactStore } from '../contact/store.js';
import { DEFAULT_LOGIN_ORIGIN, DEFAULT_MAIN_ORIGIN } from '../wire/hosts.js';
import { StatusNotifyCode } from '../wire/msg-type.js';
import type { SyncKey } from '../wire/types.js';
import type { Hosts, PersistedSession } from '../session/types.js';
import { newDeviceId } from '../util/ids.js';
import type { ContactFetcher } from './contact-fetcher.js';
import { restoreJar } from './cookies.js';
import type { CredentialSlot } from './cred-slot.js';
import { Credentials } from './credentials.js';
import type { CursorKeeper } from './cursor-keeper.js';
import type { HeldCursor, InitReason } from './cursor-policy.js';
import { ClientStopped, LoginForbidden, PushLoginFailed, RealNameRequired, WxError } from './errors.js';
import type { ClientEmitter } from './events.js';
import type { HistoryCutoff } from './history-cutoff.js';
import type { Http } from './http.js';
import { pushLogin, qrLogin, type LoginContext, type LoginOutcome, type QrLoginState } from './login.js';
import type { ResolvedOptions } from './options.js';
import { printQrToTerminal, saveQrPng } from './qr-display.js';
import type { ObservedApi } from './send-reconcile.js';
import type { IdentityKeeper } from './identity-keeper.js';
import type { SessionKeeper } from './session-keeper.js';
import type { ClientState, LoginVia } from './types.js';

export interface LoginChainDeps {
  readonly o: Pick<
    ResolvedOptions,
    'hostOverrides' | 'desktop' | 'lang' | 'loginMs' | 'longPollMs' | 'maxRefreshes' | 'qrPng' | 'qrTerminal'
  >;
  readonly log: Logger;
  readonly http: Http;
  readonly api: Pick<ObservedApi, 'init' | 'statusNotify' | 'getContact'>;
  readonly cred: CredentialSlot;
  readonly contacts: MemoryContactStore;
  readonly fetcher: Pick<ContactFetcher, 'request'>;
  readonly cursor: Pick<CursorKeeper, 'afterInit'>;
  readonly history: Pick<HistoryCutoff, 'freshLogin'>;
  readonly session: Pick<SessionKeeper, 'load' | 'persist'>;
  /** The identity ledger across logins (identity-keeper.ts). */
  readonly identity?: Pick<IdentityKeeper, 'load' | 'reconcile'>;
  readonly events: ClientEmitter;
  readonly setState: (s: ClientState) => void;
  /** A new login's credentials invalidate what was uploaded under the old ones. */
  readonly onNewCredentials: () => void;
  readonly signal: AbortSignal;
}

/**
 * Getting and keeping a session: the login fallback chain (hot → push → QR),
 * webwxinit with its contact load, and the re-logins recovery asks for.
 */
export class LoginChain {
  constructor(private readonly d: LoginChainDeps) {}

  /** Logs in per mode; on success credentials, contacts and SyncKey are set. */
  async login(mode: 'auto' | 'hot' | 'push' | 'qr'): Promise<LoginVia> {
    // Loaded in 'qr' mode too: not to resume it, but for its SyncKey (a restart keeps its place).
    const saved = await this.d.session.load();
    if (saved && (mode === 'auto' || mode === 'hot')) {
      try {
        await this.hotLogin(saved);
        return 'hot';
      } catch (err) {
        if (err instanceof ClientStopped || mode === 'hot') throw err;
        this.d.log.info({ err: (err as Error).message }, 'hot login failed; trying push login');
      }
    }
    if (mode === 'hot') throw new WxError('HOT_LOGIN_FAILED', 'login', 'no saved session to resume');
    if (saved && (mode === 'auto' || mode === 'push')) {
      try {
        await this.adopt(await pushLogin(this.context(), saved.uin, saved.hosts.main), heldOf(saved));
        return 'push';
      } catch (err) {
        if (
          err instanceof ClientStopped ||
          err instanceof LoginForbidden ||
          err instanceof RealNameRequired ||
          mode === 'push'
        )
          throw err;
        this.d.events.error(err, 'push login failed; falling back to QR');
      }
    }
    if (mode === 'push') throw new PushLoginFailed('no saved session (push login needs a previous login)');
    await this.adopt(await qrLogin(this.context()), this.d.cred.current || !saved ? undefined : heldOf(saved));
    return 'qr';
  }

  /** A new login of the current account during recovery (push to the phone, or a new QR code). */
  async relogin(via: 'push' | 'qr'): Promise<void> {
    if (via === 'push') {
      const c = this.d.cred.require('webwxpushloginurl');
      await this.adopt(await pushLogin(this.context(), c.uin, c.hosts.main));
    } else {
      await this.adopt(await qrLogin(this.context()));
    }
  }

  /** Re-runs webwxinit with the current credentials; the CursorPolicy decides whether its SyncKey is taken. */
  reinit(): Promise<void> {
    return this.init('reinit', undefined);
  }

  private async hotLogin(saved: PersistedSession): Promise<void> {
    this.d.http.jar = restoreJar(saved.cookies as string);
    const hosts: Hosts = { ...saved.hosts, ...this.d.o.hostOverrides };
    const cred = new Credentials(saved.uin, saved.sid, saved.skey, saved.passTicket, saved.deviceId, hosts);
    cred.resetKeys(saved.syncKey, saved.syncCheckKey);
    this.d.cred.current = cred;
    this.d.setState('initializing');
    // The saved SyncKey is where we stopped; the server's would skip what arrived while we were down.
    await this.init('hot', heldOf(saved));
  }

  /** Takes a login's credentials; `held` is the cursor to keep (default: the session being replaced). */
  private async adopt(outcome: LoginOutcome, held?: HeldCursor): Promise<void> {
    const { page, hosts } = outcome;
    const prev = this.d.cred.current;
    const cursor =
      held ?? (prev ? { syncKey: prev.syncKey, syncCheckKey: prev.syncCheckKey, uin: prev.uin } : undefined);
    this.d.cred.current = new Credentials(page.uin, page.sid, page.skey, page.passTicket, newDeviceId(), hosts);
    if (prev && prev.uin !== page.uin) this.d.log.warn('logged in as a different account than the saved session');
    this.d.onNewCredentials();
    this.d.setState('initializing');
    await this.init('login', cursor);
  }

  /**
   * webwxinit; the CursorPolicy picks the held key or the server's. A login or hot start (fresh) also
   * replaces the contact store and loads every contact; a re-init only refreshes self and the init list,
   * and holds the current cursor.
   */
  private async init(reason: InitReason, held: HeldCursor | undefined): Promise<void> {
    const cred = this.d.cred.require('webwxinit');
    const init = await this.d.api.init();
    const fresh = reason !== 'reinit';
    const keep = fresh ? held : { syncKey: cred.syncKey, syncCheckKey: cred.syncCheckKey, uin: cred.uin };
    await this.chooseCursor(reason, keep, init.SyncKey);
    if (init.SKey) cred.skey = init.SKey;
    if (typeof init.InviteStartCount === 'number' && init.InviteStartCount > 0)
      this.d.cred.inviteStartCount = init.InviteStartCount;
    const store = this.d.contacts;
    if (fresh) store.clear();
    // Loaded before the contacts arrive: they teach it, and are matched against it once all are in.
    if (fresh) await this.d.identity?.load(cred.uin);
    store.setSelf(init.User);
    for (const c of init.ContactList ?? []) store.upsert(c);
    if (!fresh) {
      await this.d.session.persist();
      return;
    }
    const self = init.User.UserName;
    await this.d.api.statusNotify(StatusNotifyCode.Inited, self, self).catch((err: unknown) => {
      this.d.events.error(err, 'webwxstatusnotify after init');
    });
    await this.loadContacts();
    const rooms = [...store.rooms()].filter((r) => r.members.size === 0).map((r) => r.userName);
    if (rooms.length > 0) await this.d.fetcher.request(rooms, { immediate: true });
    await this.d.identity?.reconcile();
    await this.d.session.persist();
    this.d.events.emit('contacts-updated', { updated: [...store.all()].map((c) => c.userName), removed: [] });
  }

  /** Continues from the held key or the one webwxinit offered (CursorPolicy); a fresh login arms the history cutoff. */
  private async chooseCursor(reason: InitReason, held: HeldCursor | undefined, offered: SyncKey): Promise<void> {
    const choice = await this.d.cursor.afterInit(this.d.cred.require('webwxinit'), reason, held, offered);
    // A login with no cursor of this account: what the first syncs bring includes offline history.
    if (choice === 'adopt' && reason === 'login') this.d.history.freshLogin(Date.now());
  }

  private async loadContacts(): Promise<void> {
    let seq = 0;
    for (let page = 0; page < 200; page++) {
      const res = await this.d.api.getContact(seq);
      for (const c of res.MemberList) this.d.contacts.upsert(c);
      // Servers send Seq as a number or a numeric string.
      seq = Number(res.Seq) || 0;
      if (!seq) return;
    }
    this.d.log.warn('webwxgetcontact: stopped after 200 pages');
  }

  private context(): LoginContext {
    const o = this.d.o;
    return {
      http: this.d.http,
      log: this.d.log,
      loginOrigin: (o.hostOverrides.login ?? DEFAULT_LOGIN_ORIGIN).replace(/\/+$/, ''),
      mainOrigin: (o.hostOverrides.main ?? DEFAULT_MAIN_ORIGIN).replace(/\/+$/, ''),
      hostOverrides: o.hostOverrides,
      desktop: o.desktop,
      lang: o.lang,
      loginTimeoutMs: o.loginMs,
      longPollMs: o.longPollMs,
      maxRefreshes: o.maxRefreshes,
      signal: this.d.signal,
      onState: (s) => {
        this.onQrState(s);
      },
      onQr: (uuid, url, refresh) => this.showQr(uuid, url, refresh),
    };
  }

  private onQrState(s: QrLoginState): void {
    this.d.log.debug({ state: s.kind }, 'login state');
    if (s.kind === 'scanned')
      this.d.events.emit('scanned', s.avatar === undefined ? { uuid: s.uuid } : { uuid: s.uuid, avatar: s.avatar });
  }

  private async showQr(uuid: string, url: string, refresh: number): Promise<void> {
    const o = this.d.o;
    let pngPath: string | undefined;
    if (o.qrPng !== false) {
      try {
        await saveQrPng(url, o.qrPng);
        pngPath = o.qrPng;
      } catch (err) {
        this.d.events.error(err, 'saving the QR PNG');
      }
    }
    if (o.qrTerminal)
      await printQrToTerminal(url).catch((err: unknown) => {
        this.d.events.error(err, 'printing the QR code');
      });
    // A QR code shown nowhere (the simulator confirms by itself) is not for anyone to scan.
    if (pngPath !== undefined || o.qrTerminal) this.d.log.info({ url, refresh }, 'scan the QR code to log in');
    this.d.events.emit('qr', pngPath === undefined ? { uuid, url, refresh } : { uuid, url, pngPath, refresh });
  }
}

/** The cursor a saved session holds. */
function heldOf(saved: PersistedSession): HeldCursor {
  return { syncKey: saved.syncKey, syncCheckKey: saved.syncCheckKey, uin: saved.uin };
}
