import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { summarise } from '../src/profile-summary.js';

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
});
