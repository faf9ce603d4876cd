import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { createSimulator, type Simulator } from '@wxbot/simulator';

import { main } from '../../src/cli/main.js';
import { makeProject } from '../config/helpers.js';
import { memoryIo, waitUntil } from './helpers.js';

// Loading configs compiles TypeScript with jiti; the first load in a worker takes seconds.
const SLOW = 30_000;

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

const PONG = `import { defineConfig, definePlugin } from '@wxbot/core';
const pong = definePlugin({ name: 'pong', setup(ctx) { ctx.command('ping', (m) => m.reply('pong')); } });`;

describe('wxbot start with accounts: [...]', () => {
  test(
    '--simulator runs every account side by side; each answers its own chats',
    async () => {
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `${PONG}
        export default defineConfig({ logging: { level: 'info' }, plugins: [pong], accounts: [{ name: 'east' }, { name: 'west' }] });`,
      });
      dirs.push(p.dir);
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start', '--simulator'], m.io);
      try {
        await waitUntil(() => m.err().includes('Stop with Ctrl+C'), 'the banner', 25_000);
        expect(m.err()).toContain('running 2 accounts against the simulator');
        const control = /Accounts: (\S+)\/accounts/.exec(m.err())?.[1];
        expect(control).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__sim$/);
        for (const name of ['east', 'west']) {
          const say = new RegExp(
            `${name}: curl -s -X POST (\\S+) -H 'content-type: application/json' -d '([^']+)'`,
          ).exec(m.err());
          expect(say?.[1]).toBe(`${control}/accounts/${name}/say`);
          const from = (JSON.parse(say![2]!) as { from: string }).from;
          const res = await fetch(say![1]!, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ from, text: '/ping' }),
          });
          expect(res.status).toBe(200);
        }
        // Each reply is logged with the account that sent it.
        await waitUntil(
          () => m.out().includes('"account":"east"') && (m.out().match(/pong \(by pong\)/g) ?? []).length >= 2,
          'both replies',
          15_000,
        );
        const replies = m
          .out()
          .split('\n')
          .filter((l) => l.includes('pong (by pong)'))
          .map((l) => (JSON.parse(l) as { account: string }).account)
          .sort();
        expect(replies).toEqual(['east', 'west']);

        // The same console line as a single-account start (URL and token FILE), and the server lists every account.
        const consoleLine = /wxbot console: (http:\/\/127\.0\.0\.1:\d+)\/ \(it asks for the token: (\S+)\)/.exec(
          m.err(),
        );
        expect(consoleLine).not.toBeNull();
        const [, base, tokenFile] = consoleLine!;
        const token = (await readFile(tokenFile!, 'utf8')).trim();
        expect(m.out() + m.err()).not.toContain(token);
        const auth = { authorization: `Bearer ${token}` };
        const listed = (await (await fetch(`${base!}/api/accounts`, { headers: auth })).json()) as {
          items: { id: string; transport: string }[];
        };
        expect(listed.items.map((a) => [a.id, a.transport]).sort()).toEqual([
          ['east', 'web'],
          ['west', 'web'],
        ]);
        // The log tail, as the console's Log page reads it.
        const logs = (await (await fetch(`${base!}/api/logs`, { headers: auth })).json()) as {
          items: { msg: string }[];
        };
        expect(logs.items.filter((l) => l.msg.includes('pong (by pong)'))).toHaveLength(2);
      } finally {
        stop.abort();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  test(
    'three accounts, one banned at login: it is reported with its name, the other two keep serving',
    async () => {
      // Two accounts behind one simulator (its phones confirm by themselves), and one whose web login the server
      // refuses after the phone confirmed (1203), as for a banned account.
      const shared = await createSimulator({
        accounts: [
          {
            id: 'a',
            world: {
              self: { wxid: 'wxid_a', uin: 2400000001, nickName: 'A' },
              friends: [{ wxid: 'wxid_f', nickName: 'F' }],
            },
          },
          {
            id: 'b',
            world: {
              self: { wxid: 'wxid_b', uin: 2400000002, nickName: 'B' },
              friends: [{ wxid: 'wxid_f', nickName: 'F' }],
            },
          },
        ],
        autoConfirm: true,
        loginPollHoldMs: 100,
        synccheckHoldMs: 200,
      });
      const banned = await createSimulator({
        autoConfirm: true,
        loginPollHoldMs: 100,
        faults: [{ endpoint: 'webwxnewloginpage', kind: 'ret', ret: 1203 }],
      });
      const entry = (name: string, sim: Simulator) =>
        `{ name: '${name}', loginMode: 'qr', proxy: false, qr: { terminal: false, pngPath: false, maxRefreshes: 0 }, hosts: { login: '${sim.loginUrl}', main: '${sim.url}' } }`;
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `${PONG}
        export default defineConfig({ logging: { level: 'info' }, plugins: [pong], accounts: [
          ${entry('first', shared)}, ${entry('banned', banned)}, ${entry('second', shared)},
        ] });`,
      });
      dirs.push(p.dir);
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start'], m.io);
      try {
        await waitUntil(() => m.out().includes('2 of 3 account(s) running; failed: banned'), 'the summary', 25_000);
        expect(m.out()).toMatch(/"account":"banned"[^\n]*account banned could not start/);
        for (const id of ['a', 'b']) shared.account(id).say({ from: 'wxid_f', text: '/ping' });
        await waitUntil(() => (m.out().match(/pong \(by pong\)/g) ?? []).length >= 2, 'both replies', 15_000);
        const replies = m
          .out()
          .split('\n')
          .filter((l) => l.includes('pong (by pong)'))
          .map((l) => (JSON.parse(l) as { account: string }).account)
          .sort();
        expect(replies).toEqual(['first', 'second']);
      } finally {
        stop.abort();
        await exit.catch(() => undefined);
        await shared.close();
        await banned.close();
      }
      expect(await exit).toBe(0);
    },
    SLOW,
  );

  test(
    'an account restarted after a failure is served by the control API through its new bot',
    async () => {
      const sim = await createSimulator({
        world: {
          self: { wxid: 'wxid_solo', uin: 2400000009, nickName: 'Solo' },
          friends: [{ wxid: 'wxid_f', nickName: 'F' }],
        },
        autoConfirm: true,
        loginPollHoldMs: 100,
        synccheckHoldMs: 200,
      });
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `${PONG}
        export default defineConfig({ logging: { level: 'info' }, plugins: [pong], api: { port: 0 }, accounts: [
          { name: 'solo', loginMode: 'qr', proxy: false, qr: { terminal: false, pngPath: false, maxRefreshes: 0 },
            hosts: { login: '${sim.loginUrl}', main: '${sim.url}' }, restart: { initialDelayMs: 1500 } },
        ] });`,
      });
      dirs.push(p.dir);
      const stop = new AbortController();
      const m = memoryIo(p.dir, stop.signal);
      const exit = main(['start'], m.io);
      try {
        await waitUntil(() => m.out().includes('1 of 1 account(s) running'), 'the start', 25_000);
        const [, base, tokenFile] =
          /wxbot console: (http:\/\/127\.0\.0\.1:\d+)\/ \(it asks for the token: (\S+)\)/.exec(m.err())!;
        const auth = { authorization: `Bearer ${(await readFile(tokenFile!, 'utf8')).trim()}` };
        const state = async (): Promise<string | undefined> =>
          ((await (await fetch(`${base!}/api/accounts`, { headers: auth })).json()) as { items: { state: string }[] })
            .items[0]?.state;
        expect(await state()).toBe('syncing');
        // A logout whose every recovery step fails: the session ends, and the supervisor restarts the account.
        sim.addFault({ kind: 'ret', ret: 1, endpoint: ['webwxinit', 'webwxpushloginurl'] });
        sim.addFault({ kind: 'http', status: 500, endpoint: 'jslogin' });
        sim.addFault({ kind: 'ret', ret: 1101, endpoint: 'synccheck', times: 1 });
        await waitUntil(() => m.out().includes('restarting it in'), 'the restart to be scheduled', 15_000);
        // The server is fine again by the time the new bot logs in from the stored session.
        sim.clearFaults();
        await waitUntil(() => m.out().includes('restart 1, from the stored session'), 'the restart', 15_000);
        const deadline = Date.now() + 15_000;
        while ((await state()) !== 'syncing') {
          if (Date.now() > deadline) throw new Error(`the API still shows ${String(await state())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        // The new bot's messages reach the API too (the hub records one once every plugin handled it).
        sim.say({ from: 'wxid_f', text: '/ping' });
        const recent = async (): Promise<string[]> =>
          (
            (await (await fetch(`${base!}/api/accounts/solo/chats/F/messages`, { headers: auth })).json()) as {
              items: { text: string }[];
            }
          ).items.map((i) => i.text);
        while (!(await recent()).includes('pong')) {
          if (Date.now() > deadline) throw new Error(`recent messages: ${JSON.stringify(await recent())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await recent()).toEqual(['/ping', 'pong']);
      } finally {
        stop.abort();
        await exit.catch(() => undefined);
        await sim.close();
      }
      expect(await exit).toBe(0);
    },
    // A start, a failure, a restart delay and a second login, each waited for on its own timeout.
    SLOW * 2,
  );

  test(
    'when no account can start it says why for each and exits 1',
    async () => {
      // Nothing listens on port 9 of loopback.
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `${PONG}
        export default defineConfig({ logging: { level: 'info' }, plugins: [pong], accounts: [
          { name: 'lost', loginMode: 'qr', proxy: false, qr: { terminal: false, pngPath: false, maxRefreshes: 0 },
            hosts: { login: 'http://127.0.0.1:9', main: 'http://127.0.0.1:9' } },
        ] });`,
      });
      dirs.push(p.dir);
      const m = memoryIo(p.dir);
      expect(await main(['start'], m.io)).toBe(1);
      expect(m.err()).toContain('wxbot: no account could start:\n  - lost: ');
      expect(m.out()).toMatch(/"account":"lost".*account lost could not start/);
    },
    SLOW,
  );
});

