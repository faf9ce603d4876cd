import type { Engine } from '../engine.js';
import type { RequestContext } from '../http.js';

export interface RouteEnv {
  engine: Engine;
  /** Set by fault injection for this request: synccheck says 2, webwxsync says nothing. */
  stuck: boolean;
}

export type Handler = (ctx: RequestContext, env: RouteEnv) => Promise<void> | void;
