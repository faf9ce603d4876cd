import { writeFileAtomic } from '../util/atomic-write.js';

// qrcode is loaded on the first QR shown, not at startup: sessions that resume, and the
// simulator, never draw one (cold start and memory).
type QRCodeModule = typeof import('qrcode');
let qrcode: Promise<QRCodeModule> | undefined;
function loadQrCode(): Promise<QRCodeModule> {
  qrcode ??= import('qrcode').then((m) => (m as { default?: QRCodeModule }).default ?? m);
  return qrcode;
}

/** Draws the QR code on stderr (small, Unicode half blocks). */
export async function printQrToTerminal(url: string, out: NodeJS.WritableStream = process.stderr): Promise<void> {
  const QRCode = await loadQrCode();
  const art = await QRCode.toString(url, { type: 'terminal', small: true });
  out.write(`${art}\nScan with WeChat, or open: ${url}\n`);
}

/** Saves the QR code as a PNG (atomically, 0600). */
export async function saveQrPng(url: string, path: string): Promise<void> {
  const QRCode = await loadQrCode();
  const buf = await QRCode.toBuffer(url, { type: 'png', margin: 2, scale: 6 });
  await writeFileAtomic(path, buf);
}