describe('wxbot login --account', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  test(
    'logs in the named account only and saves its session in its own data dir',
    async () => {
      sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100 });
      const entry = (name: string) =>
        `{ name: '${name}', loginMode: 'qr', proxy: false, qr: { terminal: false, pngPath: false }, hosts: { login: '${sim.loginUrl}', main: '${sim.url}' } }`;
      const p = await makeProject({
        'package.json': '{"type":"module"}',
        'bot.config.ts': `import { defineConfig } from '@wxbot/core';
        export default defineConfig({ logging: { level: 'silent' }, accounts: [${entry('one')}, ${entry('two')}] });`,
      });
      dirs.push(p.dir);

      // Several accounts: login needs to know which.
      const bare = memoryIo(p.dir);
      expect(await main(['login'], bare.io)).toBe(1);
      expect(bare.err()).toContain(
        'this config has 2 accounts (one, two); login one at a time: wxbot login --account <name>',
      );
      const typo = memoryIo(p.dir);
      expect(await main(['login', '--account', 'tow'], typo.io)).toBe(1);
      expect(typo.err()).toContain('--account tow: no such account (did you mean "two"?); the config has one, two');

      const m = memoryIo(p.dir);
      expect(await main(['login', '--account', 'two'], m.io)).toBe(0);
      expect(m.err()).toContain(`Logged in as Bot; the session is saved under ${join(p.dir, '.wxbot', 'two')}.`);
      expect(existsSync(join(p.dir, '.wxbot', 'two'))).toBe(true);
      expect(existsSync(join(p.dir, '.wxbot', 'one'))).toBe(false);
    },
    SLOW,
  );
});
