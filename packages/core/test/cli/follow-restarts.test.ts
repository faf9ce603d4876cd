import { EventEmitter } from 'node:events';

import type { AccountStatus } from '../../src/bot/accounts.js';
import type { Bot } from '../../src/bot/bot.js';
import { followRestarts } from '../../src/cli/follow-restarts.js';
import { captureLogger } from '../client/helpers.js';

/** A supervisor's `bot` and `onChange`, driven by the test; bots are stand-ins only compared by identity. */
function fakeSupervisor(initial: Record<string, Bot | undefined>) {
  const bots = { ...initial };
  const events = new EventEmitter();
  return {
    bots,
    bot: (name: string) => bots[name],
    onChange(listener: (s: AccountStatus) => void) {
      events.on('change', listener);
      return () => events.off('change', listener);
    },
    change(name: string, state: AccountStatus['state']) {
      events.emit('change', { name, state, restarts: 0 } satisfies AccountStatus);
    },
    listening: () => events.listenerCount('change'),
  };
}

const botNamed = (name: string): Bot => ({ transport: { account: name } }) as unknown as Bot;

test("a restart's new bot is handed to the control plane when it starts, and not on other changes", () => {
  const first = botNamed('a');
  const supervisor = fakeSupervisor({ a: first, b: undefined });
  const replaced: Bot[] = [];
  const { logger } = captureLogger('warn');
  const off = followRestarts(supervisor, { replaceBot: (b) => replaced.push(b) }, ['a', 'b'], logger);
  // Caught up at once (the same bot: the control plane ignores it); `b` has no bot to hand over.
  expect(replaced).toEqual([first]);
  const second = botNamed('a');
  supervisor.bots.a = second;
  supervisor.change('a', 'restarting');
  supervisor.change('a', 'running');
  expect(replaced).toEqual([first]);
  supervisor.change('a', 'starting');
  expect(replaced).toEqual([first, second]);
  off();
  expect(supervisor.listening()).toBe(0);
});

test('an account the control plane refuses is logged with its name, and the others still follow', () => {
  const supervisor = fakeSupervisor({ lost: botNamed('lost'), kept: botNamed('kept') });
  const replaced: string[] = [];
  const { logger, lines } = captureLogger('warn');
  followRestarts(
    supervisor,
    {
      replaceBot: (b) => {
        if (b.transport.account === 'lost') throw new Error('the control plane serves no account "lost"');
        replaced.push(b.transport.account);
      },
    },
    ['lost', 'kept'],
    logger,
  );
  expect(replaced).toEqual(['kept']);
  expect(lines.join('\n')).toMatch(
    /the control plane does not follow account lost: the control plane serves no account/,
  );
});
