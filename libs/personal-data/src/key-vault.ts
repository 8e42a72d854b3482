import { randomBytes, randomUUID } from 'node:crypto';
import { inTransaction } from '@flipside/event-store';
import { Client, Pool } from 'pg';
import { DataKey, decryptText, encryptText, isEncrypted, keyIdOf } from './field-cipher';
import { MasterKeyError, MasterKeys } from './master-keys';
import { createPersonalDataSchema } from './schema';

/** Whose data a key protects: one person (in one organization), or one pair (both members' shared text). */
export type KeyOwner =
  | { readonly kind: 'person'; readonly organizationId: string; readonly personId: string }
  | { readonly kind: 'pair'; readonly organizationId: string; readonly pairId: string; readonly members: readonly string[] };

export interface KeyVaultOptions {
  /** How long a live key stays cached without a word from the database; destruction is also pushed by NOTIFY. */
  readonly liveKeyTtlMs?: number;
  readonly maxCachedKeys?: number;
}

const DESTROYED_CHANNEL = 'flipside_data_keys_destroyed';

interface CachedKey {
  /** Null once destroyed: the key is gone, so is everything it encrypted. */
  readonly key: Buffer | null;
  readonly expiresAt: number;
}

const ownerKey = (owner: KeyOwner) =>
  `${owner.organizationId}\u0000${owner.kind}\u0000${owner.kind === 'person' ? owner.personId : owner.pairId}`;

/**
 * The data keys, wrapped by the master key in `personal_data.data_keys`, unwrapped on demand and cached in memory.
 * A lookup that misses costs one indexed SELECT and one AES-GCM unwrap; after that, encrypting or opening a field
 * is a cipher call. Destroying a key (erasure) tells every process through NOTIFY; the TTL bounds the rest.
 */
export class KeyVault {
  private readonly keys = new Map<string, CachedKey>();
  private readonly owners = new Map<string, DataKey>();
  private listener?: Promise<Client | undefined>;
  private destructions = 0;
  private closed = false;
  private readonly liveKeyTtlMs: number;
  private readonly maxCachedKeys: number;

  private constructor(
    private readonly pool: Pool,
    private readonly masterKeys: MasterKeys,
    options: KeyVaultOptions,
  ) {
    this.liveKeyTtlMs = options.liveKeyTtlMs ?? 60_000;
    this.maxCachedKeys = options.maxCachedKeys ?? 50_000;
  }

  static async open(pool: Pool, masterKeys: MasterKeys, options: KeyVaultOptions = {}): Promise<KeyVault> {
    await createPersonalDataSchema(pool);
    // A process started with the wrong master key would fail on every read: it refuses to start instead.
    const { rows } = await pool.query<{ master_key_id: string }>(
      'SELECT DISTINCT master_key_id FROM personal_data.data_keys WHERE master_key_id IS NOT NULL',
    );
    const unknown = rows.map((row) => row.master_key_id).filter((id) => !masterKeys.knows(id));
    if (unknown.length > 0) {
      throw new MasterKeyError(
        `Personal-data keys are wrapped by master key ${unknown.join(', ')}, which is neither FLIPSIDE_MASTER_KEY nor in FLIPSIDE_RETIRED_MASTER_KEYS`,
      );
    }
    const vault = new KeyVault(pool, masterKeys, options);
    await vault.listen();
    return vault;
  }

