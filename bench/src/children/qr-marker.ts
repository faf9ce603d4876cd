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
subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: ClientRequest };
  if (seen || !request.path.startsWith('/cgi-bin/mmwebwx-bin/login?')) return;
  seen = true;
  process.stderr.write(`qr-event ${performance.now().toFixed(1)}\n`);
});
