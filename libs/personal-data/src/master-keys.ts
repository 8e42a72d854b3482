import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key-encryption key: wraps the data keys kept in PostgreSQL, never touches an event. */
export interface MasterKey {
  /** First 16 hex digits of SHA-256 over the key: names it in `data_keys.master_key_id` without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

/** 32 bytes as base64 (44 characters) or hex (64 digits): what `npm start` generates and FLIPSIDE_MASTER_KEY holds. */
export function parseMasterKey(text: string, variable = 'FLIPSIDE_MASTER_KEY'): MasterKey {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES || (!/^[0-9a-fA-F]{64}$/.test(trimmed) && key.toString('base64') !== trimmed)) {
    throw new MasterKeyError(`${variable} must be 32 random bytes written as base64 (44 characters) or hex (64 digits)`);
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

export const generateMasterKeyText = (): string => randomBytes(KEY_BYTES).toString('base64');

/**
 * The current master key, which wraps every new data key, and the retired ones still able to unwrap keys
 * wrapped before a rotation (until `npm run keys -- rotate` has re-wrapped them all).
 */
export class MasterKeys {
  private readonly byId: ReadonlyMap<string, MasterKey>;

  constructor(
    readonly current: MasterKey,
    retired: readonly MasterKey[] = [],
  ) {
    this.byId = new Map([...retired, current].map((key) => [key.id, key]));
  }

  /** FLIPSIDE_MASTER_KEY, and FLIPSIDE_RETIRED_MASTER_KEYS (comma-separated) during a rotation. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): MasterKeys {
    const current = env.FLIPSIDE_MASTER_KEY;
    if (!current) throw new MasterKeyError('FLIPSIDE_MASTER_KEY is not set: personal data cannot be encrypted without it');
    const retired = (env.FLIPSIDE_RETIRED_MASTER_KEYS ?? '')
      .split(',')
      .filter((text) => text.trim() !== '')
      .map((text) => parseMasterKey(text, 'FLIPSIDE_RETIRED_MASTER_KEYS'));
    return new MasterKeys(parseMasterKey(current), retired);
  }

  knows(masterKeyId: string): boolean {
    return this.byId.has(masterKeyId);
  }

  wrap(dataKey: Buffer, keyId: string): { masterKeyId: string; wrapped: Buffer } {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(keyId));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { masterKeyId: this.current.id, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]) };
  }

  unwrap(wrapped: Buffer, masterKeyId: string, keyId: string): Buffer {
    const master = this.byId.get(masterKeyId);
    if (!master) {
      throw new MasterKeyError(
        `Data key ${keyId} is wrapped by master key ${masterKeyId}, which is neither FLIPSIDE_MASTER_KEY nor in FLIPSIDE_RETIRED_MASTER_KEYS`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', master.key, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(keyId));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
  }
}
