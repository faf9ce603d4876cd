import type { Writable } from 'node:stream';

import type { TransportInbound } from '../transport/types.js';

/**
 * Tells the person at the terminal where the login stands: where the QR code
 * was saved, that the phone scanned it and must now confirm, that a saved
 * session was resumed. Returns the unsubscribe.
 */
export function reportLoginProgress(client: Pick<TransportInbound, 'on' | 'off'>, out: Writable): () => void {
  const onQr = (e: { pngPath?: string; refresh: number }) => {
    const again = e.refresh > 0 ? 'The QR code expired; a new one is ' : 'QR code ';
    out.write(
      e.pngPath === undefined
        ? `${e.refresh > 0 ? 'The QR code expired; scan the new one' : 'Scan the QR code'} with WeChat (Me → Scan) to log in.\n`
        : `${again}saved to ${e.pngPath} — scan it with WeChat (Me → Scan) to log in.\n`,
    );
  };
  const onScanned = () => {
    out.write('Scanned — confirm the login on your phone.\n');
  };
  const onLogin = (e: { via: 'hot' | 'push' | 'qr' }) => {
    if (e.via === 'hot') out.write('Resumed the saved session (no scan needed).\n');
    else if (e.via === 'push') out.write('Confirmed on your phone; logged in.\n');
  };
  client.on('qr', onQr).on('scanned', onScanned).on('login', onLogin);
  return () => {
    client.off('qr', onQr).off('scanned', onScanned).off('login', onLogin);
  };
}
