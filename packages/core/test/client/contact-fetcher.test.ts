import { ContactFetcher } from '../../src/client/contact-fetcher.js';

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function fetcher(delayMs: number): { f: ContactFetcher; calls: string[][]; abort: AbortController } {
  const calls: string[][] = [];
  const abort = new AbortController();
  const f = new ContactFetcher(
    (names) => {
      calls.push(names);
      return Promise.resolve(names.map((UserName) => ({ UserName })));
    },
    () => undefined,
    () => undefined,
    { delayMs, gapMs: 0, batch: 50, signal: abort.signal },
  );
  return { f, calls, abort };
}

describe('ContactFetcher', () => {
  it('waits delayMs to coalesce ordinary lookups', async () => {
    const { f, calls, abort } = fetcher(60_000);
    const done = f.request(['@a']);
    void f.request(['@b']);
    await tick();
    expect(calls).toEqual([]);
    abort.abort();
    await done;
  });

  it('looks up a complete list at once when asked to (the rooms after webwxinit)', async () => {
    const { f, calls, abort } = fetcher(60_000);
    const names = Array.from({ length: 120 }, (_, i) => `@@room${i}`);
    await f.request(names, { immediate: true });
    expect(calls.map((c) => c.length)).toEqual([50, 50, 20]);
    expect(calls.flat()).toEqual(names);
    abort.abort();
  });
});
