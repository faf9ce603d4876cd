// The root entry is for plugin and config authors; the Web client itself is `@wxbot/core/client`
// (issue 15: narrow public faces). The API reports (packages/core/api/) show every name; this test
// pins the split itself, so a client name drifting back into the root fails here first.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import * as rootByName from '@wxbot/core';
import * as transportByName from '@wxbot/core/transport';

import * as client from '../src/client/index.js';
import * as root from '../src/index.js';
import * as transport from '../src/transport/index.js';

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

  test('package.json exports ./client from the bundle, typed by the built client barrel', () => {
    expect(pkg.exports['./client']).toEqual({
      types: './dist/client/index.d.ts',
      default: './dist/bundle/client.js',
    });
  });

  test('package.json exports ./transport from the bundle, typed by the built transport barrel', () => {
    expect(pkg.exports['./transport']).toEqual({
      types: './dist/transport/index.d.ts',
      default: './dist/bundle/transport.js',
    });
  });
});

// `@wxbot/core/transport` is the transport seam alone (what the server's account hub needs before
// `wxbot start`'s banner, without the root barrel's config, bot and plugin modules: cold start, issue 20).
// It must hand out the very classes the root does, or an `instanceof WebTransport` across them fails.
describe('@wxbot/core/transport', () => {
  test('exports the transport barrel, every name of it also in the root', () => {
    expect(Object.keys(transportByName).sort()).toEqual(Object.keys(transport).sort());
    for (const name of Object.keys(transport)) {
      expect(root[name as keyof typeof root]).toBe(transport[name as keyof typeof transport]);
    }
  });

  test("WebTransport and guardActions by name are the root entry's", () => {
    expect(transportByName.WebTransport).toBe(rootByName.WebTransport);
    expect(transportByName.guardActions).toBe(rootByName.guardActions);
  });

  test('the built package resolves it to the same class as @wxbot/core', () => {
    const core = fileURLToPath(new URL('..', import.meta.url));
    expect(existsSync(`${core}dist/bundle/transport.js`)).toBe(true); // `pnpm build` first
    // Node's own resolution through package.json exports (jest maps both names to src/): a package
    // importing itself by name, as the server imports it from node_modules.
    const script =
      "const root = await import('@wxbot/core'); const t = await import('@wxbot/core/transport');" +
      'process.stdout.write(JSON.stringify([t.WebTransport === root.WebTransport, t.guardActions === root.guardActions,' +
      " import.meta.resolve('@wxbot/core/transport')]));";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: core, encoding: 'utf8' });
    const [sameClass, sameGuard, resolved] = JSON.parse(out) as [boolean, boolean, string];
    expect(sameClass).toBe(true);
    expect(sameGuard).toBe(true);
    expect(resolved.endsWith('/dist/bundle/transport.js')).toBe(true);
  });
});
