import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';

import type { SessionLog, SessionStore } from '../session/types.js';
import type { StorageDriver } from '../storage/types.js';

/**
 * One check of a conformance suite. `run` throws (an AssertionError) when the
 * backend breaks the contract; it works with any test runner:
 *
 * ```ts
 * test.each(sessionStoreConformance())('$name', ({ run }) => run(openStore));
 * ```
 *
 * `open(account)` must return a store for that account in a scope fresh for
 * each case (a new temp dir, a new key prefix): two accounts of one scope
 * must not see each other's keys.
 */
export interface ConformanceCase<T> {
  readonly name: string;
  run(open: (account: string) => Promise<T>): Promise<void>;
}

function logOf(store: SessionStore): SessionLog {
  ok(store.log, 'store.log is missing: this case checks the optional append-only log');
  return store.log;
}

/** The checks every `SessionStore` backend (file, memory, Redis...) must pass. */
export function sessionStoreConformance(): ConformanceCase<SessionStore>[] {
  const doc = { version: 1, uin: 42, nested: { list: [1, 'two', null], flag: true } };
  return [
    {
      name: 'get of a missing key is undefined; set then get round-trips',
      async run(open) {
        const s = await open('a');
        strictEqual(await s.get('a/session'), undefined);
        await s.set('a/session', doc);
        deepStrictEqual(await s.get('a/session'), doc);
      },
    },
    {
      name: 'set replaces the whole document',
      async run(open) {
        const s = await open('a');
        await s.set('a/inbox', { old: 1, keep: 2 });
        await s.set('a/inbox', { fresh: true });
        deepStrictEqual(await s.get('a/inbox'), { fresh: true });
      },
    },
    {
      name: 'values are copies both ways',
      async run(open) {
        const s = await open('a');
        const value = { list: [1] };
        await s.set('a/x', value);
        value.list.push(2);
        const got = (await s.get('a/x')) as { list: number[] };
        deepStrictEqual(got, { list: [1] });
        got.list.push(3);
        deepStrictEqual(await s.get('a/x'), { list: [1] });
      },
    },
    {
      name: 'concurrent sets leave one whole document, never a mix',
      async run(open) {
        const s = await open('a');
        const docs = Array.from({ length: 20 }, (_, i) => ({ i, pad: 'x'.repeat(i * 50) }));
        await Promise.all(docs.map((d) => s.set('a/race', d)));
        const got = (await s.get('a/race')) as { i: number; pad: string };
        deepStrictEqual(got, docs[got.i]);
      },
    },
    {
      name: 'delete removes the document and its log; deleting a missing key is fine',
      async run(open) {
        const s = await open('a');
        await s.set('a/outbox', { n: 1 });
        await logOf(s).append('a/outbox', [{ op: 1 }]);
        await s.delete('a/outbox');
        strictEqual(await s.get('a/outbox'), undefined);
        deepStrictEqual(await logOf(s).read('a/outbox'), []);
        await s.delete('a/never-there');
      },
    },
    {
      name: 'log keeps appends in order, across batches',
      async run(open) {
        const log = logOf(await open('a'));
        deepStrictEqual(await log.read('a/inbox'), []);
        await log.append('a/inbox', [{ n: 1 }, { n: 2 }]);
        await log.append('a/inbox', []);
        await log.append('a/inbox', [{ n: 3 }]);
        await log.sync('a/inbox');
        deepStrictEqual(await log.read('a/inbox'), [{ n: 1 }, { n: 2 }, { n: 3 }]);
        // A backend that holds the log open (a file handle) releases it here, as a stopping client does.
        await log.close('a/inbox');
      },
    },
    {
      name: 'concurrent appends all land, each batch in its own order',
      async run(open) {
        const log = logOf(await open('a'));
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            log.append('a/inbox', [
              { i, p: 0 },
              { i, p: 1 },
            ]),
          ),
        );
        const got = (await log.read('a/inbox')) as { i: number; p: number }[];
        strictEqual(got.length, 20);
        for (let i = 0; i < 10; i++) {
          deepStrictEqual(
            got.filter((r) => r.i === i).map((r) => r.p),
            [0, 1],
          );
        }
        await log.close('a/inbox');
      },
    },
    {
      name: 'read after clear is empty, and appending goes on',
      async run(open) {
        const log = logOf(await open('a'));
        await log.append('a/inbox', [{ n: 1 }]);
        await log.clear('a/inbox');
        deepStrictEqual(await log.read('a/inbox'), []);
        await log.append('a/inbox', [{ n: 2 }]);
        deepStrictEqual(await log.read('a/inbox'), [{ n: 2 }]);
        await log.clear('a/never-there');
        await log.close('a/inbox');
      },
    },
    {
      name: 'close then append reopens the log and keeps earlier records',
      async run(open) {
        const log = logOf(await open('a'));
        await log.append('a/outbox', [{ n: 1 }]);
        await log.close('a/outbox');
        await log.append('a/outbox', [{ n: 2 }]);
        await log.close('a/outbox');
        deepStrictEqual(await log.read('a/outbox'), [{ n: 1 }, { n: 2 }]);
        await log.close('a/never-opened');
      },
    },
    {
      name: 'a second store opened on the same account sees what the first wrote',
      async run(open) {
        const first = await open('a');
        await first.set('a/session', doc);
        await logOf(first).append('a/inbox', [{ n: 1 }]);
        const second = await open('a');
        deepStrictEqual(await second.get('a/session'), doc);
        deepStrictEqual(await logOf(second).read('a/inbox'), [{ n: 1 }]);
        await logOf(first).close('a/inbox');
      },
    },
    {
      name: 'two accounts never see each other’s documents or logs',
      async run(open) {
        const a = await open('a');
        const b = await open('b');
        await a.set('shared/session', { who: 'a' });
        await logOf(a).append('shared/inbox', [{ who: 'a' }]);
        strictEqual(await b.get('shared/session'), undefined);
        deepStrictEqual(await logOf(b).read('shared/inbox'), []);
        await b.set('shared/session', { who: 'b' });
        await b.delete('shared/inbox');
        deepStrictEqual(await a.get('shared/session'), { who: 'a' });
        deepStrictEqual(await logOf(a).read('shared/inbox'), [{ who: 'a' }]);
        await logOf(a).close('shared/inbox');
      },
    },
  ];
}

