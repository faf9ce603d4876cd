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
