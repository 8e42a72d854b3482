import { NextFunction, Request, RequestHandler, Response } from 'express';
import { FieldProblem, problems } from './problem';

/** How deeply containers may nest in a body; the deepest valid body (a session's action item) is 3. */
export const MAX_BODY_DEPTH = 8;
/** Keys that reach an object's prototype: refused like any unknown field rather than dropped unseen. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// A body with thousands of bad strings gets a short answer.
const MAX_REPORTED = 20;

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only a lone half of one.
const NOT_TEXT = /[\u0000\p{Cs}]/u;
export const TEXT_RULE = 'must be valid Unicode text without NUL characters';

/** True for text PostgreSQL (and JSON consumers) can store: well-formed Unicode without NUL. */
export const isText = (value: string): boolean => !NOT_TEXT.test(value);

/**
 * What is wrong with parsed client input (a JSON body, a query), walked once without recursion: containers nested
 * deeper than MAX_BODY_DEPTH, prototype keys, and keys or strings that are not text. Fields are dotted paths, as
 * validation names them (`cadence.sessionEveryDays`, `actionItems.0.description`); values are never echoed.
 */
export function inputProblems(input: unknown, whole: 'body' | 'query'): FieldProblem[] {
  const found: FieldProblem[] = [];
  const pending: { value: unknown; field: string; depth: number }[] = [{ value: input, field: '', depth: 1 }];
  while (pending.length > 0 && found.length < MAX_REPORTED) {
    const { value, field, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (!isText(value)) found.push({ field: field || whole, message: `${field || whole} ${TEXT_RULE}` });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) {
      found.push({ field: field || whole, message: `${field || whole} nests deeper than ${MAX_BODY_DEPTH} levels` });
      continue;
    }
    const children: typeof pending = [];
    for (const [key, child] of Object.entries(value)) {
      const path = field ? `${field}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) found.push({ field: path, message: `property ${key} should not exist` });
      else if (!isText(key)) found.push({ field: field || whole, message: `field names ${TEXT_RULE}` });
      else children.push({ value: child, field: path, depth: depth + 1 });
    }
    // Reversed onto the stack, so fields are reported in the order they were sent.
    for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index]);
  }
  return found.slice(0, MAX_REPORTED);
}

/** One gate for the parsed body and the query, before anything else reads them: a 400 naming each bad field. */
export function gateRequestInput(): RequestHandler {
  return (request: Request, _response: Response, next: NextFunction) => {
    const found = [...inputProblems(request.query, 'query'), ...inputProblems(request.body, 'body')];
    next(found.length > 0 ? problems.invalidRequest(found.slice(0, MAX_REPORTED)) : undefined);
  };
}
