import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Cipher, isEncrypted } from '../src/crypto.js';

describe('encryption at rest', () => {
  const cipher = new Cipher(randomBytes(32));

  it('round-trips a token and never stores it in the clear', () => {
    const sealed = cipher.encrypt('xoxp-secret-user-token');
    expect(isEncrypted(sealed)).toBe(true);
    expect(sealed).not.toContain('xoxp-secret-user-token');
    expect(cipher.decrypt(sealed)).toBe('xoxp-secret-user-token');
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = cipher.encrypt('token');
    const raw = Buffer.from(sealed.slice('enc:v1:'.length), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`enc:v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new Cipher(randomBytes(32)).decrypt(sealed)).toThrow();
  });
});
