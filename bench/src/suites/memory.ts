/**
 * Bench 4: memory of the bot process (simulator in another process, so its
 * world is not counted) after login to a large world, and the added cost per
 * account with 10 accounts in one process.
 */
import { Child } from '../ipc.js';
import type { MemorySnapshot } from '../memory.js';
import { round } from '../stats.js';

export interface MemoryResult {
  world: { contacts: number; rooms: number; membersPerRoom: number };
  /** The bot process with modules loaded, before any login. */
  baseline: MemorySnapshot;
  /** After one account logged in (all contacts and room members loaded). */
  oneAccount: MemorySnapshot & { contactsLoaded: number; membersLoaded: number; loginMs: number };
  /**
   * The same account after `idleMs` with nothing happening: V8 shrinks the
   * young generation that parsing the login answers grew (forced GC does
   * not), so this is what a running bot holds.
   */
  oneAccountIdle: MemorySnapshot & { idleMs: number };
  accounts: number;
  allAccounts: MemorySnapshot;
  perAddedAccount: { rssMb: number; heapUsedMb: number };
  gcForced: boolean;
  /** The measured process capped its young generation as `wxbot start` does. */
  youngGenerationCapped: boolean;
  /**
   * One account right after login in a process that keeps V8's default young
   * generation (NODE_OPTIONS=--max-semi-space-size=16): a program embedding
   * `Bot` without calling `capYoungGeneration`.
   */
  uncapped: MemorySnapshot;
  /**
   * Issue 20 item 5: the peer (wechat4u 0.7.14) in the same run, same world and
   * simulators: one instance per account in one process (it has no
   * multi-account runtime), V8's default young generation (its own setting).
   */
  peer: PeerMemory | { skipped: string };
}

export interface PeerMemory {
  baseline: MemorySnapshot;
  oneAccount: MemorySnapshot & { contactsLoaded: number; membersLoaded: number; loginMs: number };
  accounts: number;
  allAccounts: MemorySnapshot;
  perAddedAccount: { rssMb: number; heapUsedMb: number };
}

type MemoryReply = { type: string; memory: MemorySnapshot & { gc: boolean }; youngGenerationCapped: boolean };

