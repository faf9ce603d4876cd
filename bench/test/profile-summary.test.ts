import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { writeProfilePhases, readProfilePhases } from '../src/profile-phases.js';
import { renderPhase, summarise } from '../src/profile-summary.js';

const frame = (id: number, functionName: string, url: string): object => ({
  id,
  callFrame: { functionName, url, lineNumber: 9, columnNumber: 0, scriptId: '1' },
});

describe('summarise', () => {
  it('groups self time by area, leaves idle out, and ranks functions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-summary-'));
    try {
      const file = join(dir, 'x.cpuprofile');
      writeFileSync(
        file,
        JSON.stringify({
          nodes: [
            frame(1, '(root)', ''),
            frame(2, '(idle)', ''),
            frame(3, '(garbage collector)', ''),
            frame(4, 'append', 'file:///w/packages/core/dist/client/journal.js'),
            frame(5, 'ClientRequest', 'node:_http_client'),
            frame(6, 'write', 'file:///w/node_modules/.pnpm/pino@10/node_modules/pino/lib/proto.js'),
            frame(7, 'normalizeMessage', 'file:///w/packages/core/dist/message/normalize.js'),
          ],
          startTime: 0,
          endTime: 100,
          samples: [2, 2, 3, 4, 4, 4, 5, 6, 7, 7],
          timeDeltas: [1000, 1000, 2000, 3000, 3000, 3000, 1000, 500, 250, 250],
        }),
      );
      const s = summarise(file, 3);
      expect(s.totalMs).toBe(13); // 15 ms sampled, 2 of them idle
      expect(s.areas.map((a) => a.area)).toEqual([
        'journal / session store',
        'GC',
        'node:http / net',
        'logging (pino)',
        'normaliser / message',
      ]);
      expect(s.areas[0]).toMatchObject({ ms: 9, share: 69.2 });
      expect(s.top.map((t) => t.fn)).toEqual(['append', '(garbage collector)', 'ClientRequest']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('moves a frame in a bundle to the module its source map names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-summary-'));
    try {
      /** A one-line chunk of `pkg`'s bundle whose line 0, column 0 comes from `source`, line 5, column 0. */
      const chunk = (pkg: string, source: string): string => {
        const bundle = join(dir, 'packages', pkg, 'dist', 'bundle');
        mkdirSync(bundle, { recursive: true });
        writeFileSync(join(bundle, 'chunk-A.js'), 'function f() {}\n');
        const map = { version: 3, sources: [source], names: [], mappings: 'AAKA' };
        writeFileSync(join(bundle, 'chunk-A.js.map'), JSON.stringify(map));
        return pathToFileURL(join(bundle, 'chunk-A.js')).href;
      };
      const frameAt = (id: number, functionName: string, url: string): object => ({
        id,
        callFrame: { functionName, url, lineNumber: 0, columnNumber: 0, scriptId: String(id) },
      });
      const file = join(dir, 'x.cpuprofile');
      writeFileSync(
        file,
        JSON.stringify({
          nodes: [
            frameAt(1, 'append', chunk('core', '../../src/client/journal.ts')),
            frameAt(2, 'publish', chunk('server', '../../src/events.ts')),
          ],
          startTime: 0,
          endTime: 10,
          samples: [1, 1, 2],
          timeDeltas: [1000, 1000, 1000],
        }),
      );
      const s = summarise(file, 2);
      expect(s.areas.map((a) => a.area)).toEqual(['journal / session store', 'other']);
      expect(s.top.map((t) => t.where)).toEqual(['core/dist/client/journal.js:6', 'server/dist/events.js:6']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts only the samples inside a window, and renders a phase per message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-summary-'));
    try {
      const file = join(dir, 'CPU.20261207.164510.4242.0.001.cpuprofile');
      writeFileSync(
        file,
        JSON.stringify({
          nodes: [
            frame(1, 'append', 'file:///w/packages/core/dist/client/journal.js'),
            frame(2, 'normalizeMessage', 'file:///w/packages/core/dist/message/normalize.js'),
          ],
          // Samples at 1,000, 2,000, ... 6,000 µs: three of the journal, then three of the normaliser.
          startTime: 0,
          endTime: 6000,
          samples: [1, 1, 1, 2, 2, 2],
          timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
        }),
      );
      const late = summarise(file, 5, { fromUs: 2500, toUs: 5500 });
      expect(late.areas.map((a) => [a.area, a.us])).toEqual([
        ['normaliser / message', 2000],
        ['journal / session store', 1000],
      ]);
      expect(summarise(file, 5, { fromUs: 7000, toUs: 9000 }).totalMs).toBe(0);

      // The latency suite writes the spans beside the profile, named by the process's pid.
      writeProfilePhases(dir, 4242, 'wxbot', [
        { name: 'warm-up', fromUs: 0, toUs: 3500, messages: 3 },
        { name: 'steady', fromUs: 3500, toUs: 6500, messages: 2 },
      ]);
      const marked = readProfilePhases(file);
      expect(marked?.target).toBe('wxbot');
      expect(marked?.phases.map((p) => p.name)).toEqual(['warm-up', 'steady']);
      const steady = marked!.phases[1]!;
      const text = renderPhase('wxbot', steady, summarise(file, 5, steady));
      expect(text).toContain('### wxbot, steady: 2 messages, 3 ms busy on the main thread (1.500 ms per message)');
      expect(text).toContain('| normaliser / message | 3 | 100 | 1500.0 |');
      expect(text).not.toContain('journal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds no phases for a profile taken by hand, or beside a file that is not a phases document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-summary-'));
    try {
      expect(readProfilePhases(join(dir, 'x.cpuprofile'))).toBeUndefined();
      expect(readProfilePhases(join(dir, 'CPU.20261207.164510.77.0.001.cpuprofile'))).toBeUndefined();
      writeFileSync(join(dir, 'phases-77.json'), '{"something":"else"}');
      expect(readProfilePhases(join(dir, 'CPU.20261207.164510.77.0.001.cpuprofile'))).toBeUndefined();
      writeFileSync(
        join(dir, 'phases-77.json'),
        JSON.stringify({ target: 'wxbot', phases: [{ name: 'steady', fromUs: 5, toUs: 1, messages: 1 }, null] }),
      );
      expect(readProfilePhases(join(dir, 'CPU.20261207.164510.77.0.001.cpuprofile'))?.phases).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
