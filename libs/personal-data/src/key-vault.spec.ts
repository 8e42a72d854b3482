import { Pool } from 'pg';
import { createTestDatabase, requirePostgres, TestDatabase } from '@flipside/testing';
import { isEncrypted } from './field-cipher';
import { KeyOwner, KeyVault } from './key-vault';
import { generateMasterKeyText, MasterKeys, parseMasterKey } from './master-keys';

const kavya: KeyOwner = { kind: 'person', organizationId: 'acme', personId: 'emp-1001' };
const jack: KeyOwner = { kind: 'person', organizationId: 'acme', personId: 'emp-2002' };
const theirPair: KeyOwner = { kind: 'pair', organizationId: 'acme', pairId: 'p-1', members: ['emp-1001', 'emp-2002'] };
const otherPair: KeyOwner = { kind: 'pair', organizationId: 'acme', pairId: 'p-2', members: ['emp-2002', 'emp-3003'] };

const eventually = async (check: () => Promise<boolean> | boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('KeyVault: data keys in PostgreSQL, wrapped by the master key', () => {
  let database: TestDatabase | undefined;
  const pools: Pool[] = [];
  const vaults: KeyVault[] = [];
  const master = new MasterKeys(parseMasterKey(generateMasterKeyText()));
  const pool = () => {
    const opened = new Pool({ connectionString: database!.url, max: 3 });
    opened.on('error', () => undefined); // the database is dropped WITH (FORCE) after each test
    pools.push(opened);
    return opened;
  };
  const vault = async (keys = master, options = {}) => {
    const opened = await KeyVault.open(pool(), keys, options);
    vaults.push(opened);
    return opened;
  };

  beforeEach(async () => {
    database = (await requirePostgres()) ? await createTestDatabase('flipside_key_vault') : undefined;
  });
  afterEach(async () => {
    await Promise.all(vaults.splice(0).map((opened) => opened.close()));
    await Promise.all(pools.splice(0).map((opened) => opened.end()));
    await database?.drop();
  });

  it('encrypts with the owner’s key, opens in another process, and stores no key in the clear', async () => {
    if (!database) return;
    const writer = await vault();
    const key = await writer.keyFor(kavya);
    expect((await writer.keyFor(kavya)).keyId).toBe(key.keyId);
    const stored = writer.encrypt(key, 'Kavya Rao');
    expect(isEncrypted(stored)).toBe(true);
    expect(stored).not.toContain('Kavya');
    const reader = await vault();
    expect(await reader.openAll([stored, 'written before encryption', 7])).toEqual(['Kavya Rao', 'written before encryption', 7]);
    const { rows } = await pool().query('SELECT wrapped, master_key_id FROM personal_data.data_keys');
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0].wrapped).includes(key.key)).toBe(false);
    expect(rows[0].master_key_id).toBe(master.current.id);
  });

  it('gives concurrent first uses one key per owner', async () => {
    if (!database) return;
    const vaultsAtOnce = await Promise.all([vault(), vault(), vault()]);
    const keys = await Promise.all(vaultsAtOnce.flatMap((opened) => [opened.keyFor(theirPair), opened.keyFor(theirPair)]));
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
  });

  it('destroys the person’s key and every pair key they share, in every process, and nobody else’s', async () => {
    if (!database) return;
    const writer = await vault();
    const other = await vault(master, { liveKeyTtlMs: 3_600_000 });
    const values = {
      kavya: writer.encrypt(await writer.keyFor(kavya), 'kavya@acme.test'),
      jack: writer.encrypt(await writer.keyFor(jack), 'jack@acme.test'),
      pair: writer.encrypt(await writer.keyFor(theirPair), 'Short personal posts beat press releases'),
      otherPair: writer.encrypt(await writer.keyFor(otherPair), 'Another pair’s insight'),
    };
    // The other process holds every key in its cache, for an hour.
    expect(await other.openAll(Object.values(values))).toEqual(['kavya@acme.test', 'jack@acme.test', 'Short personal posts beat press releases', 'Another pair’s insight']);

    const destroyed = await writer.destroyKeysOf('acme', 'emp-1001');
    expect(destroyed).toHaveLength(2);
    expect(await writer.openAll([values.kavya, values.pair])).toEqual([null, null]);
    await eventually(async () => (await other.openAll([values.kavya, values.pair])).every((value) => value === null));
    expect(await other.openAll([values.jack, values.otherPair])).toEqual(['jack@acme.test', 'Another pair’s insight']);

    const { rows } = await pool().query('SELECT count(*)::int AS wrapped FROM personal_data.data_keys WHERE wrapped IS NOT NULL');
    expect(rows).toEqual([{ wrapped: 2 }]);
    // A later enrolment of the same person gets a fresh key; the old ciphertext stays unreadable.
    const fresh = await writer.keyFor(kavya);
    expect(destroyed).not.toContain(fresh.keyId);
    expect(await writer.openAll([values.kavya])).toEqual([null]);
  });

  it('re-wraps every live key under a new master key without changing what they open', async () => {
    if (!database) return;
    const before = await vault();
    const stored = before.encrypt(await before.keyFor(kavya), 'Kavya Rao');
    const rotated = new MasterKeys(parseMasterKey(generateMasterKeyText()), [master.current]);
    const during = await vault(rotated);
    expect(await during.rewrapAll(1)).toBe(1);
    const { rows } = await pool().query('SELECT master_key_id FROM personal_data.data_keys');
    expect(rows).toEqual([{ master_key_id: rotated.current.id }]);
    const after = await vault(new MasterKeys(rotated.current));
    expect(await after.openAll([stored])).toEqual(['Kavya Rao']);
    await expect(vault()).rejects.toThrow(/wrapped by master key [0-9a-f]{16}, which is neither FLIPSIDE_MASTER_KEY/);
  });

  it('refuses a master key that is not 32 bytes of base64 or hex', () => {
    expect(() => parseMasterKey('short')).toThrow(/FLIPSIDE_MASTER_KEY must be 32 random bytes/);
    expect(() => MasterKeys.fromEnvironment({})).toThrow(/FLIPSIDE_MASTER_KEY is not set/);
    expect(parseMasterKey('ab'.repeat(32)).key).toHaveLength(32);
  });
});
