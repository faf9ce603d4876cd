// The token arrives once in the URL fragment (#token=...), which the browser never sends to the
// server; it is kept in sessionStorage (this tab only, gone when it closes) and wiped from the address
// bar at once, so it is not in the history, a bookmark or a screenshot.

const KEY = 'wxbot-console-token';

// The parts of location, history and sessionStorage used (structural, so tests can hand in fakes).
interface Place {
  readonly hash: string;
  readonly pathname: string;
}
interface Rewriter {
  replaceState(data: unknown, unused: string, url: string): void;
}
interface Store {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function takeToken(location: Place, history: Rewriter, storage: Store): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match !== null) {
    storage.setItem(KEY, decodeURIComponent(match[1]!));
    history.replaceState(null, '', `${location.pathname}#/login`);
  }
  return storage.getItem(KEY) ?? undefined;
}

export function forgetToken(storage: Store): void {
  storage.removeItem(KEY);
}

/** Keeps a token typed into the page's form (same place as one from the fragment: this tab only). */
export function keepToken(storage: Store, token: string): string | undefined {
  const trimmed = token.trim();
  if (trimmed === '') return undefined;
  storage.setItem(KEY, trimmed);
  return trimmed;
}
