import { createSimulator, type Simulator } from '@wxbot/simulator';
import type { Logger } from 'pino';
import { z } from 'zod';

import { AccountSupervisor, configuredBot } from '../../src/bot/accounts.js';
import type { Bot } from '../../src/bot/bot.js';
import { createBotFromConfig } from '../../src/bot/create.js';
import type { ClientOptions } from '../../src/client/types.js';
import type { ResolvedAccount } from '../../src/config/accounts.js';
import { prepareConfig } from '../../src/config/prepare.js';
import type { AccountEntry } from '../../src/config/types.js';
import { definePlugin } from '../../src/plugin/define.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { WebTransport } from '../../src/transport/web.js';
import { captureLogger, FAST, simClientOptions, tempDir, waitFor } from '../client/helpers.js';

/** Answers `ping` with `pong from <who>`; each account overrides `who` (pluginOverrides) to say who answered. */
const pong = definePlugin({
  name: 'pong',
  options: z.object({ who: z.string() }),
  setup(ctx, { who }) {
    ctx.on('message:text', async (m) => {
      if (m.text === 'ping') await m.reply(`pong from ${who}`);
    });
  },
});

const world = (name: string, uin: number) => ({
  self: { wxid: `wxid_${name}`, uin, nickName: name },
  friends: [{ wxid: 'wxid_alice', nickName: 'Alice' }],
  rooms: [],
});

async function accountsOf(dir: string, entries: AccountEntry[]): Promise<readonly ResolvedAccount[]> {
  const accounts = entries.map((e) => ({ ...e, pluginOverrides: { pong: { who: e.name } } }));
  const resolved = await prepareConfig({
    config: { plugins: [[pong, { who: 'shared' }]], accounts },
    file: undefined,
    dir,
  });
  return resolved.accounts!;
}

/** Bots against the multi-account simulator; the phone of the account with the bot's name confirms its QR codes. */
function botsOn(sim: Simulator, dir: string, extra: Partial<ClientOptions> = {}) {
  return (account: ResolvedAccount, logger: Logger): Bot => {
    const bot = createBotFromConfig(account, {
      logger,
      storage: createMemoryStorage(),
      client: { ...simClientOptions(sim, dir, extra), account: account.name, dataDir: account.dataDir },
      clientInternals: FAST,
    });
    bot.transport.client.on('qr', ({ uuid }) => sim.account(account.name).confirm(uuid));
    return bot;
  };
}

function sent(sim: Simulator, account: string): string[] {
  return sim
    .account(account)
    .actions()
    .filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0)
    .map((a) => a.content ?? '');
}

