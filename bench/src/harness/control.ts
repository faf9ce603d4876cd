/**
 * The simulator's HTTP control API (`/__sim/...`), as an operator drives it
 * from another process. Always JSON with `Content-Type: application/json` to
 * 127.0.0.1: what a control API that refuses cross-origin text/plain posts
 * and foreign Host headers still accepts.
 */
import { request } from 'node:http';

export interface FaultRuleBody {
  kind: string;
  endpoint?: string | string[];
  probability?: number;
  after?: number;
  times?: number;
  [key: string]: unknown;
}

export class SimControl {
  /** `controlUrl` as the simulator reports it (`http://127.0.0.1:<port>/__sim`). */
  constructor(private readonly controlUrl: string) {}

  call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(`${this.controlUrl}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: {
            ...(payload !== undefined
              ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
              : {}),
            accept: 'application/json',
          },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if ((res.statusCode ?? 0) >= 300) {
              reject(new Error(`control ${method} ${path}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
              return;
            }
            try {
              resolve(text === '' ? null : (JSON.parse(text) as unknown));
            } catch {
              reject(new Error(`control ${method} ${path}: answer is not JSON: ${text.slice(0, 300)}`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`control ${method} ${path}: no answer within 10 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async addFaults(rules: FaultRuleBody[]): Promise<void> {
    await this.call('POST', '/faults', { faults: rules });
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** Rules as the simulator counts them: how often each matched and fired. */
  async faults(): Promise<{ rule: FaultRuleBody; seen: number; fired: number }[]> {
    const r = (await this.call('GET', '/faults')) as { faults: { rule: FaultRuleBody; seen: number; fired: number }[] };
    return r.faults;
  }

  async expire(code: 1100 | 1101 | 1102 = 1101): Promise<void> {
    await this.call('POST', '/expire', { code });
  }
}
