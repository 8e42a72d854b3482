import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, eventSchemaVersions, isDomainEventType, loadEventSchema } from '../event-schemas';
import { PERSONAL_DATA_KEYWORD } from '../personal-data';

/**
 * Checks recorded events against the JSON Schemas in ../schemas (test-only: ajv is a dev dependency).
 * Pass `assertMatchesEventSchema` as `checkEvent` to `specFor` so every event a spec sees is checked.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// An annotation (it validates nothing): which key encrypts the field at rest. Strict mode refuses any other unknown keyword.
ajv.addKeyword({ keyword: PERSONAL_DATA_KEYWORD, schemaType: 'string', metaSchema: { enum: ['person', 'pair'] } });

// Keyed by 'Type@version', for every version of every type's schema.
const validators = new Map<string, ValidateFunction>(
  EVENT_TYPES.flatMap((type) =>
    eventSchemaVersions(type).map((version) => [`${type}@${version}`, ajv.compile(loadEventSchema(type, version))] as const),
  ),
);

export interface StoredEventShape {
  readonly type: string;
  readonly data: unknown;
}

/** Every event type the schema checks have seen in this test file, to prove coverage. */
export const eventTypesChecked = new Set<string>();

/** The reasons an event does not match its schema (the current version unless told); empty when it does. */
export function eventSchemaErrors(event: StoredEventShape, version: number = EVENT_SCHEMA_VERSION): string[] {
  if (!isDomainEventType(event.type)) return [`no schema for event type '${event.type}'`];
  const validate = validators.get(`${event.type}@${version}`);
  if (!validate) return [`no schema for event type '${event.type}' at version ${version}`];
  if (validate(event.data)) return [];
  return (validate.errors ?? []).map((error) => `data${error.instancePath} ${error.message ?? 'is invalid'}${paramsOf(error.params)}`);
}

export function assertMatchesEventSchema(event: StoredEventShape): void {
  const errors = eventSchemaErrors(event);
  if (errors.length > 0) {
    throw new Error(
      [`Event ${event.type} does not match its schema:`, ...errors.map((error) => `  - ${error}`), `  event: ${JSON.stringify(event)}`].join('\n'),
    );
  }
  eventTypesChecked.add(event.type);
}

function paramsOf(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? '' : ` (${entries.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(', ')})`;
}
