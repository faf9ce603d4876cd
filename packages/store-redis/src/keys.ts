/**
 * The key prefix of one account: `wxbot:{<account>}:`. The braces make a
 * Redis Cluster hash tag, so all of an account's keys live on one shard and
 * a Lua script may touch several of them.
 */
export function accountPrefix(account: string, root = 'wxbot'): string {
  if (account.length === 0 || /[{}\s]/.test(account)) {
    throw new TypeError(
      `store-redis: account name ${JSON.stringify(account)} is empty or holds braces or spaces; use the account's name from bot.config (letters, digits, - _ .)`,
    );
  }
  return `${root}:{${account}}:`;
}

export function checkPrefix(prefix: string, where: string): string {
  if (prefix.length === 0) {
    throw new TypeError(
      `${where}: prefix is empty; give one per account, e.g. accountPrefix('alice') → 'wxbot:{alice}:'`,
    );
  }
  return prefix;
}
