import { Pool } from 'pg';
import { isEncrypted, keyIdOf } from './field-cipher';
import { KeyVault } from './key-vault';
import { createPersonalDataSchema } from './schema';

/**
 * Which stored values can no longer be opened because their key was destroyed (erasure): answered for a whole
 * chunk of values at once, then asked value by value. Plaintext written before encryption is never "erased" here.
 */
export type ErasedValues = (values: Iterable<unknown>) => Promise<(value: unknown) => boolean>;

/**
 * From `personal_data.data_keys` alone, without the master key (the audit CLI has none): a key that is destroyed,
 * or that the table never held, opens nothing. One query per call.
 */
export function erasedValuesInKeyTable(pool: Pool): ErasedValues {
  let ready: Promise<void> | undefined;
  return async (values) => {
    const keyIds = new Set<string>();
    for (const value of values) {
      const keyId = keyIdOf(value);
      if (keyId !== undefined) keyIds.add(keyId);
    }
    if (keyIds.size === 0) return () => false;
    // A database that never held a key has no table yet: the same statements the vault runs at its start.
    ready ??= createPersonalDataSchema(pool);
    await ready;
    const { rows } = await pool.query<{ key_id: string }>(
      'SELECT key_id FROM personal_data.data_keys WHERE key_id = ANY($1::uuid[]) AND destroyed_at IS NULL',
      [[...keyIds]],
    );
    const live = new Set(rows.map((row) => row.key_id));
    return (value) => {
      const keyId = keyIdOf(value);
      return keyId !== undefined && !live.has(keyId);
    };
  };
}

/** Through the API's key vault (its cache, one query for the keys it misses). */
export function erasedValuesInVault(vault: KeyVault): ErasedValues {
  return async (values) => {
    const list = [...values];
    await vault.load(list);
    return (value) => isEncrypted(value) && vault.open(value) === null;
  };
}
