/** AES-128-ECB with PKCS#7 padding, as the iLink CDN stores media. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { IlinkProtocolError } from './errors.js';

export function encryptAesEcb(plain: Uint8Array, key: Uint8Array): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null);
  return Buffer.concat([c.update(plain), c.final()]);
}

export function decryptAesEcb(cipher: Uint8Array, key: Uint8Array): Buffer {
  const d = createDecipheriv('aes-128-ecb', key, null);
  try {
    return Buffer.concat([d.update(cipher), d.final()]);
  } catch (err) {
    throw new IlinkProtocolError(
      `media: decryption failed (${err instanceof Error ? err.message : String(err)}); wrong key or truncated file`,
    );
  }
}

/** Ciphertext size for a plaintext size: PKCS#7 always adds 1..16 bytes. */
export function paddedSize(plainSize: number): number {
  return (Math.floor(plainSize / 16) + 1) * 16;
}

export function newAesKey(): Buffer {
  return randomBytes(16);
}

/**
 * Decodes a media key. The protocol carries it as base64 of the 16 raw bytes, or as base64 of its
 * 32-character hex text (depending on the media type), or (image_item.aeskey) as plain hex.
 */
export function parseAesKey(value: string, where: string): Buffer {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{32}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.length === 16) return bytes;
  const text = bytes.toString('latin1');
  if (bytes.length === 32 && /^[0-9a-fA-F]{32}$/.test(text)) return Buffer.from(text, 'hex');
  throw new IlinkProtocolError(`${where}: the AES key is neither 16 bytes nor 32 hex characters after base64`);
}
