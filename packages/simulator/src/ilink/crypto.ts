/**
 * The simulated CDN's cipher: AES-128-ECB, PKCS#7 padding (what the protocol document prescribes).
 * Written for the simulator alone; it shares nothing with any client.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function ecbEncrypt(key: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  return Buffer.concat([cipher.update(plain), cipher.final()]);
}

/** Undefined when the key does not open the data (bad padding): the caller answers an error. */
export function ecbDecrypt(key: Buffer, data: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-128-ecb', key, null);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    return undefined;
  }
}

export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export function randomKey(): Buffer {
  return randomBytes(16);
}

/**
 * A media key as a message carries it: base64 of the raw 16 bytes, or base64 of the 32 hex characters,
 * or bare hex. Undefined when it is none of those.
 */
export function readKey(text: string | undefined): Buffer | undefined {
  if (!text) return undefined;
  if (/^[0-9a-f]{32}$/i.test(text)) return Buffer.from(text, 'hex');
  const raw = Buffer.from(text, 'base64');
  if (raw.length === 16) return raw;
  const ascii = raw.toString('latin1');
  if (/^[0-9a-f]{32}$/i.test(ascii)) return Buffer.from(ascii, 'hex');
  return undefined;
}
