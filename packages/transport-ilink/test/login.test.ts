import { afterEach, describe, expect, it } from '@jest/globals';
import { IlinkSimulator } from '@wxbot/simulator';

import { IlinkApi, IlinkLoginError, qrLogin, type QrLoginOptions } from '../src/index.js';

let sim: IlinkSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function start(): Promise<{ sim: IlinkSimulator; api: IlinkApi }> {
  // A short hold: polls with nothing new answer `wait` quickly.
  sim = await IlinkSimulator.start({ qrPollMs: 30, autoConfirm: false });
  return { sim, api: new IlinkApi({ baseUrl: sim.baseUrl, cdnBaseUrl: sim.cdnBaseUrl }) };
}

const FAST: Pick<QrLoginOptions, 'holdMs' | 'pollGapMs' | 'timeoutMs'> = {
  holdMs: 2_000,
  pollGapMs: 5,
  timeoutMs: 10_000,
};
const later = (fn: () => void): void => void setTimeout(fn, 20);

describe('qrLogin', () => {
  it('goes through wait, expired (refresh), redirect, verify code (a wrong one first), scaned and confirmed', async () => {
    const { sim: s, api } = await start();
    const statuses: string[] = [];
    const codes: string[] = ['0000', '4321'];
    const qrs: number[] = [];
    // The phone acts after the first `wait` of each code, so both waits show.
    let act: (() => void) | undefined;
    const result = await qrLogin(api, {
      ...FAST,
      localTokens: [],
      onQr: (_url, refresh) => {
        qrs.push(refresh);
        act =
          refresh === 0
            ? () => s.phone.expire()
            : () => {
                s.phone.armRedirect();
                s.phone.requireVerifyCode('4321');
                s.phone.scan();
              };
      },
      onStatus: (status) => {
        statuses.push(status);
        if (status === 'wait' && act) {
          const step = act;
          act = undefined;
          later(step);
        }
        // The phone confirms once the right code has been entered.
        if (status === 'scaned' && codes.length === 0) later(() => s.phone.confirm());
      },
      verifyCode: () => Promise.resolve(codes.shift() ?? ''),
    });
    expect(qrs).toEqual([0, 1]);
    const distinct = statuses.filter((st, i) => st !== statuses[i - 1]);
    expect(distinct).toEqual([
      'wait',
      'expired',
      'wait',
      'scaned_but_redirect',
      'need_verifycode',
      'scaned',
      'confirmed',
    ]);
    expect(statuses.filter((st) => st === 'need_verifycode')).toHaveLength(2);
    expect(result).toMatchObject({ botId: s.botId, ownerId: s.ownerId, baseUrl: s.baseUrl });
    expect(result.botToken).toBe(s.world.issuedTokens[0]);
    // After the redirect every poll goes to the redirect host.
    const polls = s.phone.polls();
    const at = polls.findIndex((p) => p.status === 'scaned_but_redirect');
    expect(polls.slice(at + 1).every((p) => p.host === 'redirect')).toBe(true);
    expect(polls.slice(0, at + 1).every((p) => p.host === 'main')).toBe(true);
  });

  it('gives up after too many expiries with a typed error', async () => {
    const { sim: s, api } = await start();
    const login = qrLogin(api, {
      ...FAST,
      maxRefresh: 1,
      localTokens: [],
      onQr: () => later(() => s.phone.expire()),
    });
    await expect(login).rejects.toMatchObject({ reason: 'expired-too-often' });
    await expect(login).rejects.toBeInstanceOf(IlinkLoginError);
  });

  it('stops on verify_code_blocked after three wrong codes', async () => {
    const { sim: s, api } = await start();
    const login = qrLogin(api, {
      ...FAST,
      localTokens: [],
      onQr: () => {
        s.phone.requireVerifyCode('9999');
        later(() => s.phone.scan());
      },
      verifyCode: () => Promise.resolve('1111'),
    });
    await expect(login).rejects.toMatchObject({ reason: 'verify-code-blocked' });
  });

  it('asks for a verifyCode callback when the server wants a code and none was given', async () => {
    const { sim: s, api } = await start();
    const login = qrLogin(api, {
      ...FAST,
      localTokens: [],
      onQr: () => {
        s.phone.requireVerifyCode('9999');
        later(() => s.phone.scan());
      },
    });
    await expect(login).rejects.toThrow(/verifyCode callback/);
  });

  it('stops on binded_redirect (already bound here)', async () => {
    const { sim: s, api } = await start();
    const login = qrLogin(api, { ...FAST, localTokens: ['old'], onQr: () => later(() => s.phone.bindedRedirect()) });
    await expect(login).rejects.toMatchObject({ reason: 'already-bound' });
  });
});
