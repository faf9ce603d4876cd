/** The message of anything thrown, Errors of any realm included. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** What the error is explained against: the settings a person would change. */
export interface ErrorContext {
  /** The data directory in use (account.dataDir or --data-dir). */
  readonly dataDir?: string;
}

interface SystemErrorLike {
  code?: unknown;
  path?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  message: string;
}

/** The first error in the cause chain that carries a system error code. */
function systemError(error: unknown): SystemErrorLike | undefined {
  let e: unknown = error;
  // Not `instanceof Error`: node's own errors may come from another realm (vm contexts, jest).
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as SystemErrorLike).code;
    if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return e as SystemErrorLike;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const DATA_DIR_FIX = 'set account.dataDir in the config or pass --data-dir';

/**
 * One line that says what went wrong in the environment, naming the file,
 * host or option involved and what to change; undefined when the error is
 * not one of those (the caller then prints its message).
 */
export function explainEnvironmentError(error: unknown, context: ErrorContext = {}): string | undefined {
  const sys = systemError(error);
  const code = typeof sys?.code === 'string' ? sys.code : undefined;
  // NetworkError keeps only the code; the host is in the message ("getaddrinfo ENOTFOUND host").
  const text = `${messageOf(error)} ${sys?.message ?? ''}`;
  const host =
    typeof sys?.hostname === 'string'
      ? sys.hostname
      : /(?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(text)?.[1]?.replace(/\)$/, '');
  const path = typeof sys?.path === 'string' ? sys.path : undefined;
  const dataDir = context.dataDir === undefined ? '' : ` (data directory: ${context.dataDir})`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot look up ${host ?? 'the WeChat server'} (DNS ${code}): check the network connection; behind a proxy, set HTTPS_PROXY or account.proxy`;
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH': {
      const where =
        typeof sys?.address === 'string' ? ` ${sys.address}${typeof sys.port === 'number' ? `:${sys.port}` : ''}` : '';
      return `cannot connect${where} (${code}): check the network connection, the proxy (HTTPS_PROXY / account.proxy) and account.hosts`;
    }
    case 'EACCES':
    case 'EPERM':
      return `permission denied for ${path ?? 'a file'}${dataDir} (${code}): make it writable for this user, or ${DATA_DIR_FIX} to a directory you own`;
    case 'EROFS':
      return `${path ?? 'the data directory'} is on a read-only file system${dataDir} (EROFS): ${DATA_DIR_FIX} to a writable place`;
    case 'ENOTDIR':
      return `${path ?? 'a path'} runs through a file where a directory is needed${dataDir} (ENOTDIR): ${DATA_DIR_FIX} to a directory, or move that file away`;
    case 'EISDIR':
      return `${path ?? 'a path'} is a directory where a file is needed${dataDir} (EISDIR): remove or rename it`;
    case 'ENOSPC':
      return `no space left on the device holding ${path ?? 'the data directory'}${dataDir} (ENOSPC): free some space or ${DATA_DIR_FIX}`;
    default:
      return undefined;
  }
}

/** The line to print for any error, plus the stack when asked for (--verbose). */
export function describeFailure(error: unknown, context: ErrorContext, verbose: boolean): string {
  const line = explainEnvironmentError(error, context) ?? messageOf(error).split('\n')[0]!;
  const stack = (error as { stack?: unknown } | undefined)?.stack;
  if (verbose) return `${line}\n${typeof stack === 'string' ? stack : String(error)}\n`;
  return `${line}\n`;
}
