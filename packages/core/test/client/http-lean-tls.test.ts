import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

import { directRequest } from '../../src/client/http-direct.js';
import { LeanPool } from '../../src/client/http-lean-pool.js';
import { directHost } from './http-lean-helpers.js';

/*
 * https through the lean carrier: tls.connect with SNI and node's default CAs, as node's https Agent. The
 * fixtures are a test CA (ca.pem, its key thrown away) and a certificate for DNS:localhost it signed, valid
 * until 2126. In this process the CA is not trusted, so verification must fail; a child process started with
 * NODE_EXTRA_CA_CERTS=ca.pem (node's own way to add a CA to the defaults) must then succeed.
 */
const here = fileURLToPath(new URL('.', import.meta.url));
const fixtures = join(here, 'fixtures/tls');
const src = join(here, '../../src/client');

let server: Server;
let port = 0;
const servernames: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer(
    { key: readFileSync(join(fixtures, 'localhost.key')), cert: readFileSync(join(fixtures, 'localhost.pem')) },
    (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Length': 6 }).end('secure'));
    },
  );
  server.on('secureConnection', (s: { servername?: string | false }) => {
    servernames.push(s.servername === false ? undefined : s.servername);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the lean carrier over TLS', () => {
  it('refuses a certificate the default CAs do not vouch for, as node:http does', async () => {
    const messages: string[] = [];
    for (const pool of [new LeanPool(), undefined]) {
      const host = directHost(pool);
      const err = await directRequest(host, { endpoint: 'webwxinit', url: `https://localhost:${port}/init` }).catch(
        (e: unknown) => e as Error,
      );
      host.destroy();
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('NetworkError');
      messages.push(((err as Error).cause as Error).message);
    }
    // Node 24 appends a hint (`--use-system-ca`) to OpenSSL's reason; both carriers carry the same text.
    expect(messages[0]).toMatch(/^unable to verify the first certificate/);
    expect(messages[0]).toBe(messages[1]);
  });

  it('trusts what node trusts (NODE_EXTRA_CA_CERTS), sends SNI, and checks the host name', async () => {
    // The pool's sources, transpiled as they are, run in a child whose default CAs include the test CA.
    const dir = mkdtempSync(join(tmpdir(), 'wxbot-lean-tls-'));
    try {
      for (const name of ['http-lean-pool', 'http-lean-parse', 'http-target']) {
        const out = ts.transpileModule(readFileSync(join(src, `${name}.ts`), 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        });
        writeFileSync(join(dir, `${name}.js`), out.outputText);
      }
      writeFileSync(
        join(dir, 'child.mjs'),
        `import { LeanPool } from './http-lean-pool.js';
const pool = new LeanPool();
const get = (hostname) => new Promise((resolve) => {
  let text = '';
  pool.send({ protocol: 'https:', hostname, port: ${port}, host: hostname + ':${port}' },
    'GET / HTTP/1.1\\r\\nHost: ' + hostname + '\\r\\nConnection: keep-alive\\r\\n\\r\\n', {
    head: (h) => { text += h.status + ' '; }, data: (c) => { text += c.toString(); },
    end: () => resolve(text), fail: (e) => resolve(e.code),
  });
});
console.log(JSON.stringify([await get('localhost'), await get('localhost'), await get('127.0.0.1')]));
pool.destroy();`,
      );
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [join(dir, 'child.mjs')],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(fixtures, 'ca.pem') } },
          (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)),
        ),
      );
      // localhost: verified, one connection for both requests; 127.0.0.1 is not a name on the certificate.
      expect(JSON.parse(out)).toEqual(['200 secure', '200 secure', 'ERR_TLS_CERT_ALTNAME_INVALID']);
      expect(servernames.filter((n) => n === 'localhost')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