  /** The owner's live key, created on first use. */
  async keyFor(owner: KeyOwner): Promise<DataKey> {
    const cacheKey = ownerKey(owner);
    const cached = this.owners.get(cacheKey);
    if (cached && this.liveKey(cached.keyId)) return cached;
    const ownerId = owner.kind === 'person' ? owner.personId : owner.pairId;
    const members = owner.kind === 'person' ? [owner.personId] : [...owner.members];
    const keyId = randomUUID();
    const key = randomBytes(32);
    const { masterKeyId, wrapped } = this.masterKeys.wrap(key, keyId);
    const inserted = await this.pool.query<{ key_id: string }>(
      `INSERT INTO personal_data.data_keys (key_id, organization_id, owner_kind, owner_id, members, master_key_id, wrapped)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organization_id, owner_kind, owner_id) WHERE destroyed_at IS NULL DO NOTHING
       RETURNING key_id`,
      [keyId, owner.organizationId, owner.kind, ownerId, members, masterKeyId, wrapped],
    );
    let dataKey: DataKey;
    if (inserted.rowCount === 1) {
      dataKey = { keyId, key };
    } else {
      const { rows } = await this.pool.query<{ key_id: string; master_key_id: string; wrapped: Buffer }>(
        `SELECT key_id, master_key_id, wrapped FROM personal_data.data_keys
          WHERE organization_id = $1 AND owner_kind = $2 AND owner_id = $3 AND destroyed_at IS NULL`,
        [owner.organizationId, owner.kind, ownerId],
      );
      // Destroyed between the INSERT and this SELECT: an erasure won; try once more for a fresh key.
      if (rows.length === 0) return this.keyFor(owner);
      dataKey = { keyId: rows[0].key_id, key: this.masterKeys.unwrap(rows[0].wrapped, rows[0].master_key_id, rows[0].key_id) };
    }
    this.remember(dataKey.keyId, dataKey.key);
    this.owners.set(cacheKey, dataKey);
    return dataKey;
  }

  encrypt(key: DataKey, plaintext: string): string {
    return encryptText(key, plaintext);
  }

  /**
   * Grows whenever this process learns that a key was destroyed (or lost the channel that tells it): whoever holds
   * plaintext opened earlier re-checks its keys only when this changed since.
   */
  get destructionCount(): number {
    return this.destructions;
  }

  /** Whether any of these keys was destroyed, fetching those not cached (or cached too long) in one query. */
  async anyDestroyed(keyIds: Iterable<string>): Promise<boolean> {
    const ids = [...keyIds];
    await this.loadKeyIds(ids);
    return ids.some((keyId) => this.keys.get(keyId)?.key === null);
  }

  /** Loads every key the values name that is not cached yet, in one query. */
  async load(values: Iterable<unknown>): Promise<void> {
    const keyIds: string[] = [];
    for (const value of values) {
      const keyId = keyIdOf(value);
      if (keyId !== undefined) keyIds.push(keyId);
    }
    await this.loadKeyIds(keyIds);
  }

  private async loadKeyIds(keyIds: Iterable<string>): Promise<void> {
    const missing = new Set<string>();
    const now = Date.now();
    for (const keyId of keyIds) {
      const cached = this.keys.get(keyId);
      if (!cached || (cached.key !== null && cached.expiresAt < now)) missing.add(keyId);
    }
    if (missing.size === 0) return;
    await this.listen();
    const { rows } = await this.pool.query<{ key_id: string; master_key_id: string | null; wrapped: Buffer | null }>(
      'SELECT key_id, master_key_id, wrapped FROM personal_data.data_keys WHERE key_id = ANY($1::uuid[])',
      [[...missing]],
    );
    for (const row of rows) {
      missing.delete(row.key_id);
      this.remember(row.key_id, row.wrapped && row.master_key_id ? this.masterKeys.unwrap(row.wrapped, row.master_key_id, row.key_id) : null);
    }
    // A key the table never held cannot open anything either.
    for (const keyId of missing) this.remember(keyId, null);
  }

  /**
   * A stored value as its readers may see it, once `load` has fetched its key: the plaintext; null when its key
   * was destroyed; any value that is not ciphertext (written before encryption) as it is.
   */
  open(value: unknown): unknown {
    if (!isEncrypted(value)) return value;
    const keyId = keyIdOf(value) as string;
    const cached = this.keys.get(keyId);
    if (cached === undefined) throw new Error(`Key ${keyId} was not loaded before opening a value under it`);
    if (cached.key === null) return null;
    return decryptText({ keyId, key: cached.key }, value);
  }

  /** Loads the keys, then opens each value. */
  async openAll(values: readonly unknown[]): Promise<unknown[]> {
    await this.load(values);
    return values.map((value) => this.open(value));
  }

