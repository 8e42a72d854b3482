/**
 * `npm run audit -- verify FILE [--anchors FILE] [--json]`: checks an export offline (no database, no server).
 * `npm run audit -- export --program ID [--out FILE]`: writes a program's export from the store (DATABASE_URL,
 * EVENT_STORE, EVENTSTORE_URL), with the same code the history route streams.
 * Exit 0 when verified (or exported), 1 on the first failure, 2 when the command line is wrong.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { ExportFailure, ExportVerification, readAnchors, verifyExport } from './export-verifier';

const USAGE = `usage: npm run audit -- verify FILE [--anchors FILE] [--json]
       npm run audit -- export --program ID [--out FILE]`;

const linesOf = (file: string) => createInterface({ input: createReadStream(file), crlfDelay: Infinity });

function describe(failure: ExportFailure): string {
  const where = failure.stream === '-' ? 'the manifest' : `stream ${failure.stream} at revision ${failure.revision}`;
  return [
    `NOT VERIFIED: ${failure.reason} in ${where}${failure.line ? ` (line ${failure.line})` : ''}`,
    `  expected: ${failure.expected}`,
    `  actual:   ${failure.actual}`,
  ].join('\n');
}

async function verify(file: string, anchorsFile: string | undefined, json: boolean): Promise<number> {
  const anchors = anchorsFile ? await readAnchors(linesOf(anchorsFile)) : [];
  const result: ExportVerification = Array.isArray(anchors)
    ? await verifyExport(() => linesOf(file), anchors)
    : { verified: false, events: 0, streams: 0, unchainedEvents: 0, anchoredHeadsChecked: 0, failure: anchors };
  if (json) console.log(JSON.stringify(result));
  else if (result.failure) console.log(describe(result.failure));
  else {
    const anchored = anchorsFile ? `, ${result.anchoredHeadsChecked} anchored heads match` : '';
    console.log(`verified: ${result.events} events in ${result.streams} streams (${result.unchainedEvents} unchained), manifest matches${anchored}`);
  }
  return result.verified ? 0 : 1;
}

async function exportProgram(programId: string, out: string | undefined): Promise<number> {
  // Loaded here: verifying needs neither a store nor a database driver's connection.
  const { loadConfig } = await import('@flipside/config');
  const { createEventStore, createPool } = await import('@flipside/event-store');
  const { loadSealKey, sealWith } = await import('@flipside/audit');
  const { erasedValuesInKeyTable } = await import('@flipside/personal-data');
  const { exportProgramHistory, findProgramHistory } = await import('./history-export');
  const config = loadConfig(process.env, { jwt: false });
  const store = createEventStore(config);
  const pool = createPool(config.databaseUrl, { max: 1, application_name: 'flipside-audit-export' });
  try {
    await store.start();
    const seal = sealWith(await loadSealKey(pool));
    const history = await findProgramHistory(store, programId);
    if (!history) {
      console.error(`Program ${programId} was not found`);
      return 1;
    }
    // No master key here: which keys are destroyed is read from personal_data.data_keys, which needs none.
    const options = { filter: {}, seal, erasedValues: erasedValuesInKeyTable(pool) };
    const lines = Readable.from(exportProgramHistory(store, history, options), { objectMode: false });
    await pipeline(lines, out ? createWriteStream(out) : process.stdout);
    return 0;
  } finally {
    await Promise.allSettled([store.close(), pool.end()]);
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { anchors: { type: 'string' }, json: { type: 'boolean', default: false }, program: { type: 'string' }, out: { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [command, file, ...rest] = positionals;
  if (command === 'verify' && file && rest.length === 0) return verify(file, values.anchors, values.json ?? false);
  if (command === 'export' && !file && values.program) return exportProgram(values.program, values.out);
  console.error(USAGE);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