export async function runMemory(
  o: { smoke: boolean; peer?: boolean },
  log: (s: string) => void,
): Promise<MemoryResult> {
  const friends = o.smoke ? 100 : 5000;
  const rooms = o.smoke ? 3 : 200;
  const members = o.smoke ? 20 : 500;
  const accounts = o.smoke ? 2 : 10;
  const sim = new Child('sim');
  const bot = new Child('wxbot', [], ['--expose-gc']);
  try {
    log(`  world: ${friends} contacts, ${rooms} rooms × ${members} members; ${accounts} simulators`);
    const started = await sim.call<{ type: string; sims: { url: string; loginUrl: string }[] }>(
      {
        type: 'start',
        world: { friends, rooms: Array.from({ length: rooms }, () => members), seed: 21 },
        count: accounts,
      },
      120_000,
    );
    const baseline = (
      await bot.call<{ type: string; memory: MemorySnapshot & { gc: boolean } }>({ type: 'memory' }, 30_000)
    ).memory;
    const first = await bot.call<{ type: string; loginMs: number; contacts: number[]; members: number[] }>(
      { type: 'login', sims: started.sims.slice(0, 1) },
      120_000,
    );
    const oneReply = await bot.call<MemoryReply>({ type: 'memory' }, 30_000);
    const one = oneReply.memory;
    log(`  one account: rss ${one.rssMb} MB, heap ${one.heapUsedMb} MB`);
    const idleMs = o.smoke ? 500 : 15_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const idle = (
      await bot.call<{ type: string; memory: MemorySnapshot & { gc: boolean } }>({ type: 'memory' }, 30_000)
    ).memory;
    log(`  one account after ${idleMs} ms idle: rss ${idle.rssMb} MB, heap ${idle.heapUsedMb} MB`);
    await bot.call({ type: 'login', sims: started.sims.slice(1) }, 300_000);
    const all = (await bot.call<{ type: string; memory: MemorySnapshot & { gc: boolean } }>({ type: 'memory' }, 30_000))
      .memory;
    log(`  ${accounts} accounts: rss ${all.rssMb} MB, heap ${all.heapUsedMb} MB`);
    // One live session per simulator: the measured bot leaves before another logs in there.
    await bot.close(15_000);
    const uncapped = await uncappedOneAccount(started.sims.slice(0, 1));
    log(`  one account, V8's default young generation: rss ${uncapped.rssMb} MB, heap ${uncapped.heapUsedMb} MB`);
    let peer: PeerMemory | { skipped: string } = { skipped: 'not requested' };
    if (o.peer !== false) {
      try {
        peer = await peerMemory(started.sims, log);
      } catch (err) {
        peer = { skipped: `wechat4u failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    const added = accounts - 1;
    return {
      world: { contacts: friends, rooms, membersPerRoom: members },
      baseline,
      oneAccount: {
        ...one,
        contactsLoaded: first.contacts[0] ?? 0,
        membersLoaded: first.members[0] ?? 0,
        loginMs: round(first.loginMs, 0),
      },
      oneAccountIdle: { ...idle, idleMs },
      accounts,
      allAccounts: all,
      perAddedAccount: {
        rssMb: round((all.rssMb - one.rssMb) / added, 1),
        heapUsedMb: round((all.heapUsedMb - one.heapUsedMb) / added, 1),
      },
      gcForced: one.gc,
      youngGenerationCapped: oneReply.youngGenerationCapped,
      uncapped,
      peer,
    };
  } finally {
    await bot.close(15_000);
    await sim.close();
  }
}

async function uncappedOneAccount(sims: { url: string; loginUrl: string }[]): Promise<MemorySnapshot> {
  const bot = new Child('wxbot', [], ['--expose-gc'], { NODE_OPTIONS: '--max-semi-space-size=16' });
  try {
    await bot.call({ type: 'login', sims }, 120_000);
    const reply = await bot.call<MemoryReply>({ type: 'memory' }, 30_000);
    if (reply.youngGenerationCapped) throw new Error('memory bench: the uncapped child capped its young generation');
    return reply.memory;
  } finally {
    await bot.close(15_000);
  }
}

type LoginReply = { type: string; loginMs: number; contacts: number[]; members: number[] };

async function peerMemory(sims: { url: string; loginUrl: string }[], log: (s: string) => void): Promise<PeerMemory> {
  const peer = new Child('wechat4u', [], ['--expose-gc']);
  try {
    const baseline = (await peer.call<MemoryReply>({ type: 'memory' }, 30_000)).memory;
    const first = await peer.call<LoginReply>({ type: 'login', sims: sims.slice(0, 1), settle: true }, 180_000);
    const one = (await peer.call<MemoryReply>({ type: 'memory' }, 30_000)).memory;
    log(`  wechat4u, one account: rss ${one.rssMb} MB, heap ${one.heapUsedMb} MB (${first.contacts[0]} contacts)`);
    await peer.call({ type: 'login', sims: sims.slice(1), settle: true }, 600_000);
    const all = (await peer.call<MemoryReply>({ type: 'memory' }, 30_000)).memory;
    log(`  wechat4u, ${sims.length} accounts: rss ${all.rssMb} MB, heap ${all.heapUsedMb} MB`);
    const added = Math.max(1, sims.length - 1);
    return {
      baseline,
      oneAccount: {
        ...one,
        contactsLoaded: first.contacts[0] ?? 0,
        membersLoaded: first.members[0] ?? 0,
        loginMs: round(first.loginMs, 0),
      },
      accounts: sims.length,
      allAccounts: all,
      perAddedAccount: {
        rssMb: round((all.rssMb - one.rssMb) / added, 1),
        heapUsedMb: round((all.heapUsedMb - one.heapUsedMb) / added, 1),
      },
    };
  } finally {
    await peer.close(15_000);
  }
}