  /** Destroys every key of the person and of each pair they belong to; returns the destroyed key ids. */
  async destroyKeysOf(organizationId: string, personId: string): Promise<string[]> {
    const keyIds = await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ key_id: string }>(
        `UPDATE personal_data.data_keys SET wrapped = NULL, master_key_id = NULL, destroyed_at = now()
          WHERE organization_id = $1 AND $2 = ANY(members) AND destroyed_at IS NULL
          RETURNING key_id`,
        [organizationId, personId],
      );
      const destroyed = rows.map((row) => row.key_id);
      await client.query('INSERT INTO personal_data.erasures (organization_id, person_id, keys_destroyed) VALUES ($1, $2, $3)', [
        organizationId,
        personId,
        destroyed.length,
      ]);
      for (let start = 0; start < destroyed.length; start += 200) {
        await client.query('SELECT pg_notify($1, $2)', [DESTROYED_CHANNEL, destroyed.slice(start, start + 200).join(',')]);
      }
      return destroyed;
    });
    this.forget(keyIds);
    return keyIds;
  }

  /** Master-key rotation: re-wraps every live data key under the current master key; events are not touched. */
  async rewrapAll(batchSize = 500): Promise<number> {
    let rewrapped = 0;
    for (;;) {
      const batch = await inTransaction(this.pool, async (client) => {
        const { rows } = await client.query<{ key_id: string; master_key_id: string; wrapped: Buffer }>(
          `SELECT key_id, master_key_id, wrapped FROM personal_data.data_keys
            WHERE destroyed_at IS NULL AND master_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [this.masterKeys.current.id, batchSize],
        );
        for (const row of rows) {
          const key = this.masterKeys.unwrap(row.wrapped, row.master_key_id, row.key_id);
          const { masterKeyId, wrapped } = this.masterKeys.wrap(key, row.key_id);
          await client.query('UPDATE personal_data.data_keys SET master_key_id = $2, wrapped = $3 WHERE key_id = $1 AND destroyed_at IS NULL', [
            row.key_id,
            masterKeyId,
            wrapped,
          ]);
        }
        return rows.length;
      });
      rewrapped += batch;
      if (batch < batchSize) return rewrapped;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const listener = await this.listener;
    this.listener = undefined;
    listener?.removeAllListeners('end');
    await listener?.end().catch(() => undefined);
  }

  private liveKey(keyId: string): boolean {
    const cached = this.keys.get(keyId);
    return cached !== undefined && cached.key !== null && cached.expiresAt >= Date.now();
  }

  private remember(keyId: string, key: Buffer | null): void {
    this.keys.delete(keyId);
    this.keys.set(keyId, { key, expiresAt: key === null ? Number.POSITIVE_INFINITY : Date.now() + this.liveKeyTtlMs });
    // Map keeps insertion order: the first entry is the least recently loaded key.
    if (this.keys.size > this.maxCachedKeys) this.keys.delete(this.keys.keys().next().value as string);
  }

  private forget(keyIds: readonly string[]): void {
    this.destructions++;
    const destroyed = new Set(keyIds);
    for (const keyId of keyIds) this.remember(keyId, null);
    for (const [owner, key] of this.owners) if (destroyed.has(key.keyId)) this.owners.delete(owner);
  }

  /** One connection per process LISTENs for destroyed keys; if it drops, every cached live key is dropped too. */
  private listen(): Promise<Client | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    if (this.listener) return this.listener;
    const client = new Client({ connectionString: connectionStringOf(this.pool) });
    let gone = false;
    const lost = () => {
      if (gone) return;
      gone = true;
      if (this.listener === listening) this.listener = undefined;
      this.destructions++;
      this.owners.clear();
      for (const [keyId, cached] of this.keys) if (cached.key !== null) this.keys.delete(keyId);
      client.end().catch(() => undefined);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === DESTROYED_CHANNEL && message.payload) this.forget(message.payload.split(','));
    });
    const listening = (async () => {
      try {
        await client.connect();
        await client.query(`LISTEN ${DESTROYED_CHANNEL}`);
        return client;
      } catch {
        lost();
        return undefined;
      }
    })();
    this.listener = listening;
    return listening;
  }
}

function connectionStringOf(pool: Pool): string | undefined {
  return (pool as unknown as { options: { connectionString?: string } }).options.connectionString;
}
