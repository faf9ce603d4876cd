/** wechat4u's only glue: its hard-coded https:// origins pointed at a simulator (no side effects on import). */
/** Points every https://<host> URL of a wechat4u CONF at the simulator. */
export function rewriteConfFor(
  conf: Record<string, unknown>,
  sim: { url: string; loginUrl: string },
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...conf };
  for (const [key, value] of Object.entries(conf)) {
    if (typeof value !== 'string' || !/^https?:\/\//.test(value)) continue;
    const isLogin = key === 'API_jsLogin' || key === 'API_login' || /^https?:\/\/login\./.test(value);
    // Only the leading origin: the jslogin URL carries a redirect_uri parameter that must stay as it is.
    out[key] = value.replace(/^https?:\/\/[^/?#]+/, isLogin ? sim.loginUrl : sim.url);
  }
  return out;
}

/**
 * Keeps a wechat4u instance's `CONF` pointed at the simulator, including the CONF it installs after the
 * login poll (for the redirect host): an accessor on the instance, its code untouched.
 */
export function pointAtSimulator(bot: { CONF: Record<string, unknown> }, sim: { url: string; loginUrl: string }): void {
  let conf = rewriteConfFor(bot.CONF, sim);
  Object.defineProperty(bot, 'CONF', {
    configurable: true,
    enumerable: true,
    get: () => conf,
    set: (value: Record<string, unknown>) => {
      conf = rewriteConfFor(value, sim);
    },
  });
}
