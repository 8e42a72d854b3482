import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where the contract lives, relative to the repository root. */
export const OPENAPI_FILE = join('docs', 'openapi.yaml');

/**
 * Finds docs/openapi.yaml by walking up from `from`: the same lookup works from the TypeScript sources
 * (apps/api/src/openapi, under jest) and from the build (dist/apps/api/src/openapi), whatever the cwd.
 */
export function findOpenApiFile(from: string = __dirname): string {
  const start = resolve(from);
  for (let folder = start; ; folder = dirname(folder)) {
    const candidate = join(folder, OPENAPI_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) break;
  }
  throw new Error(`${OPENAPI_FILE} was not found in ${start} or any folder above it`);
}

export type OpenApiObject = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The hand-written OpenAPI document, read and parsed once at start; served as written (YAML) and as JSON. */
export class OpenApiDocument {
  private constructor(
    /** Absolute path of the YAML file it was read from. */
    readonly path: string,
    readonly document: OpenApiObject,
    /** The file as written, comments included. */
    readonly yaml: string,
    readonly json: string,
  ) {}

  /** Reads and parses the document; a missing file or one that is not OpenAPI 3.1 stops the start naming the file. */
  static load(path: string = findOpenApiFile()): OpenApiDocument {
    const text = readFileSync(path, 'utf8');
    let parsed: unknown;
    try {
      parsed = parse(text, { prettyErrors: true, uniqueKeys: true });
    } catch (error) {
      throw new Error(`${path} is not valid YAML: ${(error as Error).message}`);
    }
    if (!isRecord(parsed) || typeof parsed.openapi !== 'string' || !/^3\.1\.\d+$/.test(parsed.openapi)) {
      throw new Error(`${path} is not an OpenAPI 3.1 document (its "openapi" field must be 3.1.x)`);
    }
    if (!isRecord(parsed.info) || !isRecord(parsed.paths)) {
      throw new Error(`${path} needs "info" and "paths" objects`);
    }
    return new OpenApiDocument(path, deepFreeze(parsed), text, JSON.stringify(parsed, null, 2));
  }

  get title(): string {
    const info = this.document.info as Record<string, unknown>;
    return typeof info.title === 'string' ? info.title : 'API';
  }
}
