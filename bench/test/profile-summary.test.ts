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

  it("moves a frame in core's bundle to the module its source map names", () => {
    const dir = mkdtempSync(join(tmpdir(), 'prof-summary-'));
    try {
      const bundle = join(dir, 'packages', 'core', 'dist', 'bundle');
      mkdirSync(bundle, { recursive: true });
      writeFileSync(join(bundle, 'chunk-A.js'), 'function append() {}\n');
      // Generated line 0, column 0 → source 0 (journal.ts), line 5, column 0.
      const map = { version: 3, sources: ['../../src/client/journal.ts'], names: [], mappings: 'AAKA' };
      writeFileSync(join(bundle, 'chunk-A.js.map'), JSON.stringify(map));
      const url = pathToFileURL(join(bundle, 'chunk-A.js')).href;
      const file = join(dir, 'x.cpuprofile');
      writeFileSync(
        file,
        JSON.stringify({
          nodes: [{ id: 1, callFrame: { functionName: 'append', url, lineNumber: 0, columnNumber: 0, scriptId: '1' } }],
          startTime: 0,
          endTime: 10,
          samples: [1],
          timeDeltas: [1000],
        }),
      );
      const s = summarise(file, 1);
      expect(s.areas.map((a) => a.area)).toEqual(['journal / session store']);
      expect(s.top[0]!.where).toBe('core/dist/client/journal.js:6');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
