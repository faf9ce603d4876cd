import QRCode from 'qrcode';
import { writeFileAtomic } from '../util/atomic-write.js';

/** Draws the QR code on stderr (small, Unicode half blocks). */
export async function printQrToTerminal(url: string, out: NodeJS.WritableStream = process.stderr): Promise<void> {
  const art = await QRCode.toString(url, { type: 'terminal', small: true });
  out.write(`${art}\nScan with WeChat, or open: ${url}\n`);
}

/** Saves the QR code as a PNG (atomically, 0600). */
export async function saveQrPng(url: string, path: string): Promise<void> {
  const buf = await QRCode.toBuffer(url, { type: 'png', margin: 2, scale: 6 });
  await writeFileAtomic(path, buf);
}
