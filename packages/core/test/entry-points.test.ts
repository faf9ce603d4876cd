// The root entry is for plugin and config authors; the Web client itself is `@wxbot/core/client`
// (issue 15: narrow public faces). The API reports (packages/core/api/) show every name; this test
// pins the split itself, so a client name drifting back into the root fails here first.
import { readFileSync } from 'node:fs';

import * as client from '../src/client/index.js';
import * as root from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, { types: string; default: string } | string>;
};

const CLIENT_ONLY = [
  'createClient',
  'WebWxClient',
  'Journal',
  'BoundedSet',
  'writeFileAtomic',
  'MemoryContactStore',
  'parseJsAssignments',
  'parseJsLogin',
  'JsBodyError',
];

describe('entry points', () => {
  test.each(CLIENT_ONLY)('%s is in @wxbot/core/client, not in the root', (name) => {
    expect(Object.keys(client)).toContain(name);
    expect(Object.keys(root)).not.toContain(name);
  });

  test('what plugins catch and configs pick stays in the root and in ./client alike', () => {
    for (const name of ['WxError', 'RecallWindowPassed', 'FileSessionStore', 'MemorySessionStore', 'redactText']) {
      expect(root[name as keyof typeof root]).toBeDefined();
      expect(client[name as keyof typeof client]).toBe(root[name as keyof typeof root]);
    }
  });

  test('process tuning is only in @wxbot/core/runtime', () => {
    expect(Object.keys(root)).not.toContain('capYoungGeneration');
  });

  test('package.json exports ./client from the built client barrel', () => {
    expect(pkg.exports['./client']).toEqual({
      types: './dist/client/index.d.ts',
      default: './dist/client/index.js',
    });
  });
});
