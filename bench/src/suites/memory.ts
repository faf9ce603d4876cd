/**
 * Bench 4: memory of the bot process (simulator in another process, so its
 * world is not counted) after login to a large world, and the added cost per
 * account with 10 accounts in one process.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  /** All accounts after the same idle time as `oneAccountIdle`: what the running bots hold. */
  allAccountsIdle: MemorySnapshot;
  /** (allAccountsIdle − oneAccountIdle) ÷ added accounts. */
  perAddedAccountIdle: { rssMb: number; heapUsedMb: number };
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
  /** `--baseline-core`: the same large world on the earlier core build, in the same run. */
  before?: AddedCost;
  /**
   * Issue 20 item 3: the small world (500 contacts, 20 rooms × 50), the added cost of each
   * account from `from` to `to` accounts in one process, for wxbot, the earlier build and the peer.
   */
  small?: SmallWorldMemory;
}

export interface AddedCost {
  from: number;
  to: number;
  atFrom: MemorySnapshot;
  atTo: MemorySnapshot;
  perAddedAccount: { rssMb: number; heapUsedMb: number };
}

export interface SmallWorldMemory {
  world: { contacts: number; rooms: number; membersPerRoom: number };
  wxbot: AddedCost;
  before?: AddedCost;
  peer: AddedCost | { skipped: string };
}

export interface PeerMemory {
  baseline: MemorySnapshot;
  oneAccount: MemorySnapshot & { contactsLoaded: number; membersLoaded: number; loginMs: number };
  accounts: number;
  allAccounts: MemorySnapshot;
  perAddedAccount: { rssMb: number; heapUsedMb: number };
}

type MemoryReply = { type: string; memory: MemorySnapshot & { gc: boolean }; youngGenerationCapped: boolean };

/** Readings per memory figure; the one with the least heap is kept (see settled). */
const READINGS = 3;

/**
 * A memory reading once the process's own transient work is out of the way: the least heap of
 * `READINGS` readings 300 ms apart, each after forced GC. A single reading caught, now and then,
 * a document being written or an answer being parsed: at 10 large accounts one in a few readings
 * was ~5 MB higher (0.5 MB "per account"), which moved the figures more than the changes measured.
 */
async function settled(child: Child): Promise<MemoryReply> {
  let best: MemoryReply | undefined;
  for (let i = 0; i < READINGS; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 300));
    const reply = await child.call<MemoryReply>({ type: 'memory' }, 30_000);
    if (best === undefined || reply.memory.heapUsedMb < best.memory.heapUsedMb) best = reply;
  }
  return best!;
}

