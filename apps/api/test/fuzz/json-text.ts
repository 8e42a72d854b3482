/**
 * JSON bodies as the fuzz writes them: plain values plus Verbatim fragments for what JSON.stringify cannot or will
 * not write (-0, 1e309, 5,000 levels of nesting, duplicate keys, NaN as text). Objects may hold an own `__proto__`
 * key: every copy here defines properties instead of assigning them, so the key stays data.
 */
export class Verbatim {
  constructor(readonly text: string) {}
}

export type Doc = null | boolean | number | string | Verbatim | Doc[] | { [key: string]: Doc };
export type DocPath = ReadonlyArray<string | number>;

export const isDocObject = (doc: Doc | undefined): doc is { [key: string]: Doc } =>
  typeof doc === 'object' && doc !== null && !Array.isArray(doc) && !(doc instanceof Verbatim);

/** An object built from entries by definition, so that `__proto__` is an ordinary own key. */
export function objectOf(entries: ReadonlyArray<readonly [string, Doc]>): { [key: string]: Doc } {
  const object: { [key: string]: Doc } = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** The JSON text of a document; strings go through JSON.stringify, which writes lone surrogates as \ud800 escapes. */
export function jsonText(doc: Doc): string {
  if (doc instanceof Verbatim) return doc.text;
  if (Array.isArray(doc)) return `[${doc.map(jsonText).join(',')}]`;
  if (isDocObject(doc)) return `{${Object.keys(doc).map((key) => `${JSON.stringify(key)}:${jsonText(doc[key])}`).join(',')}}`;
  return JSON.stringify(doc);
}

/** Every node of the document with its path, the root first. */
export function nodesOf(doc: Doc, path: DocPath = []): Array<{ path: DocPath; node: Doc }> {
  const here = [{ path, node: doc }];
  if (Array.isArray(doc)) return [...here, ...doc.flatMap((child, index) => nodesOf(child, [...path, index]))];
  if (isDocObject(doc)) return [...here, ...Object.keys(doc).flatMap((key) => nodesOf(doc[key], [...path, key]))];
  return here;
}

/** A copy of the document with the node at `path` replaced; `undefined` removes it. */
export function setAt(doc: Doc, path: DocPath, value: Doc | undefined): Doc {
  if (path.length === 0) return value === undefined ? null : value;
  const [head, ...rest] = path;
  if (Array.isArray(doc) && typeof head === 'number') {
    const copy = [...doc];
    if (rest.length === 0 && value === undefined) copy.splice(head, 1);
    else copy[head] = setAt(doc[head] ?? null, rest, value);
    return copy;
  }
  if (isDocObject(doc) && typeof head === 'string') {
    const keys = Object.keys(doc);
    const changed = (key: string) => (rest.length === 0 ? value : setAt(doc[key], rest, value));
    const entries = keys.map((key): [string, Doc | undefined] => [key, key === head ? changed(key) : doc[key]]);
    if (!keys.includes(head) && value !== undefined) entries.push([head, rest.length === 0 ? value : setAt({}, rest, value)]);
    return objectOf(entries.filter((entry): entry is [string, Doc] => entry[1] !== undefined));
  }
  return doc;
}

/** A printable form of a field path, e.g. `cadence.sessionEveryDays` or `actionItems[0]`. */
export const pathText = (path: DocPath) =>
  path.length === 0 ? '(the body)' : path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('');
