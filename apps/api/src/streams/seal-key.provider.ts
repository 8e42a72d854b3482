import { Provider } from '@nestjs/common';
import { FlipsideConfig } from '@flipside/config';
import { Seal, loadSealKey, sealWith } from '@flipside/audit';
import { createPool, ensureDatabase } from '@flipside/event-store';
import { FLIPSIDE_CONFIG } from './event-store.provider';

/** Nest injection token for the store's seal key (a Buffer), read from audit.seal_key. */
export const SEAL_KEY = Symbol('SealKey');
/** Nest injection token for the Seal under that key: confidential fields enter the hash chain sealed with it. */
export const SEAL = Symbol('Seal');

export const sealKeyProviders: Provider[] = [
  {
    provide: SEAL_KEY,
    inject: [FLIPSIDE_CONFIG],
    useFactory: async (config: FlipsideConfig): Promise<Buffer> => {
      // Read once at start: every later append seals without a round trip.
      await ensureDatabase(config.databaseUrl);
      const pool = createPool(config.databaseUrl, { max: 1, application_name: 'flipside-api-seal-key' });
      try {
        return await loadSealKey(pool);
      } finally {
        await pool.end();
      }
    },
  },
  { provide: SEAL, inject: [SEAL_KEY], useFactory: (key: Buffer): Seal => sealWith(key) },
];
