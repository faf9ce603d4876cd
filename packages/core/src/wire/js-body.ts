/**
 * Web WeChat answers several endpoints (jslogin, the login poll, synccheck)
 * with JavaScript statements instead of JSON, e.g.
 *   window.QRLogin.code = 200; window.QRLogin.uuid = "gf5Gk61zEA==";
 *   window.synccheck={retcode:"0",selector:"2"}
 * We never eval them; this reads the `window.<path> = <literal>` statements.
 */

export type JsValue = string | number | boolean | null | { [key: string]: JsValue };

export class JsBodyError extends Error {
  override readonly name = 'JsBodyError';
  constructor(
    message: string,
    /** Which endpoint the body came from, so the error says where. */
    readonly endpoint: string,
    /** The first characters of the offending body (never secrets: these bodies carry none). */
    readonly excerpt: string,
  ) {
    super(`${endpoint}: ${message} (body starts: ${JSON.stringify(excerpt)})`);
  }
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.src[this.pos];
  }

  eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) throw new Error(`expected "${ch}" at offset ${this.pos}`);
  }

  identifier(): string {
    this.skipSpace();
    const m = /^[A-Za-z_$][\w$]*/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`expected a name at offset ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  value(): JsValue {
    const ch = this.peek();
    if (ch === '"' || ch === "'") return this.string(ch);
    if (ch === '{') return this.object();
    const rest = this.src.slice(this.pos);
    const num = /^-?\d+(?:\.\d+)?/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      return Number(num[0]);
    }
    const word = /^(true|false|null|undefined)\b/.exec(rest);
    if (word) {
      this.pos += word[0].length;
      return word[1] === 'true' ? true : word[1] === 'false' ? false : null;
    }
    throw new Error(`unexpected ${ch === undefined ? 'end of body' : JSON.stringify(ch)} at offset ${this.pos}`);
  }

  private string(quote: string): string {
    this.pos++; // opening quote
    let out = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos++]!;
      if (ch === quote) return out;
      if (ch === '\\' && this.pos < this.src.length) {
        const esc = this.src[this.pos++]!;
        out += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : esc;
      } else {
        out += ch;
      }
    }
    throw new Error('unterminated string');
  }

  private object(): { [key: string]: JsValue } {
    this.expect('{');
    const obj: { [key: string]: JsValue } = {};
    while (!this.eat('}')) {
      const ch = this.peek();
      const key = ch === '"' || ch === "'" ? this.string(ch) : this.identifier();
      this.expect(':');
      obj[key] = this.value();
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    return obj;
  }
}

/**
 * Reads every `window.a.b = value;` statement of a JS-ish body into a flat
 * record keyed by the dotted path after `window.` ("QRLogin.code").
 * Statements may be separated by `;`, newlines or nothing.
 */
export function parseJsAssignments(body: string, endpoint = 'js body'): Record<string, JsValue> {
  const r = new Reader(body);
  const out: Record<string, JsValue> = {};
  try {
    if (r.peek() === undefined) throw new Error('empty body');
    while (r.peek() !== undefined) {
      if (r.eat(';')) continue;
      const head = r.identifier();
      if (head !== 'window') throw new Error(`expected "window." but found "${head}"`);
      const path: string[] = [];
      while (r.eat('.')) path.push(r.identifier());
      if (path.length === 0) throw new Error('expected a property after "window"');
      r.expect('=');
      out[path.join('.')] = r.value();
    }
  } catch (err) {
    throw new JsBodyError((err as Error).message, endpoint, body.slice(0, 80));
  }
  return out;
}

export interface JsLoginResult {
  code: number;
  uuid: string;
}

/** Parses the `jslogin` answer: `window.QRLogin.code = 200; window.QRLogin.uuid = "...";`. */
export function parseJsLogin(body: string): JsLoginResult {
  const endpoint = 'jslogin';
  const fields = parseJsAssignments(body, endpoint);
  const code = fields['QRLogin.code'];
  if (typeof code !== 'number') throw new JsBodyError('missing window.QRLogin.code', endpoint, body.slice(0, 80));
  const uuid = fields['QRLogin.uuid'];
  if (code === 200 && (typeof uuid !== 'string' || uuid === '')) {
    throw new JsBodyError('code 200 without window.QRLogin.uuid', endpoint, body.slice(0, 80));
  }
  return { code, uuid: typeof uuid === 'string' ? uuid : '' };
}
