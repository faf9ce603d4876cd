import { parseJsAssignments } from './js-body.js';

export interface SyncCheckResult {
  retcode: number;
  selector: number;
}

/** `window.synccheck={retcode:"0",selector:"2"}` — values quoted or not. */
export function parseSyncCheck(body: string): SyncCheckResult {
  const fields = parseJsAssignments(body, 'synccheck');
  const sc = fields['synccheck'];
  if (sc === null || typeof sc !== 'object') throw new Error('synccheck: no window.synccheck object');
  const retcode = Number(sc['retcode']);
  const selector = Number(sc['selector'] ?? 0);
  if (!Number.isFinite(retcode))
    throw new Error(`synccheck: retcode is not a number: ${JSON.stringify(sc['retcode'])}`);
  return { retcode, selector: Number.isFinite(selector) ? selector : 0 };
}

export interface LoginPollResult {
  code: number;
  redirectUri?: string;
  avatar?: string;
}

/** The login poll: `window.code=201;window.userAvatar='...'` / `window.code=200;window.redirect_uri="..."`. */
export function parseLoginPoll(body: string): LoginPollResult {
  const fields = parseJsAssignments(body, 'login');
  const code = fields['code'];
  if (typeof code !== 'number') throw new Error('login: no window.code in the answer');
  const out: LoginPollResult = { code };
  const redirect = fields['redirect_uri'];
  if (typeof redirect === 'string' && redirect) out.redirectUri = redirect;
  const avatar = fields['userAvatar'];
  if (typeof avatar === 'string' && avatar) out.avatar = avatar;
  return out;
}