export async function runMemory(
  o: { smoke: boolean; peer?: boolean; baselineCore?: string },
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
    const baseline = (await settled(bot)).memory;
    const first = await bot.call<{ type: string; loginMs: number; contacts: number[]; members: number[] }>(
      { type: 'login', sims: started.sims.slice(0, 1) },
      120_000,
    );
    const oneReply = await settled(bot);
    const one = oneReply.memory;
    log(`  one account: rss ${one.rssMb} MB, heap ${one.heapUsedMb} MB`);
    const idleMs = o.smoke ? 500 : 15_000;
    await new Promise((r) => setTimeout(r, idleMs));
    const idle = (await settled(bot)).memory;
    log(`  one account after ${idleMs} ms idle: rss ${idle.rssMb} MB, heap ${idle.heapUsedMb} MB`);
    await bot.call({ type: 'login', sims: started.sims.slice(1) }, 300_000);
    const all = (await settled(bot)).memory;
    log(`  ${accounts} accounts: rss ${all.rssMb} MB, heap ${all.heapUsedMb} MB`);
    await new Promise((r) => setTimeout(r, idleMs));
    const allIdle = (await settled(bot)).memory;
    log(`  ${accounts} accounts after ${idleMs} ms idle: rss ${allIdle.rssMb} MB, heap ${allIdle.heapUsedMb} MB`);
    // One live session per simulator: the measured bot leaves before another logs in there.
    await bot.close(15_000);
    const uncapped = await uncappedOneAccount(started.sims.slice(0, 1));
    log(`  one account, V8's default young generation: rss ${uncapped.rssMb} MB, heap ${uncapped.heapUsedMb} MB`);
    const before =
      o.baselineCore === undefined
        ? undefined
        : await addedCost(wxbotBefore(o.baselineCore), started.sims, 1, accounts, 'wxbot before, large world', log);
    let peer: PeerMemory | { skipped: string } = { skipped: 'not requested' };
    if (o.peer !== false) {
      try {
        peer = await peerMemory(started.sims, log);
      } catch (err) {
        peer = { skipped: `wechat4u failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    const added = accounts - 1;
    await sim.close();
    const small = await smallWorld(o, log);
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
      allAccountsIdle: allIdle,
      perAddedAccountIdle: {
        rssMb: round((allIdle.rssMb - idle.rssMb) / added, 1),
        heapUsedMb: round((allIdle.heapUsedMb - idle.heapUsedMb) / added, 1),
      },
      gcForced: one.gc,
      youngGenerationCapped: oneReply.youngGenerationCapped,
      uncapped,
      peer,
      ...(before ? { before } : {}),
      small,
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
    const reply = await settled(bot);
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
    const baseline = (await settled(peer)).memory;
    const first = await peer.call<LoginReply>({ type: 'login', sims: sims.slice(0, 1), settle: true }, 180_000);
    const one = (await settled(peer)).memory;
    log(`  wechat4u, one account: rss ${one.rssMb} MB, heap ${one.heapUsedMb} MB (${first.contacts[0]} contacts)`);
    await peer.call({ type: 'login', sims: sims.slice(1), settle: true }, 600_000);
    const all = (await settled(peer)).memory;
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

/** A wxbot child running the earlier core build (see children/core-override). */
function wxbotBefore(coreDist: string): () => Child {
  const override = fileURLToPath(new URL('../children/core-override.js', import.meta.url));
  return () =>
    new Child('wxbot', [], ['--expose-gc', '--import', pathToFileURL(override).href], { BENCH_CORE_DIST: coreDist });
}

/**
 * Logs `from` accounts into a fresh child, then the rest up to `to`: the memory each added
 * account costs, with the process's fixed cost and the first account's warm-up left out.
 */
async function addedCost(
  spawn: () => Child,
  sims: { url: string; loginUrl: string }[],
  from: number,
  to: number,
  label: string,
  log: (s: string) => void,
  settle = false,
): Promise<AddedCost> {
  const child = spawn();
  try {
    const login = (list: typeof sims) =>
      child.call({ type: 'login', sims: list, ...(settle ? { settle } : {}) }, 900_000);
    await login(sims.slice(0, from));
    const atFrom = (await settled(child)).memory;
    await login(sims.slice(from, to));
    const atTo = (await settled(child)).memory;
    const n = to - from;
    const perAddedAccount = {
      rssMb: round((atTo.rssMb - atFrom.rssMb) / n, 2),
      heapUsedMb: round((atTo.heapUsedMb - atFrom.heapUsedMb) / n, 2),
    };
    log(
      `  ${label}: ${from} → ${to} accounts, per added account rss ${perAddedAccount.rssMb} MB, heap ${perAddedAccount.heapUsedMb} MB`,
    );
    return { from, to, atFrom, atTo, perAddedAccount };
  } finally {
    await child.close(15_000);
  }
}

/** The small world (issue 20: 500 contacts, 20 rooms × 50): accounts 10 → 50 in one process. */
async function smallWorld(
  o: { smoke: boolean; peer?: boolean; baselineCore?: string },
  log: (s: string) => void,
): Promise<SmallWorldMemory> {
  const world = { contacts: o.smoke ? 50 : 500, rooms: o.smoke ? 2 : 20, membersPerRoom: o.smoke ? 10 : 50 };
  const [from, to] = o.smoke ? [2, 4] : [10, 50];
  const sim = new Child('sim');
  try {
    const started = await sim.call<{ type: string; sims: { url: string; loginUrl: string }[] }>(
      {
        type: 'start',
        world: {
          friends: world.contacts,
          rooms: Array.from({ length: world.rooms }, () => world.membersPerRoom),
          seed: 22,
        },
        count: to,
      },
      300_000,
    );
    const sims = started.sims;
    const wxbot = await addedCost(
      () => new Child('wxbot', [], ['--expose-gc']),
      sims,
      from,
      to,
      'wxbot, small world',
      log,
    );
    const before =
      o.baselineCore === undefined
        ? undefined
        : await addedCost(wxbotBefore(o.baselineCore), sims, from, to, 'wxbot before, small world', log);
    let peer: AddedCost | { skipped: string } = { skipped: 'not requested' };
    if (o.peer !== false) {
      try {
        peer = await addedCost(
          () => new Child('wechat4u', [], ['--expose-gc']),
          sims,
          from,
          to,
          'wechat4u, small world',
          log,
          true,
        );
      } catch (err) {
        peer = { skipped: `wechat4u failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    return { world, wxbot, ...(before ? { before } : {}), peer };
  } finally {
    await sim.close();
  }
}
