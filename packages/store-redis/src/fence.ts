import type { Redis } from 'ioredis';

import { LuaScript } from './script.js';

/**
 * What a fenced write checks: the counter key of an account's lease and the
 * token this writer got when it acquired the lease (undefined when it holds
 * none). `AccountLease` is one.
 */
export interface Fence {
  /** Key of the account's fencing counter (INCR on every acquire). */
  readonly fenceKey: string;
  /** The token handed out on acquire; undefined while the lease is not held. */
  readonly token: number | undefined;
  /** Told when a write was refused, so the holder stops acting for the account at once. */
  lost?(error: LeaseLost): void;
}

/**
 * A write was refused because another worker took the account's lease over
 * (its fencing token is higher) or this worker never held it. The worker must
 * stop acting for the account: the new owner's state is the truth.
 */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';

  constructor(
    readonly fenceKey: string,
    readonly heldToken: number | undefined,
    readonly currentToken: number | undefined,
  ) {
    super(
      heldToken === undefined
        ? `lease not held: ${fenceKey} has no token from this worker; acquire the account's AccountLease before writing its state`
        : `lease lost: this worker's fencing token ${heldToken} is stale (${fenceKey} is now ${currentToken ?? 'unset'}); another worker owns the account, stop acting for it`,
    );
  }
}

const MARK = 'WXBOT_LEASE_LOST';

/**
 * Runs one Redis command only if the account's fencing counter still equals
 * the writer's token, atomically. KEYS[1] is the counter, KEYS[2..] the
 * command's keys; ARGV[1] the token, ARGV[2] the command, ARGV[3..] its
 * other arguments (placed after the keys).
 */
const fencedCommand = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur ~= ARGV[1] then return redis.error_reply('${MARK} ' .. tostring(cur)) end
local args = {}
for i = 2, #KEYS do args[#args + 1] = KEYS[i] end
for i = 3, #ARGV do args[#args + 1] = ARGV[i] end
return redis.call(ARGV[2], unpack(args))
`);

/** The only commands state writes use; a fixed list keeps the script from being a general proxy. */
export type WriteCommand = 'SET' | 'DEL' | 'RPUSH' | 'HSET' | 'HDEL';

/** Runs a state write, fenced when a fence is given, plain otherwise. */
export async function writeState(
  redis: Redis,
  fence: Fence | undefined,
  command: WriteCommand,
  keys: readonly string[],
  args: readonly string[] = [],
): Promise<unknown> {
  if (fence === undefined) return redis.call(command, ...keys, ...args);
  const token = fence.token;
  if (token === undefined) {
    const error = new LeaseLost(fence.fenceKey, undefined, undefined);
    throw error;
  }
  try {
    return await fencedCommand.run(redis, [fence.fenceKey, ...keys], [String(token), command, ...args]);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(MARK)) {
      const current = Number(error.message.slice(MARK.length + 1));
      const lost = new LeaseLost(fence.fenceKey, token, Number.isFinite(current) ? current : undefined);
      fence.lost?.(lost);
      throw lost;
    }
    throw error;
  }
}
