import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { captureRaws, pipelineWorkloads } from '../../src/suites/pipeline.js';

const ours = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('wxbot-bench-pipe-'));

describe('captureRaws', () => {
  it('captures every message of each workload, and its cleanup removes what it made', async () => {
    const before = ours();
    const [plain] = pipelineWorkloads();
    const { raws, cleanup } = await captureRaws([{ ...plain!, count: 5 }]);
    expect(raws.get('plain-text')!.map((r) => r.Content)).toEqual(
      Array.from({ length: 5 }, (_, i) => `hello there, message number ${i}`),
    );
    await cleanup();
    expect(ours()).toEqual(before);
  });

  it('a capture that falls short says so and leaves no temporary directory behind', async () => {
    const before = ours();
    const silent = { name: 'silent', description: 'injects nothing', count: 3, inject: () => undefined };
    await expect(captureRaws([silent], 300)).rejects.toThrow('pipeline: captured 0/3 silent messages');
    expect(ours()).toEqual(before);
  });
});
