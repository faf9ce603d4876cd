import type { Logger } from 'pino';

import type { Bot } from '../bot/bot.js';
import type { ControlPlane, ControlPlaneModule } from '../bot/control-plane.js';
import type { ResolvedConfig } from '../config/prepare.js';
import type { LogTail } from '../log/ring.js';
import { errorMessage } from '../util/error-message.js';
import { humanOut, type CliIo } from './io.js';

/** The package `wxbot start` serves its API, webhooks and metrics from. */
export const CONTROL_PLANE_PACKAGE = '@wxbot/server';

/**
 * The server's entry that holds `startControlPlane` and only what a start needs before the bot is up
 * (not the routes, fastify, OpenAPI or webhooks, which it loads when they are used: cold start, issue 20).
 */
export const CONTROL_PLANE_ENTRY = `${CONTROL_PLANE_PACKAGE}/control-plane`;

function isMissing(error: unknown, what: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(`'${what}'`)
  );
}

/**
 * Imports @wxbot/server's control-plane entry when the package is installed; undefined when it is not.
 * Imported by a name held in a variable: @wxbot/server depends on core, so core must not depend on it (no
 * build reference, no import cycle); the shape it must have is core's `ControlPlaneModule`, checked here.
 * A server from before that entry existed (ERR_PACKAGE_PATH_NOT_EXPORTED) is loaded whole, as it was.
 */
export async function loadControlPlane(
  load: (specifier: string) => Promise<unknown> = (specifier) =>
    import(/* webpackIgnore: true */ specifier) as Promise<unknown>,
): Promise<ControlPlaneModule | undefined> {
  let mod: unknown;
  try {
    try {
      mod = await load(CONTROL_PLANE_ENTRY);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
      mod = await load(CONTROL_PLANE_PACKAGE);
    }
  } catch (error) {
    // Only the package itself missing means "not installed"; a missing file or dependency inside it
    // names that file or dependency and surfaces as it is.
    if (isMissing(error, CONTROL_PLANE_PACKAGE) || isMissing(error, CONTROL_PLANE_ENTRY)) return undefined;
    throw error;
  }
  if (typeof (mod as Partial<ControlPlaneModule> | null)?.startControlPlane !== 'function')
    throw new Error(
      `${CONTROL_PLANE_PACKAGE} does not export startControlPlane(): install a version matching @wxbot/core`,
    );
  return mod as ControlPlaneModule;
}

/**
 * Starts @wxbot/server's API (and webhooks, metrics) when it is installed and not switched off;
 * prints where it listens (one line for the API, one for the console, each naming the token file). Used by
 * the single- and the multi-account start alike; the server lists every bot it is given. Undefined when there
 * is none to start, false when it failed (reported).
 */
/** Whether the config leaves the control plane on (it is unless `api.enabled: false` and no webhooks). */
export function wantsControlPlane(resolved: ResolvedConfig): boolean {
  const { api, webhooks } = resolved.config;
  return api?.enabled !== false || (webhooks?.length ?? 0) > 0;
}

export async function startControlPlaneOrReport(
  io: CliIo,
  resolved: ResolvedConfig,
  bots: readonly Bot[],
  logger: Logger,
  extra: { readonly logs?: LogTail; readonly simulatorControlUrl?: string | undefined } = {},
  loading?: Promise<ControlPlaneModule | undefined>,
): Promise<ControlPlane | undefined | false> {
  const { api, webhooks } = resolved.config;
  if (!wantsControlPlane(resolved)) return undefined;
  // `loading`: the module import started early (start.ts overlaps it with the bot's set-up).
  const server = await (loading ?? loadControlPlane());
  if (server === undefined) {
    // Asked for in the config: an error; merely on by default: a hint.
    if (api !== undefined || webhooks !== undefined) {
      io.stderr.write(
        `wxbot: the config sets api/webhooks, which need ${CONTROL_PLANE_PACKAGE}: npm install ${CONTROL_PLANE_PACKAGE}\n`,
      );
      return false;
    }
    return undefined;
  }
  try {
    const control = await server.startControlPlane({
      bots,
      api,
      webhooks,
      dataDir: resolved.dataDir,
      logger,
      ...extra,
    });
    if (control.url !== undefined) {
      const token = control.tokenFile === undefined ? 'api.token in the config' : control.tokenFile;
      humanOut(io).write(`wxbot API: ${control.url}/api (token: ${token}; OpenAPI: ${control.url}/api/openapi.json)\n`);
      // Never `#token=<token>`: this line reaches logs. The page asks for the token (from the same file).
      humanOut(io).write(`wxbot console: ${control.url}/ (it asks for the token: ${token})\n`);
    }
    return control;
  } catch (error) {
    io.stderr.write(`wxbot: could not start the control API: ${errorMessage(error)}\n`);
    return false;
  }
}
