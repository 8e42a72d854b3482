// `npm run audit -- verify FILE [--anchors FILE] [--json]`: checks an export offline (no database, no server).
// `npm run audit -- export --program ID [--out FILE]`: writes a program's export from the store (DATABASE_URL,
// EVENT_STORE, EVENTSTORE_URL). Runs the compiled CLI (apps/api/src/audit/program-history/audit-cli.ts).
// Exit 0 verified (or exported), 1 at the first failure, 2 for a wrong command line.
import { runCompiledCli } from './lib/compiled-cli.mjs';

await runCompiledCli('dist/apps/api/src/audit/program-history/audit-cli.js');
