import { DomainEventType, isDomainEventType, personalDataFields, upcastEventData } from '@flipside/domain';
import type { JsonObject, RecordedEvent } from '@flipside/event-store';
import { mapAt, valuesAt } from './field-paths';
import { KeyOwner, KeyVault } from './key-vault';

/** Who owns the keys for one event's personal fields: the write path knows from the stream's state. */
export interface KeyOwners {
  person(event: { readonly type: string; readonly data: object }): Extract<KeyOwner, { kind: 'person' }>;
  pair(event: { readonly type: string; readonly data: object }): Extract<KeyOwner, { kind: 'pair' }>;
}

/** A stored event as readers see it: current version, personal fields in plaintext or null where erased. */
export interface OpenedEvent extends RecordedEvent {
  /** Paths of the personal fields whose key was destroyed (empty when nothing was erased). */
  readonly erased: readonly string[];
}

/** The personal fields (`x-personal-data` paths) of an event type; none for a type this version does not know. */
export const personalFieldsOf = (type: string) => (isDomainEventType(type) ? personalDataFields(type as DomainEventType) : []);

/** Every stored personal value of an event: what keys must be loaded (or looked up) to read it. */
export const personalValuesOf = (event: { readonly type: string; readonly data: JsonObject }): unknown[] =>
  personalFieldsOf(event.type).flatMap((field) => valuesAt(event.data, field.path));

/**
 * The one gate between the stored form of an event and its readable form. Upcasting brings any stored version to
 * the current one; opening decrypts the personal fields the v2 schemas mark with `x-personal-data`.
 */
export class PersonalDataCipher {
  constructor(
    readonly vault: KeyVault,
    // Benchmarks alone set this, to measure encryption's cost beside the same run without it.
    private readonly options: { readonly plaintextForBenchmarks?: boolean } = {},
  ) {}

  /** Domain events (plaintext) to the form they are stored in: each personal field encrypted under its owner's key. */
  async encrypt<E extends { readonly type: string; readonly data: object }>(events: readonly E[], owners: KeyOwners): Promise<E[]> {
    if (this.options.plaintextForBenchmarks) return [...events];
    const encrypted: E[] = [];
    for (const event of events) {
      let data = event.data as JsonObject;
      for (const field of personalFieldsOf(event.type)) {
        if (!valuesAt(data, field.path).some((value) => typeof value === 'string')) continue;
        const key = await this.vault.keyFor(field.key === 'person' ? owners.person(event) : owners.pair(event));
        data = mapAt(data, field.path, (value) => (typeof value === 'string' ? this.vault.encrypt(key, value) : value));
      }
      encrypted.push({ ...event, data });
    }
    return encrypted;
  }

  /** Stored events to their readable form, fetching every key they need in one query. */
  async open(events: readonly RecordedEvent[]): Promise<OpenedEvent[]> {
    const current = events.map(upcast);
    await this.vault.load(current.flatMap(personalValuesOf));
    return current.map((event) => this.openLoaded(event));
  }

  private openLoaded(event: RecordedEvent): OpenedEvent {
    const erased: string[] = [];
    let data = event.data;
    for (const field of personalFieldsOf(event.type)) {
      data = mapAt(data, field.path, (value) => {
        const opened = this.vault.open(value);
        if (opened === null && value !== null && !erased.includes(field.path)) erased.push(field.path);
        return opened;
      });
    }
    return { ...event, data, erased };
  }
}

/** A stored event of any schema version in the current version's shape; its personal fields stay as stored. */
export function upcast(event: RecordedEvent): RecordedEvent {
  const version = event.metadata.schemaVersion;
  const data = upcastEventData(event.type, typeof version === 'number' ? version : undefined, event.data);
  return data === event.data ? event : { ...event, data: data as JsonObject };
}
