import { isCalendarDate } from './calendar';
import { LIMITS } from '../vocabulary';
import { invalid, RuleViolation } from './rule-violation';

/**
 * Checks of single command values against their allowed range. Each returns the violation or undefined,
 * so a decider lists its checks and keeps the first that fails.
 */
export type Check = RuleViolation | undefined;

export function firstViolation(...checks: Check[]): Check {
  return checks.find((check) => check !== undefined);
}

interface TextBounds {
  readonly minLength?: number;
  readonly maxLength: number;
}

interface NumberBounds {
  readonly min: number;
  readonly max: number;
}

/** Counts characters as people (and JSON Schema) do: one per Unicode code point. */
export function characterCount(value: string): number {
  return [...value].length;
}

export function checkText(field: string, label: string, value: unknown, bounds: TextBounds): Check {
  if (typeof value !== 'string') return invalid(field, 'text-required', `${label} must be text.`);
  const minLength = bounds.minLength ?? 0;
  if (minLength > 0 && value.trim().length === 0) {
    return invalid(field, 'text-required', `${label} is required and cannot be blank.`);
  }
  const length = characterCount(value);
  if (length > bounds.maxLength) {
    return invalid(
      field,
      'text-too-long',
      `${label} can be at most ${bounds.maxLength} characters long; it is ${length}.`,
    );
  }
  return undefined;
}

export function checkOptionalText(field: string, label: string, value: unknown, bounds: TextBounds): Check {
  return value === undefined ? undefined : checkText(field, label, value, bounds);
}

export function checkId(field: string, label: string, value: unknown): Check {
  return checkText(field, label, value, LIMITS.id);
}

const PERSON_ID_SHAPE = new RegExp(LIMITS.personId.pattern);

/** A person id (an employee identifier); the value is never repeated in the message, it may be mistyped personal data. */
export function checkPersonId(field: string, label: string, value: unknown): Check {
  const textCheck = checkText(field, label, value, LIMITS.personId);
  if (textCheck) return textCheck;
  if (!PERSON_ID_SHAPE.test(value as string)) {
    return invalid(field, 'person-id-format', `${label} may contain only letters, digits and the characters - _ . : @.`);
  }
  return undefined;
}

export function checkWholeNumber(field: string, label: string, value: unknown, bounds: NumberBounds): Check {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return invalid(field, 'whole-number-required', `${label} must be a whole number; got ${describe(value)}.`);
  }
  return checkRange(field, label, value, bounds);
}

export function checkNumber(field: string, label: string, value: unknown, bounds: NumberBounds): Check {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(field, 'number-required', `${label} must be a number; got ${describe(value)}.`);
  }
  return checkRange(field, label, value, bounds);
}

function checkRange(field: string, label: string, value: number, bounds: NumberBounds): Check {
  if (value < bounds.min || value > bounds.max) {
    return invalid(
      field,
      'number-out-of-range',
      `${label} must be between ${bounds.min} and ${bounds.max}; got ${value}.`,
    );
  }
  return undefined;
}

export function checkBoolean(field: string, label: string, value: unknown): Check {
  if (typeof value === 'boolean') return undefined;
  return invalid(field, 'boolean-required', `${label} must be true or false; got ${describe(value)}.`);
}

export function checkOneOf(field: string, label: string, value: unknown, options: readonly string[]): Check {
  if (typeof value === 'string' && options.includes(value)) return undefined;
  return invalid(
    field,
    'unknown-value',
    `${label} must be one of ${options.join(', ')}; got ${describe(value)}.`,
  );
}

export function checkDate(field: string, label: string, value: unknown): Check {
  if (isCalendarDate(value)) return undefined;
  return invalid(field, 'date-required', `${label} must be a calendar date written YYYY-MM-DD; got ${describe(value)}.`);
}

interface ListBounds {
  readonly min?: number;
  readonly max: number;
}

/**
 * A list of short texts: its size, each item's length, and no item twice (ignoring case and surrounding spaces).
 */
export function checkTextList(
  field: string,
  label: string,
  value: unknown,
  size: ListBounds,
  item: TextBounds,
): Check {
  if (!Array.isArray(value)) return invalid(field, 'list-required', `${label} must be a list.`);
  const list: readonly unknown[] = value;
  const sizeCheck = checkListSize(field, label, list, size);
  if (sizeCheck) return sizeCheck;
  const itemCheck = firstViolation(
    ...list.map((entry, index) => checkText(`${field}[${index}]`, `Each of ${lowerFirst(label)}`, entry, item)),
  );
  if (itemCheck) return itemCheck;
  return checkNoRepeats(field, label, list as readonly string[]);
}

/** A list whose every item is one of a fixed vocabulary, each at most once. */
export function checkChoiceList(
  field: string,
  label: string,
  value: unknown,
  size: ListBounds,
  options: readonly string[],
): Check {
  if (!Array.isArray(value)) return invalid(field, 'list-required', `${label} must be a list.`);
  const list: readonly unknown[] = value;
  const sizeCheck = checkListSize(field, label, list, size);
  if (sizeCheck) return sizeCheck;
  const itemCheck = firstViolation(
    ...list.map((entry, index) => checkOneOf(`${field}[${index}]`, `Each of ${lowerFirst(label)}`, entry, options)),
  );
  if (itemCheck) return itemCheck;
  return checkNoRepeats(field, label, list as readonly string[]);
}

export function checkListSize(field: string, label: string, value: readonly unknown[], size: ListBounds): Check {
  const min = size.min ?? 0;
  if (value.length < min) {
    return invalid(field, 'too-few-items', `${label} needs at least ${min} ${min === 1 ? 'entry' : 'entries'}; got ${value.length}.`);
  }
  if (value.length > size.max) {
    return invalid(field, 'too-many-items', `${label} can have at most ${size.max} entries; got ${value.length}.`);
  }
  return undefined;
}

function checkNoRepeats(field: string, label: string, value: readonly string[]): Check {
  const seen = new Set<string>();
  for (const entry of value) {
    const key = entry.trim().toLowerCase();
    if (seen.has(key)) return invalid(field, 'repeated-item', `${label} lists "${entry}" more than once.`);
    seen.add(key);
  }
  return undefined;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}
