/** The HTTP control API under /__sim/ (JSON in, JSON out), mirroring the TypeScript API. */

import type { RequestContext } from '../http.js';
import type { Simulator } from '../simulator.js';

export function controlHandler(_sim: Simulator): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    ctx.send(404, JSON.stringify({ error: `no control endpoint ${ctx.method} ${ctx.path}` }), 'application/json');
  };
}
