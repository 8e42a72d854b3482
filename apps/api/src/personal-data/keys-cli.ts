/**
 * `npm run keys -- status`: the data keys per master key, and how many erasure destroyed.
 * `npm run keys -- rotate`: re-wraps every live data key under FLIPSIDE_MASTER_KEY; the keys it was wrapped by
 * before must be in FLIPSIDE_RETIRED_MASTER_KEYS meanwhile. Events, read models and exports are not touched.
 * Exit 0 done, 1 on failure, 2 when the command line is wrong.
 */
import { ConfigurationError, loadConfig } from '@flipside/config';
import { createPool, ensureDatabase } from '@flipside/event-store';
import { KeyVault } from '@flipside/personal-data';

const USAGE = 'usage: npm run keys -- status | rotate';

export async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  if ((command !== 'status' && command !== 'rotate') || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env, { jwt: false, masterKey: true });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    console.error(error.message);
    return 2;
  }
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, { max: 2, application_name: 'flipside-keys' });
  const vault = await KeyVault.open(pool, config.masterKeys!);
  try {
    if (command === 'rotate') {
      const rewrapped = await vault.rewrapAll();
      console.log(`re-wrapped ${rewrapped} data keys under master key ${config.masterKeys!.current.id}`);
    }
    const { rows } = await pool.query<{ master_key_id: string | null; keys: number }>(
      'SELECT master_key_id, count(*)::int AS keys FROM personal_data.data_keys GROUP BY master_key_id ORDER BY master_key_id NULLS LAST',
    );
    for (const row of rows) {
      const which = row.master_key_id === null ? 'destroyed (erased)' : row.master_key_id === config.masterKeys!.current.id ? `${row.master_key_id} (current)` : `${row.master_key_id} (retired)`;
      console.log(`${String(row.keys).padStart(8)}  ${which}`);
    }
    return 0;
  } finally {
    await vault.close();
    await pool.end();
  }
}
