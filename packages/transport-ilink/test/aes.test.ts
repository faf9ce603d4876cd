import { describe, expect, it } from '@jest/globals';

import { decryptAesEcb, encryptAesEcb, paddedSize, parseAesKey } from '../src/index.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('AES-128-ECB', () => {
  it('matches the FIPS-197 and SP 800-38A vectors (first block; PKCS#7 adds a full block)', () => {
    // FIPS-197 appendix C.1.
    const fips = encryptAesEcb(hex('00112233445566778899aabbccddeeff'), hex('000102030405060708090a0b0c0d0e0f'));
    expect(fips.subarray(0, 16).toString('hex')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(fips).toHaveLength(32);
    // SP 800-38A F.1.1, ECB-AES128 block 1.
    const sp = encryptAesEcb(hex('6bc1bee22e409f96e93d7e117393172a'), hex('2b7e151628aed2a6abf7158809cf4f3c'));
    expect(sp.subarray(0, 16).toString('hex')).toBe('3ad77bb40d7a3660a89ecaf32466ef97');
    expect(decryptAesEcb(sp, hex('2b7e151628aed2a6abf7158809cf4f3c')).toString('hex')).toBe(
      '6bc1bee22e409f96e93d7e117393172a',
    );
  });

  it('pads to the next whole block, always adding one', () => {
    expect([0, 1, 15, 16, 17].map(paddedSize)).toEqual([16, 16, 16, 32, 32]);
    const key = hex('000102030405060708090a0b0c0d0e0f');
    for (const n of [0, 1, 15, 16, 17, 1000]) {
      const plain = Buffer.alloc(n, 7);
      const cipher = encryptAesEcb(plain, key);
      expect(cipher).toHaveLength(paddedSize(n));
      expect(decryptAesEcb(cipher, key).equals(plain)).toBe(true);
    }
  });

  it('reads a key as hex, base64 of 16 bytes, or base64 of 32 hex characters', () => {
    const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
    expect(parseAesKey('2b7e151628aed2a6abf7158809cf4f3c', 'k').equals(key)).toBe(true);
    expect(parseAesKey(key.toString('base64'), 'k').equals(key)).toBe(true);
    expect(parseAesKey(Buffer.from(key.toString('hex')).toString('base64'), 'k').equals(key)).toBe(true);
    expect(() => parseAesKey('c2hvcnQ=', 'image')).toThrow(/image: the AES key/);
  });

  it('names a wrong key as a decryption failure', () => {
    const cipher = encryptAesEcb(Buffer.from('secret'), hex('000102030405060708090a0b0c0d0e0f'));
    expect(() => decryptAesEcb(cipher, hex('ffffffffffffffffffffffffffffffff'))).toThrow(/decryption failed/);
  });
});
