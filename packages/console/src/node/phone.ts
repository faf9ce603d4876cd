// The console's "phone" panel speaks through the bot's server, not to the simulator directly: the
// simulator's control API refuses requests from web pages of another origin (its guard.ts), and it
// should. A server in simulator mode relays these two calls from its own process, which sends no Origin.

export interface PhoneWorld {
  readonly people: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly rooms: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly members: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  }>;
}

export interface PhoneSay {
  readonly from: string;
  readonly text: string;
  readonly room?: string;
}

export interface PhoneRelay {
  /** The simulated friends and rooms (ids are wxids / room ids; names as the phone shows them). */
  world(): Promise<PhoneWorld>;
  /** Has `from` say `text` to the bot, in `room` when given. */
  say(input: unknown): Promise<unknown>;
}

/** A request body the relay will not pass on, with the field that is wrong. */
export class PhoneInputError extends Error {
  override name = 'PhoneInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

interface SimPerson {
  wxid?: unknown;
  nickName?: unknown;
  displayName?: unknown;
  kind?: unknown;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function check(input: unknown): PhoneSay {
  if (input === null || typeof input !== 'object') throw new PhoneInputError('body: expected a JSON object', 'body');
  const b = input as Record<string, unknown>;
  for (const key of ['from', 'text'] as const)
    if (typeof b[key] !== 'string' || b[key] === '')
      throw new PhoneInputError(`body.${key}: expected a non-empty string`, `body.${key}`);
  if (b.room !== undefined && typeof b.room !== 'string')
    throw new PhoneInputError('body.room: expected a room id', 'body.room');
  return {
    from: b.from as string,
    text: b.text as string,
    ...(typeof b.room === 'string' ? { room: b.room } : {}),
  };
}

/** Relays the phone panel's calls to a simulator's control URL (`sim.controlUrl`, ending in /__sim). */
export function phoneRelay(controlUrl: string, fetchImpl: typeof fetch = fetch): PhoneRelay {
  const base = controlUrl.replace(/\/+$/, '');
  const call = async (path: string, body?: unknown): Promise<unknown> => {
    const res = await fetchImpl(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const parsed = await res.json();
    if (!res.ok) {
      const error = (parsed as { error?: unknown }).error;
      throw new PhoneInputError(`simulator: ${typeof error === 'string' ? error : `answered ${res.status}`}`, 'body');
    }
    return parsed;
  };
  return {
    async world() {
      const w = (await call('/world')) as {
        people?: SimPerson[];
        rooms?: Array<{ id?: unknown; topic?: unknown; members?: SimPerson[] }>;
      };
      // Only ids and names leave: the world also holds the account's uin, which is a secret.
      const people = w.people ?? [];
      const names = new Map(people.map((p) => [String(p.wxid), text(p.nickName) ?? String(p.wxid)]));
      const self = new Set(people.filter((p) => p.kind === 'self').map((p) => String(p.wxid)));
      return {
        people: people
          .filter((p) => p.kind === 'friend')
          .map((p) => ({ id: String(p.wxid), name: names.get(String(p.wxid))! })),
        rooms: (w.rooms ?? []).map((r) => ({
          id: String(r.id),
          name: text(r.topic) ?? String(r.id),
          members: (r.members ?? [])
            .filter((m) => !self.has(String(m.wxid)))
            .map((m) => ({
              id: String(m.wxid),
              name: text(m.displayName) ?? names.get(String(m.wxid)) ?? String(m.wxid),
            })),
        })),
      };
    },
    async say(input) {
      return call('/say', check(input));
    },
  };
}
