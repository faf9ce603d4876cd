import { pino } from 'pino';

import { definePlugin } from '../../src/plugin/define.js';
import { Stalls } from '../../src/plugin/stalls.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { webTransport } from '../../src/transport/web.js';

describe('Stalls', () => {
  it('skips a stalled plugin in its chat only, until cleared or retryMs has passed', () => {
    let now = 1000;
    const stalls = new Stalls(500, () => now);
    const a = {};
    const b = {};
    stalls.mark(a, 'chat1');
    expect(stalls.skips(a, 'chat1')).toBe(true);
    expect(stalls.skips(a, 'chat2')).toBe(false);
    expect(stalls.skips(b, 'chat1')).toBe(false);
    now += 499;
    expect(stalls.skips(a, 'chat1')).toBe(true);
    now += 1;
    expect(stalls.skips(a, 'chat1')).toBe(false);
    stalls.mark(a, 'chat1');
    stalls.clear(a, 'chat1');
    expect(stalls.skips(a, 'chat1')).toBe(false);
  });
});

describe('a hanging plugin does not hold its chat', () => {
  it('after one timeout, later messages of that chat skip the stalled plugin; the others still get them', async () => {
    // Loaded here, not at the top: mutation runs load this file for every mutant, and the unit test above
    // must not pay for the bot and the simulator.
    const [{ Bot }, { newClient, startSim, tempDir, waitFor }] = await Promise.all([
      import('../../src/bot/bot.js'),
      import('../client/helpers.js'),
    ]);
    const sim = await startSim();
    const tmp = tempDir();
    const client = newClient(sim, tmp.dir);
    const seenByHanger: string[] = [];
    const recorded: string[] = [];
    let release: (() => void) | undefined;
    const hanger = definePlugin({
      name: 'hanger',
      setup(ctx) {
        ctx.on('message:text', (m, next) => {
          seenByHanger.push(m.text);
          if (m.text === 'first') return new Promise<void>((r) => (release = r));
          return next();
        });
      },
    });
    const recorder = definePlugin({
      name: 'recorder',
      setup(ctx) {
        ctx.on('message:text', (m) => {
          recorded.push(m.text);
        });
      },
    });
    const bot = new Bot({
      transport: webTransport(client),
      plugins: [
        { plugin: hanger, options: undefined },
        { plugin: recorder, options: undefined },
      ],
      logger: pino({ level: 'silent' }),
      storage: createMemoryStorage(),
      isolation: { handlerTimeoutMs: 100 },
    });
    try {
      await bot.start();
      sim.say({ from: 'wxid_alice', text: 'first' });
      await waitFor(() => recorded.includes('first'), 'first, passed on after the timeout');
      sim.say({ from: 'wxid_alice', text: 'second' });
      sim.say({ from: 'wxid_alice', text: 'third' });
      sim.say({ from: 'wxid_bob', text: 'other chat' });
      await waitFor(() => recorded.includes('third') && recorded.includes('other chat'), 'the rest');
      // The stalled plugin was skipped in Alice's chat only.
      expect(seenByHanger).toEqual(['first', 'other chat']);
      expect(recorded.filter((t) => t !== 'other chat')).toEqual(['first', 'second', 'third']);
      // Its hung handler settles: it sees that chat again.
      release!();
      await new Promise((r) => setImmediate(r));
      sim.say({ from: 'wxid_alice', text: 'fourth' });
      await waitFor(() => recorded.includes('fourth'), 'fourth');
      expect(seenByHanger).toContain('fourth');
      expect(bot.plugins()).toEqual([
        { name: 'hanger', state: 'active' },
        { name: 'recorder', state: 'active' },
      ]);
    } finally {
      await bot.stop();
      await sim.close();
      tmp.cleanup();
    }
  });
});
