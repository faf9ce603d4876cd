import { ClientStopped, LoggedOut } from '../../src/client/errors.js';
import { Lifecycle } from '../../src/client/lifecycle.js';
import type { ClientState } from '../../src/client/types.js';

function lifecycle() {
  const ctl = new AbortController();
  const changes: string[] = [];
  const l = new Lifecycle(ctl.signal, (e: { from: ClientState; to: ClientState }) => changes.push(`${e.from}>${e.to}`));
  return { l, ctl, changes };
}

test('actions wait in ready() until the client syncs; each change is reported once', async () => {
  const { l, changes } = lifecycle();
  l.set('logging-in');
  let ran = false;
  const waiting = l.ready().then(() => {
    ran = true;
  });
  await Promise.resolve();
  expect(ran).toBe(false);
  l.set('syncing');
  l.set('syncing');
  await waiting;
  expect(ran).toBe(true);
  expect(changes).toEqual(['idle>logging-in', 'logging-in>syncing']);
});

test('logged out is final only when no recovery runs', async () => {
  const { l } = lifecycle();
  l.set('logged-out');
  await expect(l.ready()).rejects.toBeInstanceOf(LoggedOut);
  l.recovering = true;
  const waiting = l.ready();
  l.rejectWaiters(new LoggedOut('synccheck', 1101, 'recovery failed'));
  await expect(waiting).rejects.toThrow('recovery failed');
});

test('a stopped or halted client refuses actions; a halt reports no change', async () => {
  const { l, ctl, changes } = lifecycle();
  l.set('stopping');
  expect(l.stopping).toBe(true);
  ctl.abort();
  await expect(l.ready()).rejects.toBeInstanceOf(ClientStopped);
  l.halted();
  expect(l.state).toBe('stopped');
  expect(changes).toEqual(['idle>stopping']);
});