describe('AccountSupervisor', () => {
  let sim: Simulator;
  let supervisor: AccountSupervisor | undefined;
  const tmp = tempDir();
  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
    await sim.close();
  });
  afterAll(() => {
    tmp.cleanup();
  });

  it('runs two accounts in one process, each answering its own chats', async () => {
    sim = await createSimulator({
      accounts: [
        { id: 'north', world: world('north', 2300000001) },
        { id: 'south', world: world('south', 2300000002) },
      ],
      loginPollHoldMs: 100,
      synccheckHoldMs: 100,
    });
    const { logger, lines } = captureLogger('debug');
    // The default bot factory: everything from the config, as `wxbot start` builds them.
    const direct = (name: string): AccountEntry => ({
      name,
      hosts: { login: sim.loginUrl, main: sim.url },
      sessionStore: new MemorySessionStore(),
      loginMode: 'qr',
      qr: { terminal: false, pngPath: false },
      proxy: false,
    });
    supervisor = new AccountSupervisor({
      accounts: await accountsOf(tmp.dir, [direct('north'), direct('south')]),
      logger,
    });
    const starting = supervisor.start();
    // Each bot exists once start() was called; each account's phone confirms its own bot's QR code.
    for (const name of ['north', 'south']) {
      const transport = supervisor.bot(name)!.transport;
      if (!(transport instanceof WebTransport)) throw new Error(`${name}: expected the Web transport`);
      transport.client.on('qr', ({ uuid }) => sim.account(name).confirm(uuid));
    }
    expect((await starting).map((s) => [s.name, s.state])).toEqual([
      ['north', 'running'],
      ['south', 'running'],
    ]);
    sim.account('north').say({ from: 'wxid_alice', text: 'ping' });
    sim.account('south').say({ from: 'wxid_alice', text: 'ping' });
    await waitFor(() => sent(sim, 'north').length > 0 && sent(sim, 'south').length > 0, 'both replies', 10_000);
    expect(sent(sim, 'north')).toEqual(['pong from north']);
    expect(sent(sim, 'south')).toEqual(['pong from south']);
    // Logs carry the account, once per line (the client's lines and the bot's).
    const records = lines.map((l) => JSON.parse(l) as { account?: string; msg: string });
    const ready = records.filter((r) => r.msg.startsWith('bot ready as'));
    expect(ready.map((r) => r.account).sort()).toEqual(['north', 'south']);
    expect(records.filter((r) => r.account === 'south').length).toBeGreaterThan(ready.length);
    expect(lines.filter((l) => (l.match(/"account":/g) ?? []).length > 1)).toEqual([]);
  });

  it('one account refused at login (banned) fails alone; the other keeps serving', async () => {
    sim = await createSimulator({
      accounts: [
        { id: 'good', world: world('good', 2300000011) },
        // The phone confirms, then the server refuses the account's web login (1203), as for a banned account.
        {
          id: 'banned',
          world: world('banned', 2300000012),
          faults: [{ endpoint: 'webwxnewloginpage', kind: 'ret', ret: 1203 }],
        },
      ],
      loginPollHoldMs: 100,
      synccheckHoldMs: 100,
    });
    const { logger, lines } = captureLogger('info');
    const changes: string[] = [];
    supervisor = new AccountSupervisor({
      accounts: await accountsOf(tmp.dir, [{ name: 'good' }, { name: 'banned' }]),
      logger,
      createBot: botsOn(sim, tmp.dir),
    });
    supervisor.onChange((s) => changes.push(`${s.name}:${s.state}`));
    const status = await supervisor.start();
    expect(status.map((s) => [s.name, s.state])).toEqual([
      ['good', 'running'],
      ['banned', 'failed'],
    ]);
    expect(status[1]!.error).toBeDefined();
    // A ban is final: no restart is scheduled.
    expect(status[1]!.cause).toBe('banned');
    expect(changes).toEqual(expect.arrayContaining(['good:running', 'banned:failed']));
    const failure = lines
      .map((l) => JSON.parse(l) as { account?: string; msg: string; level: number })
      .find((l) => l.msg.startsWith('account banned could not start'));
    expect(failure).toMatchObject({ account: 'banned', level: 50 });
    expect(failure!.msg).toContain('the other accounts carry on');
    // The good account still answers.
    sim.account('good').say({ from: 'wxid_alice', text: 'ping' });
    await waitFor(() => sent(sim, 'good').length > 0, 'the good account’s reply', 10_000);
    expect(sent(sim, 'good')).toEqual(['pong from good']);
  });

  it('an account banned while running fails alone once recovery gives up; the other keeps serving', async () => {
    sim = await createSimulator({
      accounts: [
        { id: 'steady', world: world('steady', 2300000031) },
        { id: 'doomed', world: world('doomed', 2300000032) },
      ],
      loginPollHoldMs: 100,
      synccheckHoldMs: 100,
    });
    const { logger, lines } = captureLogger('info');
    supervisor = new AccountSupervisor({
      accounts: await accountsOf(tmp.dir, [{ name: 'steady' }, { name: 'doomed' }]),
      logger,
      // Recovery by QR only (its phone confirms it), so the refusal below ends it at once.
      createBot: botsOn(sim, tmp.dir, {
        recovery: { onLogout: ['reinit', 'qr'], backoff: { baseMs: 20, maxMs: 200 }, keepAliveMs: 0, watchdogMs: 0 },
      }),
    });
    expect((await supervisor.start()).map((s) => s.state)).toEqual(['running', 'running']);
    // Logged out from the phone, and the server refuses the account's logins from now on (1203).
    sim.account('doomed').addFault({ endpoint: 'webwxnewloginpage', kind: 'ret', ret: 1203 });
    sim.account('doomed').logoutFromPhone();
    await waitFor(() => supervisor!.status()[1]!.state === 'failed', 'the doomed account to fail', 10_000);
    expect(supervisor.status()[0]!.state).toBe('running');
    expect(supervisor.status()[1]!.cause).toBe('banned');
    const failure = lines
      .map((l) => JSON.parse(l) as { account?: string; msg: string })
      .find((l) => l.msg.startsWith('account doomed stopped serving'));
    expect(failure?.account).toBe('doomed');
    sim.account('steady').say({ from: 'wxid_alice', text: 'ping' });
    await waitFor(() => sent(sim, 'steady').length > 0, 'the steady account’s reply', 10_000);
    expect(sent(sim, 'steady')).toEqual(['pong from steady']);
  });

  it('a bot that cannot even be built fails alone', async () => {
    sim = await createSimulator({ accounts: [{ id: 'ok', world: world('ok', 2300000021) }], loginPollHoldMs: 100 });
    const make = botsOn(sim, tmp.dir);
    supervisor = new AccountSupervisor({
      accounts: await accountsOf(tmp.dir, [{ name: 'ok' }, { name: 'broken' }]),
      logger: captureLogger('info').logger,
      createBot: (account, logger) => {
        if (account.name === 'broken') throw new Error('no such transport');
        return make(account, logger);
      },
    });
    const status = await supervisor.start();
    expect(status).toEqual([
      { name: 'ok', state: 'running', restarts: 0 },
      // A bot that cannot be built is not restarted: its setup needs fixing.
      { name: 'broken', state: 'failed', error: 'no such transport', cause: 'needs-fix', restarts: 0 },
    ]);
  });

  it('the default factory builds a restart that resumes the stored session only, never shows a QR code', async () => {
    sim = await createSimulator({ accounts: [{ id: 'solo', world: world('solo', 2300000041) }], loginPollHoldMs: 100 });
    const [account] = await accountsOf(tmp.dir, [
      {
        name: 'solo',
        hosts: { login: sim.loginUrl, main: sim.url },
        sessionStore: new MemorySessionStore(),
        loginMode: 'qr',
        qr: { terminal: false, pngPath: false },
        proxy: false,
      },
    ]);
    const { logger } = captureLogger('info');
    // Nothing is stored: a first start would show a QR code (loginMode 'qr'); a restart fails at once.
    const bot = configuredBot(logger)(account!, logger, { restart: 1 });
    let qrs = 0;
    bot.transport.on('qr', () => qrs++);
    await expect(bot.start()).rejects.toMatchObject({ code: 'HOT_LOGIN_FAILED' });
    await bot.stop();
    expect(qrs).toBe(0);
    expect(sim.pendingLogins()).toEqual([]);
  });
});
