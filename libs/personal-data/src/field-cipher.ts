import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A data key as the ciphers use it: the 32 bytes and the id written into every value it encrypts. */
export interface DataKey {
  readonly keyId: string;
  readonly key: Buffer;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
// pd1:<key id>:<base64 of iv | ciphertext | tag>; the version names the layout and the cipher (AES-256-GCM).
const ENCRYPTED = /^pd1:([0-9a-f-]{36}):([A-Za-z0-9+/=]+)$/;

/** Whether a stored value is ciphertext (rather than the plaintext of an event written before encryption). */
export const isEncrypted = (value: unknown): value is string => typeof value === 'string' && ENCRYPTED.test(value);

/** The key a ciphertext names; undefined for anything else. */
export function keyIdOf(value: unknown): string | undefined {
  return typeof value === 'string' ? ENCRYPTED.exec(value)?.[1] : undefined;
}

export function encryptText(dataKey: DataKey, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey.key, iv);
  // The key id is bound in, so a value moved under another key's name fails to open instead of opening wrongly.
  cipher.setAAD(Buffer.from(dataKey.keyId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `pd1:${dataKey.keyId}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
}

export function decryptText(dataKey: DataKey, value: string): string {
  const match = ENCRYPTED.exec(value);
  if (!match || match[1] !== dataKey.keyId) throw new Error(`The value was not encrypted under key ${dataKey.keyId}`);
  const bytes = Buffer.from(match[2], 'base64');
  const decipher = createDecipheriv('aes-256-gcm', dataKey.key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(dataKey.keyId));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
