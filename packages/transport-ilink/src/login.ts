/**
 * The QR login: ask for a code, long-poll its status until the phone confirms, following every
 * status the protocol names (refresh on expiry, verification codes, host redirects).
 */
import type { IlinkApi } from './api.js';
import { IlinkLoginError, IlinkProtocolError, TransportStopped } from './errors.js';
import type { QrStatus } from './wire.js';

export interface QrLoginOptions {
  /** Tokens issued before (newest last): the server may recognise the bot. */
  readonly localTokens: readonly string[];
  /** A new QR code to show (the first and each refresh). The URL is a login secret: show, never log. */
  readonly onQr: (url: string, refresh: number) => void;
  readonly onScanned?: (() => void) | undefined;
  /** Every status seen, in order (for progress display and tests). */
  readonly onStatus?: ((status: QrStatus) => void) | undefined;
  /** Asked when the server wants the code the phone displays; without it such a login fails. */
  readonly verifyCode?: (() => Promise<string>) | undefined;
  /** Refreshes allowed after expiry before giving up. Default 3. */
  readonly maxRefresh?: number | undefined;
  /** Long-poll hold of one status request. Default 35 s. */
  readonly holdMs?: number | undefined;
  /** Pause between status answers that came back at once. Default 1 s. */
  readonly pollGapMs?: number | undefined;
  /** Whole login deadline. Default 8 min. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface LoginResult {
  readonly botToken: string;
  readonly botId: string;
  readonly baseUrl: string | undefined;
  readonly ownerId: string | undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `redirect_host` is a bare host; it keeps the scheme of the base it replaces (http in tests). */
export function redirectBase(currentBase: string, host: string): string {
  if (/^https?:\/\//.test(host)) return host;
  const scheme = new URL(currentBase).protocol;
  return `${scheme}//${host}`;
}

export async function qrLogin(fixedApi: IlinkApi, opts: QrLoginOptions): Promise<LoginResult> {
  const maxRefresh = opts.maxRefresh ?? 3;
  const holdMs = opts.holdMs ?? 35_000;
  const gap = opts.pollGapMs ?? 1_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 8 * 60_000);
  let refresh = 0;
  let qr = await fixedApi.getBotQrcode(opts.localTokens);
  opts.onQr(qr.qrcodeImgContent, refresh);
  // Codes are fetched at the fixed base; status polls may move to a redirect host.
  let pollApi = fixedApi;
  let verifyCode: string | undefined;
  let scanned = false;
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) throw new TransportStopped('login');
    const reply = await pollApi.getQrcodeStatus(qr.qrcode, verifyCode, holdMs, opts.signal);
    opts.onStatus?.(reply.status);
    let pause = reply.status !== 'wait';
    switch (reply.status) {
      case 'wait':
        break;
      case 'scaned':
        if (!scanned) opts.onScanned?.();
        scanned = true;
        break;
      case 'expired':
        refresh += 1;
        if (refresh > maxRefresh) {
          throw new IlinkLoginError(
            'expired-too-often',
            `login: the QR code expired ${refresh} times without a scan; start the login again`,
          );
        }
        qr = await fixedApi.getBotQrcode(opts.localTokens);
        pollApi = fixedApi;
        verifyCode = undefined;
        scanned = false;
        opts.onQr(qr.qrcodeImgContent, refresh);
        pause = false;
        break;
      case 'need_verifycode':
        if (!opts.verifyCode) {
          throw new IlinkLoginError(
            'no-verify-code',
            'login: the server asks for the verification code shown on the phone; pass a verifyCode callback',
          );
        }
        verifyCode = (await opts.verifyCode()).trim();
        pause = false;
        break;
      case 'verify_code_blocked':
        throw new IlinkLoginError(
          'verify-code-blocked',
          'login: too many wrong verification codes; wait, then start the login again',
        );
      case 'scaned_but_redirect':
        if (reply.redirectHost) pollApi = fixedApi.withBase(redirectBase(fixedApi.baseUrl, reply.redirectHost));
        if (!scanned) opts.onScanned?.();
        scanned = true;
        pause = false;
        break;
      case 'binded_redirect':
        throw new IlinkLoginError(
          'already-bound',
          'login: this bot is already bound to this instance; keep using its saved session, or unbind it on the phone first',
        );
      case 'confirmed':
        if (!reply.botToken || !reply.botId) {
          throw new IlinkProtocolError('get_qrcode_status: confirmed without bot_token or ilink_bot_id');
        }
        return { botToken: reply.botToken, botId: reply.botId, baseUrl: reply.baseUrl, ownerId: reply.userId };
    }
    if (pause) await sleep(gap, opts.signal);
  }
  throw new IlinkLoginError('timeout', 'login: nobody confirmed the QR code in time; start the login again');
}
