import { DomainEventType, EVENT_TYPES, loadEventSchema } from './event-schemas';

/** Which key encrypts a personal field at rest: the person's own key, or the pair's key. */
export type PersonalDataKey = 'person' | 'pair';

export interface PersonalDataField {
  /** Where the field sits in the event's data: 'displayName', or 'actionItems[].description' for each item of a list. */
  readonly path: string;
  readonly key: PersonalDataKey;
}

/** The annotation keyword of the v2 schemas; its value names the key. */
export const PERSONAL_DATA_KEYWORD = 'x-personal-data';

const PERSONAL_DATA_KEYS: readonly PersonalDataKey[] = ['person', 'pair'];

// Read from the current schemas once: the schema files are the single list of what is personal.
const FIELDS: ReadonlyMap<DomainEventType, readonly PersonalDataField[]> = new Map(
  EVENT_TYPES.map((type) => [type, Object.freeze(annotatedFields(loadEventSchema(type), '', type))]),
);

/** The personal fields of an event type, as annotated with `x-personal-data` in its current schema, in schema order. */
export function personalDataFields(type: DomainEventType): readonly PersonalDataField[] {
  return FIELDS.get(type) ?? [];
}

function annotatedFields(node: unknown, path: string, type: string): PersonalDataField[] {
  if (node === null || typeof node !== 'object') return [];
  const schema = node as Record<string, unknown>;
  const key = schema[PERSONAL_DATA_KEYWORD];
  if (key !== undefined) {
    if (!PERSONAL_DATA_KEYS.includes(key as PersonalDataKey)) {
      throw new Error(`The ${type} schema marks '${path}' with ${PERSONAL_DATA_KEYWORD} "${String(key)}"; expected 'person' or 'pair'.`);
    }
    return [{ path, key: key as PersonalDataKey }];
  }
  const fields: PersonalDataField[] = [];
  const properties = schema.properties;
  if (properties !== null && typeof properties === 'object') {
    for (const [name, property] of Object.entries(properties)) {
      fields.push(...annotatedFields(property, path === '' ? name : `${path}.${name}`, type));
    }
  }
  if (schema.items !== undefined) fields.push(...annotatedFields(schema.items, `${path}[]`, type));
  return fields;
}