/** The checks every plugin `StorageDriver` backend (file, memory, Redis...) must pass. */
export function storageConformance(): ConformanceCase<StorageDriver>[] {
  return [
    {
      name: 'get/set/has/delete round-trip',
      async run(open) {
        const kv = (await open('a')).namespace('plugin-x');
        strictEqual(await kv.get('k'), undefined);
        strictEqual(await kv.has('k'), false);
        await kv.set('k', { n: 1, s: 'é', list: [true, null] });
        deepStrictEqual(await kv.get('k'), { n: 1, s: 'é', list: [true, null] });
        strictEqual(await kv.has('k'), true);
        await kv.set('k', 7);
        strictEqual(await kv.get('k'), 7);
        strictEqual(await kv.delete('k'), true);
        strictEqual(await kv.delete('k'), false);
        strictEqual(await kv.has('k'), false);
      },
    },
    {
      name: 'values are copies both ways',
      async run(open) {
        const kv = (await open('a')).namespace('plugin-x');
        const value = { list: [1] };
        await kv.set('k', value);
        value.list.push(2);
        const got = (await kv.get<{ list: number[] }>('k'))!;
        deepStrictEqual(got, { list: [1] });
        got.list.push(3);
        deepStrictEqual(await kv.get('k'), { list: [1] });
      },
    },
    {
      name: 'set of undefined is refused with a TypeError naming the key',
      async run(open) {
        const kv = (await open('a')).namespace('plugin-x');
        let error: unknown;
        try {
          await kv.set('oops', undefined);
        } catch (e) {
          error = e;
        }
        ok(error instanceof TypeError, 'expected a TypeError');
        ok(error.message.includes('oops'), `message should name the key: ${error.message}`);
      },
    },
    {
      name: 'keys() and clear() stay within one namespace',
      async run(open) {
        const driver = await open('a');
        const x = driver.namespace('@scope/plugin-x');
        const y = driver.namespace('plugin-y');
        await x.set('one', 1);
        await x.set('two', 2);
        await y.set('one', 'y');
        deepStrictEqual((await x.keys()).sort(), ['one', 'two']);
        deepStrictEqual(await y.keys(), ['one']);
        await x.clear();
        deepStrictEqual(await x.keys(), []);
        strictEqual(await y.get('one'), 'y');
        await x.set('three', 3);
        deepStrictEqual(await x.keys(), ['three']);
      },
    },
    {
      name: 'two accounts never see each other’s namespaces',
      async run(open) {
        const a = (await open('a')).namespace('plugin-x');
        const b = (await open('b')).namespace('plugin-x');
        await a.set('k', 'a');
        strictEqual(await b.get('k'), undefined);
        deepStrictEqual(await b.keys(), []);
        await b.clear();
        strictEqual(await a.get('k'), 'a');
      },
    },
    {
      name: 'a second driver opened on the same account sees what the first wrote',
      async run(open) {
        const first = await open('a');
        await first.namespace('plugin-x').set('k', [1, 2]);
        await first.close?.();
        const second = await open('a');
        deepStrictEqual(await second.namespace('plugin-x').get('k'), [1, 2]);
      },
    },
  ];
}
