// `npm run keys -- status`: how many personal-data keys each master key wraps, and how many were destroyed.
// `npm run keys -- rotate`: re-wraps every live data key under FLIPSIDE_MASTER_KEY (the old key in
// FLIPSIDE_RETIRED_MASTER_KEYS); events are not touched. Runs apps/api/src/personal-data/keys-cli.ts compiled.
import { runCompiledCli } from './lib/compiled-cli.mjs';

await runCompiledCli('dist/apps/api/src/personal-data/keys-cli.js');
