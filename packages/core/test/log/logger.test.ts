import { Writable } from 'node:stream';
import { pino, symbols, type Logger } from 'pino';

import { createLogger } from '../../src/bot/logger.js';
import { createAccountLogger, redactingChild } from '../../src/log/logger.js';
import { REDACT } from '../../src/log/redact.js';

function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines };
}

/** The compiled redactor a pino logger serialises with (own or inherited). */
function redactorOf(logger: Logger): unknown {
  return (logger as unknown as Record<symbol, unknown>)[symbols.stringifiersSym];
}

const SECRET = { skey: '@crypt_secret', raw: { HeadImgUrl: '/cgi?seq=1&skey=%40crypt_secret' }, keep: 'visible' };

describe('redacting child loggers', () => {
  it('censor REDACT paths under a parent built without redaction, sharing one redactor', () => {
    const { stream, lines } = sink();
    const root = pino({ level: 'info' }, stream);
    const a = createAccountLogger(root, 'a');
    const b = createAccountLogger(root, 'b');
    const plugin = redactingChild(a, { plugin: 'p' });
    a.info(SECRET, 'a');
    plugin.info(SECRET, 'p');
    root.info(SECRET, 'root');
    expect(lines[0]).toContain('"account":"a"');
    expect(lines[1]).toContain('"plugin":"p"');
    for (const line of lines.slice(0, 2)) {
      expect(line).not.toContain('crypt_secret');
      expect(line).toContain('visible');
    }
    // The parent itself stays as it was built.
    expect(lines[2]).toContain('crypt_secret');
    expect(redactorOf(b)).toBe(redactorOf(a));
    expect(redactorOf(plugin)).toBe(redactorOf(a));
    expect(redactorOf(a)).not.toBe(redactorOf(root));
  });

  it('compile no redactor under the root wxbot builds: accounts and plugins inherit it', () => {
    const root = createLogger({ level: 'silent', pretty: false });
    const account = createAccountLogger(root, 'a');
    const plugin = redactingChild(root.child({ account: 'a' }), { plugin: 'p' });
    expect(redactorOf(account)).toBe(redactorOf(root));
    expect(redactorOf(plugin)).toBe(redactorOf(root));
  });

  it('replace a parent redaction that is not REDACT, as a child-level redact did', () => {
    const { stream, lines } = sink();
    const other = pino({ level: 'info' }, stream).child({}, { redact: ['keep'] });
    redactingChild(other, { plugin: 'p' }).info(SECRET, 'x');
    expect(lines[0]).not.toContain('crypt_secret');
    expect(lines[0]).toContain('visible');
    // And a parent that carries REDACT itself is reused.
    const own = pino({ level: 'info' }, stream).child({}, { redact: REDACT });
    expect(redactorOf(redactingChild(own, { plugin: 'q' }))).toBe(redactorOf(own));
  });
});
