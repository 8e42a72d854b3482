import { isCalendarDate } from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';

/**
 * Reads the fields of a stored event that a projection uses, refusing any that is missing or of the wrong
 * shape: a malformed event stops the projection instead of writing nonsense rows.
 */
export class EventFields {
  private readonly data: Record<string, unknown>;

  constructor(event: RecordedEvent) {
    this.data = (event.data ?? {}) as Record<string, unknown>;
  }

  text(name: string): string {
    const value = this.data[name];
    if (typeof value !== 'string') throw new Error(`${name} must be text`);
    return value;
  }

  /**
   * A personal field (`x-personal-data`) as stored: ciphertext `pd1:<key id>:<base64>` (far longer than the text it
   * hides), or the plaintext of an event written before encryption. Read models copy it as it is; only the API,
   * which holds the keys, opens it.
   */
  personal(name: string): string {
    return this.text(name);
  }

  optionalPersonal(name: string): string | undefined {
    return this.optionalText(name);
  }

  id(name: string): string {
    const value = this.text(name);
    if (value === '') throw new Error(`${name} must not be empty`);
    return value;
  }

  optionalText(name: string): string | undefined {
    return this.data[name] === undefined || this.data[name] === null ? undefined : this.text(name);
  }

  date(name: string): string {
    const value = this.data[name];
    if (!isCalendarDate(value)) throw new Error(`${name} must be a date written YYYY-MM-DD`);
    return value;
  }

  integer(name: string, min: number, max: number): number {
    const value = this.data[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  optionalNumber(name: string): number | undefined {
    const value = this.data[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${name} must be a number`);
    return value;
  }

  optionalInteger(name: string, min: number, max: number): number | undefined {
    return this.data[name] === undefined || this.data[name] === null ? undefined : this.integer(name, min, max);
  }

  oneOf<T extends string>(name: string, options: readonly T[]): T {
    const value = this.data[name];
    if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
      throw new Error(`${name} must be one of ${options.join(', ')}`);
    }
    return value as T;
  }

  texts(name: string): string[] {
    const value = this.data[name] ?? [];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${name} must be a list of text`);
    return value;
  }

  object(name: string): Record<string, unknown> {
    const value = this.data[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${name} must be an object`);
    return value as Record<string, unknown>;
  }

  list(name: string): unknown[] {
    const value = this.data[name] ?? [];
    if (!Array.isArray(value)) throw new Error(`${name} must be a list`);
    return value;
  }

  /** A field read only to find the rows an event touches; validated later by the handler. */
  peek(name: string): string | undefined {
    const value = this.data[name];
    return typeof value === 'string' ? value : undefined;
  }
}

/** The later of two calendar dates (they compare as text). */
export function laterDate(a: string | null, b: string): string {
  return a === null || b > a ? b : a;
}

/** The Monday of the ISO week a calendar date falls in. */
export function weekStartOf(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(year, month - 1, day));
  utc.setUTCDate(utc.getUTCDate() - ((utc.getUTCDay() + 6) % 7));
  return utc.toISOString().slice(0, 10);
}
