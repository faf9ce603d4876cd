/**
 * `--import` this into `wxbot start --simulator` (cold start): prints `qr-event <ms since process start>`
 * to stderr when the client starts its first login poll, which it does right after emitting its first
 * QR event — the end point cold starts were measured to before 2026-12-06. Only diagnostics_channel, no
 * other module, so the row costs what the plain start costs plus one small preload.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

let seen = false;
const mark = (path: string): void => {
  if (seen || !path.startsWith('/cgi-bin/mmwebwx-bin/login?')) return;
  seen = true;
  process.stderr.write(`qr-event ${performance.now().toFixed(1)}\n`);
};
// node:http's own channel (a proxied client, older builds) and the lean carrier's (core's
// LEAN_REQUEST_START, named here so this preload loads nothing of core).
subscribe('http.client.request.start', (message) => mark((message as { request: ClientRequest }).request.path));
subscribe('wxbot:http.client.request.start', (message) => mark((message as { path: string }).path));
