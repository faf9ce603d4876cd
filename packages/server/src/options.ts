import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { ApiConfig } from '@wxbot/core';
import { writeFileAtomic } from '@wxbot/core/client';

export const DEFAULT_PORT = 8720;
export const DEFAULT_RECENT_PER_CHAT = 100;
export const TOKEN_FILE = 'api-token';

/** The API settings with defaults applied. */
export interface ResolvedApi {
  readonly host: string;
  readonly port: number;
  readonly allowedOrigins: readonly string[];
  readonly allowedHosts: readonly string[];
  readonly recentPerChat: number;
}

/** A setting that cannot work, with what to change. */
export class ApiConfigError extends Error {
  override name = 'ApiConfigError';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The API's base URL for a host and port (an IPv6 host in brackets). */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Applies defaults; refuses a non-loopback address unless `allowRemote` says so. */
export function resolveApi(api: ApiConfig = {}): ResolvedApi {
  const host = api.host ?? '127.0.0.1';
  if (!isLoopback(host) && api.allowRemote !== true) {
    throw new ApiConfigError(
      `api.host is "${host}", which is not a loopback address: anyone who can reach it and has the token can send ` +
        'as the account. Set api.allowRemote: true to mean it (and put TLS in front), or use 127.0.0.1.',
    );
  }
  return {
    host,
    port: api.port ?? DEFAULT_PORT,
    allowedOrigins: api.allowedOrigins ?? [],
    allowedHosts: api.allowedHosts ?? [],
    recentPerChat: api.recentPerChat ?? DEFAULT_RECENT_PER_CHAT,
  };
}

/**
 * The bearer token: the configured one, else the one saved in `<dataDir>/api-token`, else a new
 * random one saved there (0600, atomically). Returns where it came from, never logs it.
 */
export async function loadToken(
  api: ApiConfig | undefined,
  dataDir: string,
): Promise<{ token: string; file: string | undefined }> {
  if (api?.token !== undefined) return { token: api.token, file: undefined };
  const file = join(dataDir, TOKEN_FILE);
  try {
    const saved = (await readFile(file, 'utf8')).trim();
    const mode = (await stat(file)).mode & 0o077;
    if (mode !== 0) {
      throw new ApiConfigError(
        `${file} is readable by other users (mode ${(mode | 0o600).toString(8)}): chmod 600 it, or delete it for a new token`,
      );
    }
    if (saved.length >= 16) return { token: saved, file };
  } catch (error) {
    if (error instanceof ApiConfigError) throw error;
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFileAtomic(file, `${token}\n`);
  return { token, file };
}
