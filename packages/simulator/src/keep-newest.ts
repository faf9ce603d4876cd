/**
 * Trims `map` to its newest `limit` entries once it holds a tenth more: a Map iterates in insertion order, so
 * the oldest go first, and the trim's cost is spread over a tenth of the inserts. How the simulator's
 * `retain` bounds what it keeps (messages, media).
 */
export function keepNewest(map: Map<string, unknown>, limit: number): void {
  if (map.size <= limit + Math.ceil(limit / 10)) return;
  let drop = map.size - limit;
  for (const id of map.keys()) {
    if (drop-- <= 0) break;
    map.delete(id);
  }
}
