// The token arrives once in the URL fragment (#token=...), which the browser never sends to the
// server; it is kept in sessionStorage (this tab only, gone when it closes) and wiped from the address
// bar at once, so it is not in the history, a bookmark or a screenshot.

const KEY = 'wxbot-console-token';

export function takeToken(location: Location, history: History, storage: Storage): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match !== null) {
    storage.setItem(KEY, decodeURIComponent(match[1]!));
    history.replaceState(null, '', `${location.pathname}#/login`);
  }
  return storage.getItem(KEY) ?? undefined;
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(KEY);
}
