import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
});
