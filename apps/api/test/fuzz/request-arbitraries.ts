import fc from 'fast-check';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { ContractOperation, SchemaNode, pathParameterNames } from './contract-operations';
import { Doc, DocPath, Verbatim, isDocObject, jsonText, nodesOf, objectOf, pathText, setAt } from './json-text';
import { WireRequest } from './raw-http';

// ---------- What the fuzz knows of the running API ----------

export type RoleToken = 'admin' | 'nonMember' | 'analyst' | 'auditor' | 'adminElsewhere';
export type MemberToken = 'mentor' | 'mentee' | 'analystAndParticipant' | 'mentorElsewhere';

/** Real ids by the name a path parameter or body field gives them (programId, pairId, mentorId, givenBy…). */
export type FuzzIds = Readonly<Record<string, readonly string[]>>;

/** A real running pair (with an objective and a session) and its members' tokens. */
export interface FuzzPair {
  readonly ids: FuzzIds;
  readonly tokens: Readonly<Record<MemberToken, string>>;
}

/** What the fuzz works on, set up once through the API before it starts. */
export interface FuzzWorld {
  /** Several running pairs, each in its own program: a valid close or withdrawal ends one of them, not the run. */
  readonly pairs: readonly FuzzPair[];
  readonly tokens: Readonly<Record<RoleToken, string>>;
  readonly organization: string;
  /** Signs hand-written JWT header and claims text (HS256); absent when the API only takes provider keys. */
  readonly sign?: (headerJson: string, claimsJson: string) => string;
  /** X-Min-Position values the read models have reached: a later one would make a query wait and answer 503. */
  readonly reachedPositions: readonly string[];
}

// ---------- A request being built, and the request as sent ----------

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly doc: Doc }
  | { readonly kind: 'bytes'; readonly bytes: Buffer; readonly shown: string };

interface Encoding {
  readonly header: string;
  readonly apply: (bytes: Buffer) => Buffer;
  readonly shown: string;
}

export interface Draft {
  readonly operation: ContractOperation;
  /** The running pair whose ids the request uses. */
  readonly pair: FuzzPair;
  /** Path parameters as they go in the path (already percent-encoded). */
  readonly pathParams: Readonly<Record<string, string>>;
  /** Query items as they go in the query string (already percent-encoded). */
  readonly query: ReadonlyArray<readonly [string, string | undefined]>;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Body;
  readonly framing: 'length' | 'chunked';
  readonly encoding?: Encoding;
  /** What the mutations did, in words: the first line of a failure report. */
  readonly notes: readonly string[];
}

export interface Mutation {
  readonly apply: (draft: Draft) => Draft;
}

/** Writes control and non-ASCII characters as escapes, so a report shows exactly what was sent. */
export const printable = (text: string, max = 600) => {
  const escaped = text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}… (${escaped.length} characters in all)` : escaped;
};

/** One fuzz request: what the wire gets, and a readable account of it for fast-check's report. */
export class FuzzRequest {
  constructor(
    readonly operation: ContractOperation,
    readonly wire: WireRequest,
    readonly notes: readonly string[],
    private readonly bodyShown: string,
  ) {}

  toString(): string {
    return [
      `${this.operation.id}: ${printable(this.notes.join(' + '), 400) || 'a valid request'}`,
      `${this.wire.method} ${printable(this.wire.target, 300)}`,
      ...this.wire.headers.map(([name, value]) => `${name}: ${printable(value, 200)}`),
      ...(this.wire.framing === 'chunked' ? ['Transfer-Encoding: chunked'] : []),
      this.wire.body === undefined ? '(no body)' : `\n${this.bodyShown}`,
    ].join('\n');
  }

  [fc.toStringMethod](): string {
    return `\n${this.toString()}\n`;
  }
}

export function toRequest(draft: Draft): FuzzRequest {
  const path = draft.operation.path.replace(/\{(\w+)\}/g, (_, name: string) => draft.pathParams[name]);
  const query = draft.query.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join('&');
  let bytes: Buffer | undefined;
  let shown = '';
  if (draft.body.kind === 'json') {
    const text = jsonText(draft.body.doc);
    bytes = Buffer.from(text, 'utf8');
    shown = printable(text);
  } else if (draft.body.kind === 'bytes') {
    bytes = draft.body.bytes;
    shown = draft.body.shown;
  }
  const headers = [...draft.headers];
  if (draft.encoding) {
    bytes = draft.encoding.apply(bytes ?? Buffer.alloc(0));
    shown = `${draft.encoding.shown} of: ${shown}`;
    headers.push(['Content-Encoding', draft.encoding.header]);
  }
  return new FuzzRequest(
    draft.operation,
    { method: draft.operation.method, target: query ? `${path}?${query}` : path, headers, body: bytes, framing: draft.framing },
    draft.notes,
    shown,
  );
}

const noted = (draft: Draft, note: string, change: Partial<Draft> = {}): Draft => ({ ...draft, ...change, notes: [...draft.notes, note] });

const withoutHeader = (headers: Draft['headers'], name: string) => headers.filter(([other]) => other.toLowerCase() !== name.toLowerCase());
const withHeader = (headers: Draft['headers'], name: string, value: string) => [...withoutHeader(headers, name), [name, value] as const];
const hasHeader = (headers: Draft['headers'], name: string) => headers.some(([other]) => other.toLowerCase() === name.toLowerCase());

/** The draft's JSON document, or an empty object for a draft that had none, sent as JSON. */
function jsonDraft(draft: Draft): { doc: Doc; headers: Draft['headers'] } {
  const doc = draft.body.kind === 'json' ? draft.body.doc : objectOf([]);
  const headers = hasHeader(draft.headers, 'Content-Type') ? draft.headers : withHeader(draft.headers, 'Content-Type', 'application/json');
  return { doc, headers };
}

const withDoc = (draft: Draft, note: string, doc: Doc): Draft =>
  noted(draft, note, { body: { kind: 'json', doc }, headers: jsonDraft(draft).headers });

const withBytes = (draft: Draft, note: string, bytes: Buffer, shown: string): Draft =>
  noted(draft, note, { body: { kind: 'bytes', bytes, shown }, headers: jsonDraft(draft).headers });

/** The body's bytes as they stand (a JSON document written out), or `{}` for a draft without one. */
function bodyBytes(draft: Draft): { bytes: Buffer; shown: string } {
  if (draft.body.kind === 'bytes') return { bytes: draft.body.bytes, shown: draft.body.shown };
  const text = jsonText(jsonDraft(draft).doc);
  return { bytes: Buffer.from(text, 'utf8'), shown: printable(text) };
}

const pick = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

// ---------- Valid requests, from the document ----------

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A day that fits the running pair's program (it started 30 days ago, ends in 180), by what the field means. */
const USUAL_DAY: Readonly<Record<string, number>> = { startsOn: -30, endsOn: 180, completedOn: 0, targetDate: 60, heldOn: 0, dueOn: 7 };

const dayFor = (field: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(daysFromToday(USUAL_DAY[field] ?? 0)) },
    { weight: 1, arbitrary: fc.integer({ min: -400, max: 400 }).map(daysFromToday) },
  );

const anyId = (ids: FuzzIds) => fc.constantFrom(...new Set(Object.values(ids).flat()));

/** A real id for a field or parameter that names one (a client-chosen `id` is new), else any real or new id. */
function idFor(field: string, ids: FuzzIds): fc.Arbitrary<string> {
  if (field === 'id') return fc.uuid({ version: 4 });
  const known = ids[field];
  if (known) return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.uuid({ version: 4 }) });
  return fc.oneof(anyId(ids), fc.uuid({ version: 4 }));
}

const emailAddress = fc.tuple(fc.stringMatching(/^[a-z]{2,10}$/), fc.nat(999_999)).map(([name, n]) => `${name}.${n}@example.com`);

const plainText = (minLength: number, maxLength: number) =>
  fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength, maxLength }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    )
    .filter((text) => minLength === 0 || text.trim().length > 0);

const typesOf = (schema: SchemaNode): string[] => [schema.type ?? []].flat();

/** Any value the schema allows (its constraints, not the program rules: those answer 409, which is fine). */
export function valueOf(schema: SchemaNode, ids: FuzzIds, field = ''): fc.Arbitrary<Doc> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as Doc[]));
  if (schema.const !== undefined) return fc.constant(schema.const as Doc);
  const variants = (schema.anyOf ?? schema.oneOf) as SchemaNode[] | undefined;
  if (variants) return fc.oneof(...variants.map((variant) => valueOf(variant, ids, field)));
  const [type] = typesOf(schema);
  switch (type) {
    case 'string': {
      if (schema.format === 'date') return dayFor(field);
      if (schema.format === 'uuid') return idFor(field, ids);
      if (schema.format === 'email') return emailAddress;
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? 200));
      const minLength = schema.minLength ?? 0;
      return plainText(minLength, Math.min(schema.maxLength ?? 40, minLength + 40));
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const constraints = { minLength, maxLength: Math.min(schema.maxItems ?? minLength + 3, minLength + 3) };
      const item = valueOf(schema.items ?? {}, ids, field);
      return schema.uniqueItems ? fc.uniqueArray(item, { ...constraints, selector: (value) => jsonText(value) }) : fc.array(item, constraints);
    }
    case 'object': {
      const properties = Object.entries((schema.properties ?? {}) as SchemaNode);
      const required: string[] = schema.required ?? [];
      return fc
        .tuple(
          ...properties.map(([name, property]) => {
            const entry = valueOf(property, ids, name).map((value) => [name, value] as const);
            return required.includes(name) ? entry : fc.option(entry, { nil: undefined });
          }),
        )
        .map((entries) => objectOf(entries.filter((entry): entry is readonly [string, Doc] => entry !== undefined)));
    }
    default:
      return fc.constant(null);
  }
}

/** A documented example made current: dates moved to days that fit, ids to real ones, some fields regenerated. */
function fromExample(example: Doc, schema: SchemaNode, ids: FuzzIds, field = ''): fc.Arbitrary<Doc> {
  if (typeof example === 'string' && ['date', 'uuid', 'email'].includes(schema.format)) return valueOf(schema, ids, field);
  if (Array.isArray(example) && schema.items) return fc.tuple(...example.map((item) => fromExample(item, schema.items, ids, field)));
  if (isDocObject(example) && schema.properties) {
    return fc
      .tuple(
        ...Object.keys(example).map((key) => {
          const property = schema.properties[key] as SchemaNode | undefined;
          const value = property
            ? fc.oneof({ weight: 4, arbitrary: fromExample(example[key], property, ids, key) }, { weight: 1, arbitrary: valueOf(property, ids, key) })
            : fc.constant(example[key]);
          return value.map((child) => [key, child] as const);
        }),
      )
      .map(objectOf);
  }
  return fc.constant(example);
}

function validQuery(operation: ContractOperation, ids: FuzzIds): fc.Arbitrary<Draft['query']> {
  const items = operation.parameters
    .filter((parameter) => parameter.in === 'query')
    // An opaque text (a cursor) is only valid as an answer gave it: valid requests leave it out.
    .filter((parameter) => !(typesOf(parameter.schema).includes('string') && !parameter.schema.enum && !parameter.schema.format))
    .map((parameter) =>
      fc.option(
        valueOf(parameter.schema, ids, parameter.name).map((value) => [parameter.name, encodeURIComponent(String(value))] as const),
        { nil: undefined, freq: 2 },
      ),
    );
  return fc.tuple(...items).map((entries) => entries.filter((entry): entry is readonly [string, string] => entry !== undefined));
}

function validHeaders(operation: ContractOperation, world: FuzzWorld, ids: FuzzIds): fc.Arbitrary<Draft['headers']> {
  const items = operation.parameters
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => {
      // A position is valid once the read models reached it; a key must be new, or it replays or clashes (422).
      const value =
        parameter.name === 'X-Min-Position'
          ? fc.constantFrom(...world.reachedPositions)
          : parameter.name === 'Idempotency-Key'
            ? fc.uuid({ version: 4 })
            : (valueOf(parameter.schema, ids, parameter.name) as fc.Arbitrary<string>);
      // If-Match rarely: a revision picked at random is stale (412) nearly always.
      const weight = parameter.name === 'If-Match' ? 1 : 4;
      return fc.oneof(
        { weight: 12 - weight, arbitrary: fc.constant(undefined) },
        { weight, arbitrary: value.map((text) => [parameter.name, String(text)] as const) },
      );
    });
  return fc.tuple(...items).map((entries) => entries.filter((entry): entry is readonly [string, string] => entry !== undefined));
}

function validBody(operation: ContractOperation, ids: FuzzIds): fc.Arbitrary<Body> {
  if (!operation.body) return fc.constant({ kind: 'none' });
  const { schema, examples } = operation.body;
  const fromDocument =
    examples.length > 0
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...(examples as Doc[])).chain((example) => fromExample(example, schema, ids)) },
          { weight: 1, arbitrary: valueOf(schema, ids) },
        )
      : valueOf(schema, ids);
  return fromDocument.map((doc) => ({ kind: 'json', doc }));
}

/** A request the document calls valid: real ids, an admin's token, documented parameters and a body from the examples. */
export function validDraft(operation: ContractOperation, world: FuzzWorld): fc.Arbitrary<Draft> {
  return fc.constantFrom(...world.pairs).chain((pair) => validDraftOn(operation, world, pair));
}

function validDraftOn(operation: ContractOperation, world: FuzzWorld, pair: FuzzPair): fc.Arbitrary<Draft> {
  const pathParams = Object.fromEntries(pathParameterNames(operation).map((name) => [name, idFor(name, pair.ids)]));
  return fc
    .record({
      pathParams: fc.record(pathParams),
      query: validQuery(operation, pair.ids),
      headers: validHeaders(operation, world, pair.ids),
      body: validBody(operation, pair.ids),
    })
    .map(
      ({ pathParams: params, query, headers, body }): Draft => ({
        operation,
        pair,
        pathParams: params,
        query,
        headers: [
          ...(operation.authenticated ? [['Authorization', `Bearer ${world.tokens.admin}`] as const] : []),
          ...headers,
          ...(body.kind === 'json' ? [['Content-Type', 'application/json'] as const] : []),
        ],
        body,
        framing: 'length',
        notes: [],
      }),
    );
}

// ---------- Mutations, one family per class of bad input ----------

const mutation = (apply: (draft: Draft) => Draft): Mutation => ({ apply });

/** A node of the body chosen by index: shrinking the index moves towards the body itself and its first fields. */
function nodeOf(draft: Draft, index: number, keep: (node: Doc, path: DocPath) => boolean = () => true) {
  // A body an earlier mutation made into something else than an object starts again from {}, so fields can be set.
  const doc = isDocObject(jsonDraft(draft).doc) ? jsonDraft(draft).doc : objectOf([]);
  return { doc, chosen: pick(nodesOf(doc).filter(({ node, path }) => keep(node, path)), index) };
}

const fieldNodes = (_node: Doc, path: DocPath) => path.length > 0;

const WRONG_TYPES: ReadonlyArray<readonly [string, Doc]> = [
  ['null', null],
  ['a number', 0],
  ['text', 'x'],
  ['true', true],
  ['an empty list', []],
  ['an empty object', {}],
  ['a list holding null', [null]],
  ['an object', objectOf([['a', 1]])],
  ['5,000 characters', 'x'.repeat(5000)],
];

const WHOLE_BODIES: ReadonlyArray<readonly [string, string]> = [
  ['null', 'null'],
  ['an empty list', '[]'],
  ['a list of an object', '[{}]'],
  ['a string', '"a program"'],
  ['a number', '42'],
  ['true', 'true'],
  ['nothing', ''],
  ['only whitespace', ' \n\t '],
  ['a byte-order mark first', '\ufeff{}'],
  ['trailing text', '{}x'],
  ['two documents', '{}{}'],
  ['an unclosed object', '{'],
  ['a key without a value', '{"a":'],
  ['a comment', '/* c */{}'],
  ['single quotes', "{'a':1}"],
  ['a trailing comma', '{"a":1,}'],
  ['a missing colon', '{"a" 1}'],
  ['a NUL byte', '\u0000'],
  ['an unquoted word', 'undefined'],
];

function bodyValueMutations(): fc.Arbitrary<Mutation> {
  const keyNames = fc.oneof(
    fc.constantFrom('extra', 'Name', 'name ', '', ' ', 'a.b', '$where', '0', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'),
    fc.string({ maxLength: 12 }),
  );
  return fc.oneof(
    fc.tuple(fc.nat(), fc.constantFrom(...WRONG_TYPES)).map(([index, [label, value]]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, fieldNodes);
        const path = chosen?.path ?? ['extra'];
        return withDoc(draft, `${pathText(path)} is ${label}`, setAt(doc, path, value));
      }),
    ),
    fc.nat().map((index) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, fieldNodes);
        return chosen ? withDoc(draft, `${pathText(chosen.path)} left out`, setAt(doc, chosen.path, undefined)) : draft;
      }),
    ),
    fc.tuple(fc.nat(), keyNames, fc.constantFrom<Doc>(1, 'x', null, {})).map(([index, key, value]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node) => isDocObject(node));
        const path = [...(chosen?.path ?? []), key];
        return withDoc(draft, `unknown key ${JSON.stringify(key)} at ${pathText(chosen?.path ?? [])}`, setAt(doc, path, value));
      }),
    ),
    fc.tuple(fc.nat(), fc.constantFrom<Doc>(null, 0, 'x', [])).map(([index, value]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node) => isDocObject(node) && Object.keys(node).length > 0);
        if (!chosen || !isDocObject(chosen.node)) return draft;
        const [key] = Object.keys(chosen.node);
        // JSON.parse keeps the last of two equal keys: the second one must be judged like the first.
        const twice = new Verbatim(`${jsonText(chosen.node).slice(0, -1)},${JSON.stringify(key)}:${jsonText(value)}}`);
        return withDoc(draft, `${pathText([...chosen.path, key])} written twice`, setAt(doc, chosen.path, twice));
      }),
    ),
    fc
      .constantFrom(...WHOLE_BODIES)
      .map(([label, text]) => mutation((draft) => withBytes(draft, `the body is ${label}`, Buffer.from(text, 'utf8'), printable(text)))),
    fc.nat().map((cut) =>
      mutation((draft) => {
        const { bytes } = bodyBytes(draft);
        const at = bytes.length > 1 ? 1 + (cut % (bytes.length - 1)) : 0;
        const text = bytes.subarray(0, at).toString('utf8');
        return withBytes(draft, `the body cut after ${at} bytes`, bytes.subarray(0, at), printable(text));
      }),
    ),
    fc.tuple(fc.nat(), fc.constantFrom(101, 2000)).map(([index, count]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node) => Array.isArray(node));
        if (!chosen || !Array.isArray(chosen.node)) return draft;
        const item = chosen.node[0] ?? 0;
        return withDoc(draft, `${pathText(chosen.path)} with ${count} items`, setAt(doc, chosen.path, Array.from({ length: count }, () => item)));
      }),
    ),
  );
}

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const PROTOTYPE_VALUES: ReadonlyArray<readonly [string, Doc]> = [
  ['{}', objectOf([])],
  ['{"polluted":true}', objectOf([['polluted', true]])],
  ['{"prototype":{"polluted":true}}', objectOf([['prototype', objectOf([['polluted', true]])]])],
  ['{"roles":["admin"]}', objectOf([['roles', ['admin']]])],
  ['{"toString":"x"}', objectOf([['toString', 'x']])],
  ['null', null],
  ['"x"', 'x'],
  ['[]', []],
];

function prototypeKeyMutations(): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.nat(), fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom(...PROTOTYPE_VALUES)).map(([index, key, [label, value]]) =>
    mutation((draft) => {
      const { doc, chosen } = nodeOf(draft, index, (node) => isDocObject(node));
      const at = chosen?.path ?? [];
      return withDoc(draft, `own key ${key}: ${label} at ${pathText(at)}`, setAt(doc, [...at, key], value));
    }),
  );
}

const ODD_TEXT: ReadonlyArray<readonly [string, string]> = [
  ['a lone high surrogate', '\ud800'],
  ['a lone low surrogate', '\udfff'],
  ['a reversed surrogate pair', '\udc00\ud800'],
  ['NUL', '\u0000'],
  ['C0 controls', '\u0001\u001b\u001f'],
  ['DEL and C1 controls', '\u007f\u0085\u009f'],
  ['a right-to-left override', '\u202eevil'],
  ['a right-to-left mark', '\u200f'],
  ['bidi isolates', '\u2066x\u2069'],
  ['zero-width characters', '\u200b\u200d\ufeff'],
  ['line separators', '\u2028\u2029'],
  ['an emoji sequence', '\u{1F9D1}\u{1F3FD}\u200d\u{1F3EB}'],
  ['a flag', '\u{1F1EF}\u{1F1F5}'],
  ['combining marks', 'e\u0301\u0302\u0303'],
  ['a stack of 120 combining marks', `Z${'\u0336\u0337\u0338'.repeat(40)}`],
  ['noncharacters', '\ufffe\uffff'],
  ['private-use characters', '\ue000\u{10FFFD}'],
  ['the replacement character', '\ufffd'],
  ['only spaces', '   '],
  ['an ideographic space', '\u3000'],
  ['a no-break space', '\u00a0'],
  ['mathematical letters', '\u{1D518}\u{1D52B}\u{1D526}'],
  ['1,001 emoji', '\u{1F600}'.repeat(1001)],
  ['markup and escapes', '%00<script>&amp;\\u0000'],
];

/** Byte sequences that are not UTF-8: body-parser decodes them to U+FFFD, or should refuse them. */
const INVALID_UTF8: ReadonlyArray<readonly [string, number[]]> = [
  ['a stray continuation byte', [0x80]],
  ['0xFF', [0xff]],
  ['a truncated sequence', [0xc3]],
  ['an overlong slash', [0xc0, 0xaf]],
  ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
];

const MARK = 'MARK-7d1f0c9a';

function oddTextMutations(): fc.Arbitrary<Mutation> {
  const placement = fc.constantFrom('instead of', 'before', 'after', 'inside');
  const place = (where: string, text: string, odd: string) => {
    if (where === 'instead of') return odd;
    if (where === 'before') return odd + text;
    if (where === 'after') return text + odd;
    return text.slice(0, text.length >> 1) + odd + text.slice(text.length >> 1);
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...ODD_TEXT), placement).map(([index, [label, odd], where]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node, path) => typeof node === 'string' && path.length > 0);
        const path = chosen?.path ?? ['name'];
        const text = typeof chosen?.node === 'string' ? chosen.node : '';
        return withDoc(draft, `${label} ${where} ${pathText(path)}`, setAt(doc, path, place(where, text, odd)));
      }),
    ) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...ODD_TEXT)).map(([index, [label, odd]]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node) => isDocObject(node));
        const at = chosen?.path ?? [];
        return withDoc(draft, `a key of ${label} at ${pathText(at)}`, setAt(doc, [...at, `k${odd}`], 'x'));
      }),
    ) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([index, [label, bytes]]) =>
      mutation((draft) => {
        const { doc, chosen } = nodeOf(draft, index, (node, path) => typeof node === 'string' && path.length > 0);
        const path = chosen?.path ?? ['name'];
        const [before, after] = jsonText(setAt(doc, path, MARK)).split(MARK);
        const body = Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')]);
        const hex = bytes.map((byte) => `\\x${byte.toString(16)}`).join('');
        return withBytes(draft, `${label} (bytes ${hex}) in ${pathText(path)}`, body, printable(`${before}${hex}${after}`));
      }),
    ) },
  );
}

const ODD_NUMBERS = [
  '1e308', '-1e308', '1e309', '-0', '9007199254740993', '-9007199254740993', '1e-324', '5e-324', '0.5', '-1', '0',
  '2147483648', '18446744073709551616', `1${'0'.repeat(400)}`, '1.0', '1E2', 'NaN', 'Infinity', '-Infinity', '0x10',
  '+1', '01', '.5', '1.', '"42"', '[1]',
];

function numberMutations(): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.nat(), fc.constantFrom(...ODD_NUMBERS)).map(([index, text]) =>
    mutation((draft) => {
      const numbers = nodeOf(draft, index, (node, path) => typeof node === 'number' && path.length > 0);
      const { doc, chosen } = numbers.chosen ? numbers : nodeOf(draft, index, fieldNodes);
      const path = chosen?.path ?? ['n'];
      const shown = text.length > 40 ? `${text.slice(0, 12)}… (${text.length} digits)` : text;
      return withDoc(draft, `${pathText(path)} is ${shown}`, setAt(doc, path, new Verbatim(text)));
    }),
  );
}

function nestingMutations(): fc.Arbitrary<Mutation> {
  const nesting = (shape: string, depth: number) =>
    shape === 'lists' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return fc.tuple(fc.nat(), fc.constantFrom('lists', 'objects'), fc.constantFrom(5000, 1000, 200, 64, 33)).map(([index, shape, depth]) =>
    mutation((draft) => {
      const { doc, chosen } = nodeOf(draft, index);
      const path = chosen?.path ?? [];
      return withDoc(draft, `${depth} levels of ${shape} at ${pathText(path)}`, setAt(doc, path, new Verbatim(nesting(shape, depth))));
    }),
  );
}

const BAD_DATES = [
  '2026-02-30', '0001-01-01', '9999-12-31', '2026-13-01', '2026-00-10', '2026-1-1', '2026-02-28T00:00:00Z', '20260228',
  '2027-02-29', '1900-02-29', '+002026-01-01', '2026-02-28 ', '', '\uff12\uff10\uff12\uff16-01-01', '2026-02-28\u0000',
];
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BAD_IDS: ReadonlyArray<readonly [string, (id: string) => string]> = [
  ['upper-case', (id) => id.toUpperCase()],
  ['the nil UUID', () => '00000000-0000-0000-0000-000000000000'],
  ['the max UUID', () => 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
  ['in braces', (id) => `{${id}}`],
  ['as a URN', (id) => `urn:uuid:${id}`],
  ['with a trailing newline', (id) => `${id}\n`],
  ['without dashes', (id) => id.replace(/-/g, '')],
  ['one character short', (id) => id.slice(0, -1)],
  ['of version 0', (id) => `${id.slice(0, 14)}0${id.slice(15)}`],
  ['not a UUID', () => 'not-a-uuid'],
];

function dateAndIdMutations(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.tuple(fc.nat(), fc.constantFrom(...BAD_DATES)).map(([index, bad]) =>
      mutation((draft) => {
        const dates = nodeOf(draft, index, (node, path) => typeof node === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node) && path.length > 0);
        const { doc, chosen } = dates.chosen ? dates : nodeOf(draft, index, fieldNodes);
        const path = chosen?.path ?? ['heldOn'];
        return withDoc(draft, `${pathText(path)} is the day ${JSON.stringify(bad)}`, setAt(doc, path, bad));
      }),
    ),
    fc.tuple(fc.nat(), fc.constantFrom(...BAD_IDS)).map(([index, [label, change]]) =>
      mutation((draft) => {
        const ids = nodeOf(draft, index, (node, path) => typeof node === 'string' && UUID_TEXT.test(node) && path.length > 0);
        const { doc, chosen } = ids.chosen ? ids : nodeOf(draft, index, fieldNodes);
        const path = chosen?.path ?? ['id'];
        const id = typeof chosen?.node === 'string' && UUID_TEXT.test(chosen.node) ? chosen.node : '6f1c2a9e-3b4d-4c8e-9a7f-2d5e8b1c0a34';
        return withDoc(draft, `${pathText(path)} is an id ${label}`, setAt(doc, path, change(id)));
      }),
    ),
  );
}

/** A character below U+0100 is one byte on the wire: UTF-8 text goes in as its bytes. */
const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

function headerMutations(world: FuzzWorld, positionPattern: RegExp): fc.Arbitrary<Mutation> {
  const positions = ['abc', '1/', '/1', '-2/0', '1/2/3', '0x1/0', ' ', '', '1.5/0', '1e3/0', '\u00ff/0', utf8Bytes('\uff11/\uff12'), '-1/-2', '1/-0'];
  // A well-formed position the read models have not reached is valid: the query would wait, then answer 503.
  const badPositions = positions.filter((value) => !positionPattern.test(value.trim()));
  const values: ReadonlyArray<readonly [string, readonly string[]]> = [
    // NUL and DEL are refused by node's HTTP parser itself, before any of the API's code runs.
    ['Idempotency-Key', ['', 'k'.repeat(201), 'k'.repeat(200), ' ', 'a\tb', '\u00ff\u0080', '\u0000', 'a\u0000b', '\u007f', utf8Bytes('\u{1F511}'), 'a key']],
    ['If-Match', ['', '*', 'W/"x"', '"1", "2"', '"99999999999999999999"', '"-1"', '"1', 'garbage', '"9999999999999999999"', 'W/"0"', '\u00ff']],
    ['X-Correlation-Id', ['', ' ', 'a b', 'x'.repeat(201), '\u00e9', '../../etc', '\u0000', 'a,b']],
    ['X-Min-Position', badPositions],
    ['Accept', ['application/xml', 'text/html;q=0.1', '*/*;q=0']],
    ['Accept-Charset', ['latin1']],
    ['Accept-Encoding', ['br;q=2, gzip;q=-1']],
    ['Expect', ['100-continue']],
    ['X-Forwarded-For', ['garbage, ::1', '1.2.3.4']],
    ['Range', ['bytes=0-1']],
    ['If-None-Match', ['*', '"0"', 'W/"x"']],
    ['If-Modified-Since', ['Thu, 01 Jan 2099 00:00:00 GMT', 'garbage']],
    ['Cookie', ['a=b; __proto__=x']],
    ['Origin', ['http://evil.example']],
    ['X-HTTP-Method-Override', ['DELETE']],
  ];
  const entries = values.flatMap(([name, options]) => options.map((value) => [name, value] as const));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...entries).map(([name, value]) =>
      mutation((draft) => noted(draft, `${name}: ${JSON.stringify(value)}`, { headers: withHeader(draft.headers, name, value) })),
    ) },
    // A header sent twice: node joins most repeated headers with ", " before the API reads them.
    { weight: 1, arbitrary: fc.constantFrom('Idempotency-Key', 'If-Match', 'X-Correlation-Id', 'X-Min-Position', 'Content-Type').chain((name) =>
      fc.constantFrom(...world.reachedPositions, '"1"', 'a', 'application/json').map((second) =>
        mutation((draft) => {
          const first = draft.headers.find(([other]) => other.toLowerCase() === name.toLowerCase())?.[1] ?? 'first';
          return noted(draft, `${name} sent twice`, { headers: [...withoutHeader(draft.headers, name), [name, first], [name, second]] });
        }),
      ),
    ) },
  );
}

const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1',
  'application/json; charset=utf-16', 'application/json; charset=utf-16le', 'application/json; charset=ISO-8859-1',
  'application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'APPLICATION/JSON', 'application/merge-patch+json',
  'application/json; charset=bogus', 'application/json; charset=', 'application/jsonx', '*/*', '', 'application/json, text/plain',
  'application/problem+json', 'application/json; boundary=x', 'application/json; charset=utf-8; charset=latin1', 'text/json',
];

function contentTypeMutations(): fc.Arbitrary<Mutation> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES).map((type) =>
      mutation((draft) => {
        const { bytes, shown } = bodyBytes(draft);
        return noted(draft, `Content-Type: ${JSON.stringify(type)}`, {
          body: { kind: 'bytes', bytes, shown },
          headers: withHeader(draft.headers, 'Content-Type', type),
        });
      }),
    ) },
    { weight: 1, arbitrary: fc.constantFrom('utf-16le', 'latin1').map((charset) =>
      mutation((draft) => {
        const { doc } = jsonDraft(draft);
        const text = jsonText(setAt(doc, ['name'], 'Ünïcödé'));
        return noted(draft, `the body in ${charset}, declared so`, {
          body: { kind: 'bytes', bytes: Buffer.from(text, charset as BufferEncoding), shown: `${charset} of ${printable(text)}` },
          headers: withHeader(draft.headers, 'Content-Type', `application/json; charset=${charset}`),
        });
      }),
    ) },
    { weight: 1, arbitrary: fc.constant(
      mutation((draft) => {
        const { bytes, shown } = bodyBytes(draft);
        return noted(draft, 'a body without Content-Type', {
          body: { kind: 'bytes', bytes, shown },
          headers: withoutHeader(draft.headers, 'Content-Type'),
        });
      }),
    ) },
    { weight: 1, arbitrary: fc.constant(
      mutation((draft) => {
        const { bytes, shown } = bodyBytes(draft);
        return noted(draft, 'the body chunked', { body: { kind: 'bytes', bytes, shown }, headers: jsonDraft(draft).headers, framing: 'chunked' });
      }),
    ) },
  );
}

// A body that inflates to 2 MB from a few kilobytes: the limit must hold for what is decoded, not what is sent.
let bombCache: Buffer | undefined;
const gzipBomb = () => (bombCache ??= gzipSync(Buffer.from(`{"name":"${'a'.repeat(2 * 1024 * 1024)}"}`)));

const ENCODINGS: ReadonlyArray<Encoding> = [
  { header: 'gzip', shown: 'gzip', apply: (bytes) => gzipSync(bytes) },
  {
    header: 'gzip',
    shown: 'corrupt gzip (a valid header, then noise)',
    apply: (bytes) => Buffer.concat([gzipSync(bytes).subarray(0, 10), Buffer.from('not deflate data at all')]),
  },
  { header: 'gzip', shown: 'gzip cut in half', apply: (bytes) => gzipSync(bytes).subarray(0, Math.max(1, gzipSync(bytes).length >> 1)) },
  { header: 'gzip', shown: 'bytes that are not gzip', apply: (bytes) => bytes },
  { header: 'deflate', shown: 'deflate', apply: (bytes) => deflateSync(bytes) },
  { header: 'deflate', shown: 'raw deflate without its zlib header', apply: (bytes) => deflateRawSync(bytes) },
  { header: 'deflate', shown: 'bytes that are not deflate', apply: (bytes) => Buffer.concat([Buffer.from([0x78, 0x9c]), bytes]) },
  { header: 'br', shown: 'brotli', apply: (bytes) => brotliCompressSync(bytes) },
  { header: 'br', shown: 'bytes that are not brotli', apply: (bytes) => Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), bytes]) },
  { header: 'br', shown: 'gzip labelled brotli', apply: (bytes) => gzipSync(bytes) },
  { header: 'compress', shown: 'plain bytes labelled compress', apply: (bytes) => bytes },
  { header: 'identity', shown: 'identity', apply: (bytes) => bytes },
  { header: 'gzip, gzip', shown: 'gzip twice', apply: (bytes) => gzipSync(gzipSync(bytes)) },
  { header: 'GZIP', shown: 'gzip (upper-case name)', apply: (bytes) => gzipSync(bytes) },
  { header: 'x-gzip', shown: 'gzip as x-gzip', apply: (bytes) => gzipSync(bytes) },
  { header: 'zstd', shown: 'plain bytes labelled zstd', apply: (bytes) => bytes },
  { header: '', shown: 'an empty Content-Encoding', apply: (bytes) => bytes },
  { header: 'gzip', shown: 'a gzip bomb (2 MB inflated) instead', apply: () => gzipBomb() },
];

function contentEncodingMutations(): fc.Arbitrary<Mutation> {
  return fc.constantFrom(...ENCODINGS).map((encoding) =>
    mutation((draft) => {
      const { bytes, shown } = bodyBytes(draft);
      return noted(draft, `Content-Encoding: ${JSON.stringify(encoding.header)} (${encoding.shown})`, {
        body: { kind: 'bytes', bytes, shown },
        headers: jsonDraft(draft).headers,
        encoding,
      });
    }),
  );
}

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const CURSORS = [
  'garbage', '!!!', '', 'x'.repeat(1001), '%00', '%ZZ', '%E0%A4%A', '%F0%9F%98', base64url('{"a":"\u0000"}'),
  base64url('{"__proto__":{"admin":true}}'),
  base64url('{"position":"1e999","id":null}'), base64url('["\ud800"]'), base64url('null'), base64url('{}'), base64url('x'.repeat(700)),
  Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64url'), `${base64url('{"a":1}')}=`, encodeURIComponent('a+b/c=='),
];
const NUMBER_QUERIES = ['1e9', '-1', '0', '1.5', 'abc', '', '101', '0x10', '%205', '5abc', '9'.repeat(30), 'NaN', 'Infinity', '-0', '%00', '1e-9'];
const ODD_QUERIES = [
  'foo=bar', '__proto__=1', '__proto__[admin]=1', 'constructor=x', 'limit[]=1', 'a[b]=c', '%00=1', '=', '&&', 'x=%ZZ',
  'hasOwnProperty=1', `q=${'x'.repeat(5000)}`,
];

function queryValuesFor(schema: SchemaNode): string[] {
  const types = typesOf(schema);
  if (schema.enum) {
    const [first] = schema.enum as string[];
    return ['unknown', first.toUpperCase(), '', `${first}%00`, schema.enum.join(','), `${first}%20`];
  }
  if (types.includes('integer') || types.includes('number')) return NUMBER_QUERIES;
  if (schema.format === 'date') return BAD_DATES.map(encodeURIComponent);
  if (types.includes('boolean')) return ['yes', '2', '', 'TRUE', 'true%00'];
  return CURSORS;
}

function queryMutations(operation: ContractOperation): fc.Arbitrary<Mutation> {
  const documented = operation.parameters.filter((parameter) => parameter.in === 'query');
  const replaced = documented.flatMap((parameter) => queryValuesFor(parameter.schema).map((value) => [parameter.name, value] as const));
  const odd = fc.constantFrom(...ODD_QUERIES).map((raw) =>
    mutation((draft) => {
      const [name, ...value] = raw.split('=');
      return noted(draft, `query ${printable(raw, 60)}`, { query: [...draft.query, [name, value.length ? value.join('=') : undefined] as const] });
    }),
  );
  if (replaced.length === 0) return odd;
  return fc.oneof(
    { weight: 1, arbitrary: odd },
    { weight: 4, arbitrary: fc.constantFrom(...replaced).map(([name, value]) =>
      mutation((draft) =>
        noted(draft, `query ${name}=${printable(value, 60)}`, { query: [...draft.query.filter(([other]) => other !== name), [name, value] as const] }),
      ),
    ) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...documented), fc.constantFrom('1', '2', 'x')).map(([parameter, second]) =>
      mutation((draft) => {
        const first = draft.query.find(([other]) => other === parameter.name)?.[1] ?? '1';
        return noted(draft, `query ${parameter.name} repeated`, {
          query: [...draft.query.filter(([other]) => other !== parameter.name), [parameter.name, first], [parameter.name, second]],
        });
      }),
    ) },
  );
}

const now = () => Math.floor(Date.now() / 1000);

/** Claims written as JSON text by hand, so they can hold what a JWT library would refuse to sign. */
function handMadeClaims(world: FuzzWorld): ReadonlyArray<readonly [string, string, string]> {
  const org = JSON.stringify(world.organization);
  const mentor = JSON.stringify(world.pairs[0].ids.mentorId[0]);
  const claims = (fields: string) => fields.replace(/\$org/g, org).replace(/\$exp/g, String(now() + 3600)).replace(/\$mentor/g, mentor);
  const hs256 = '{"alg":"HS256","typ":"JWT"}';
  return [
    ['expired', hs256, claims(`{"sub":"admin-1","org":$org,"roles":["admin"],"exp":${now() - 3600}}`)],
    ['not yet valid', hs256, claims(`{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp,"nbf":${now() + 3600}}`)],
    ['exp as text', hs256, claims('{"sub":"admin-1","org":$org,"roles":["admin"],"exp":"9999999999"}')],
    ['without exp', hs256, claims('{"sub":"admin-1","org":$org,"roles":["admin"]}')],
    ['with no roles', hs256, claims('{"sub":"admin-1","org":$org,"roles":[],"exp":$exp}')],
    ['with an unknown role', hs256, claims('{"sub":"admin-1","org":$org,"roles":["root"],"exp":$exp}')],
    ['with roles as text', hs256, claims('{"sub":"admin-1","org":$org,"roles":"admin","exp":$exp}')],
    ['with a null role', hs256, claims('{"sub":"admin-1","org":$org,"roles":[null],"exp":$exp}')],
    ['with an empty sub', hs256, claims('{"sub":"","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a numeric sub', hs256, claims('{"sub":42,"org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a 2,000-character sub', hs256, claims(`{"sub":"${'s'.repeat(2000)}","org":$org,"roles":["admin"],"exp":$exp}`)],
    ['with NUL in sub', hs256, claims('{"sub":"admin\\u0000","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a lone surrogate in sub', hs256, claims('{"sub":"\\ud800","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a lone surrogate in a participant sub', hs256, claims('{"sub":"\\udfff","org":$org,"roles":["participant"],"exp":$exp}')],
    ['with a right-to-left override in sub', hs256, claims('{"sub":"\\u202eadmin","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a lone surrogate in org', hs256, claims('{"sub":"admin-1","org":"org-\\ud800","roles":["admin"],"exp":$exp}')],
    ['with NUL in org', hs256, claims('{"sub":"admin-1","org":"org\\u0000","roles":["admin"],"exp":$exp}')],
    ['with an object org', hs256, claims('{"sub":"admin-1","org":{},"roles":["admin"],"exp":$exp}')],
    ['with roles only in __proto__', hs256, claims('{"__proto__":{"roles":["admin"]},"sub":"admin-1","org":$org,"exp":$exp}')],
    ['with roles written twice', hs256, claims('{"sub":$mentor,"org":$org,"roles":["analyst"],"roles":["participant"],"exp":$exp}')],
    ['with claims that are not JSON', hs256, 'not json'],
    ['with claims that are a list', hs256, '["admin"]'],
    ['with claims that are null', hs256, 'null'],
    ['with alg HS512 in its header', '{"alg":"HS512","typ":"JWT"}', claims('{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a crit header', '{"alg":"HS256","crit":["exp"]}', claims('{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a path as kid', '{"alg":"HS256","kid":"../../etc/passwd"}', claims('{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp}')],
    ['with a lone surrogate in its header', '{"alg":"HS256","typ":"\\ud800"}', claims('{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp}')],
    ['of 6 KiB', hs256, claims(`{"sub":"admin-1","org":$org,"roles":["admin"],"exp":$exp,"pad":"${'p'.repeat(6000)}"}`)],
  ];
}

function tokenMutations(world: FuzzWorld): fc.Arbitrary<Mutation> {
  const admin = world.tokens.admin;
  const roles = (Object.keys(world.tokens) as RoleToken[]).map((kind) => [`a token of ${kind}`, `Bearer ${world.tokens[kind]}`] as const);
  const members = Object.keys(world.pairs[0].tokens) as MemberToken[];
  const [header, claims, signature] = admin.split('.');
  const malformed: ReadonlyArray<readonly [string, string | undefined]> = [
    ['no Authorization', undefined],
    ['the scheme alone', 'Bearer'],
    ['an empty token', 'Bearer '],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['a lower-case scheme', `bearer ${admin}`],
    ['two spaces after the scheme', `Bearer  ${admin}`],
    ['the token without a scheme', admin],
    ['a trailing word', `Bearer ${admin} extra`],
    ['a changed signature', `Bearer ${header}.${claims}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`],
    ['a fourth segment', `Bearer ${admin}.extra`],
    ['three empty segments', 'Bearer ..'],
    ['a.b.c', 'Bearer a.b.c'],
    ['an unsigned token (alg none)', `Bearer ${base64url('{"alg":"none","typ":"JWT"}')}.${claims}.`],
    ['a Latin-1 byte', `Bearer ${admin}\u00ff`],
    ['two tokens', `Bearer ${admin}, Bearer ${world.tokens.analyst}`],
  ];
  const sign = world.sign;
  const handMade = sign ? handMadeClaims(world).map(([label, head, body]) => [`a token ${label}`, `Bearer ${sign(head, body)}`] as const) : [];
  const choices: ReadonlyArray<readonly [string, string | undefined]> = [...roles, ...malformed, ...handMade];
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...choices).map(([label, value]) =>
      mutation((draft) =>
        noted(draft, label, {
          headers: value === undefined ? withoutHeader(draft.headers, 'Authorization') : withHeader(draft.headers, 'Authorization', value),
        }),
      ),
    ) },
    // A member of the request's own pair: the participant paths a member may take, and those it may not.
    { weight: 3, arbitrary: fc.constantFrom(...members).map((kind) =>
      mutation((draft) =>
        noted(draft, `a token of the pair's ${kind}`, { headers: withHeader(draft.headers, 'Authorization', `Bearer ${draft.pair.tokens[kind]}`) }),
      ),
    ) },
    { weight: 1, arbitrary: fc.constantFrom(...roles).map(([label, value]) =>
      mutation((draft) => noted(draft, `Authorization twice, then ${label}`, { headers: [...draft.headers, ['Authorization', value]] })),
    ) },
  );
}

function pathIdMutations(operation: ContractOperation, world: FuzzWorld): fc.Arbitrary<Mutation> {
  const names = pathParameterNames(operation);
  // An id of another pair, or of another kind: found elsewhere, it must still answer 404 here.
  const everyId = [...new Set(world.pairs.flatMap((pair) => Object.values(pair.ids).flat()))];
  const garbage: ReadonlyArray<readonly [string, (id: string) => string]> = [
    ['upper-case', (id) => id.toUpperCase()],
    ['the nil UUID', () => '00000000-0000-0000-0000-000000000000'],
    ['the max UUID', () => 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['not a UUID', () => 'not-a-uuid'],
    ['%00', () => '%00'],
    ['a bad percent escape', () => '%ZZ'],
    ['an encoded surrogate', () => '%ED%A0%80'],
    ['an overlong slash', () => '%C0%AF'],
    ['an emoji', () => '%F0%9F%98%80'],
    ['300 characters', () => 'x'.repeat(300)],
    ['in braces', (id) => `%7B${id}%7D`],
    ['with a newline', (id) => `${id}%0A`],
    ['with a space', (id) => `${id}%20`],
    ['..', () => '..'],
    ['an encoded slash', (id) => `${id.slice(0, 8)}%2F${id.slice(9)}`],
    ['__proto__', () => '__proto__'],
    ['constructor', () => 'constructor'],
    ['-0', () => '-0'],
  ];
  return fc.oneof(
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom(...garbage)).map(([name, [label, change]]) =>
      mutation((draft) => noted(draft, `${name} ${label}`, { pathParams: { ...draft.pathParams, [name]: change(draft.pathParams[name]) } })),
    ) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...names), fc.oneof(fc.uuid(), fc.constantFrom(...everyId))).map(([name, id]) =>
      mutation((draft) => noted(draft, `${name} is another id (${id})`, { pathParams: { ...draft.pathParams, [name]: id } })),
    ) },
  );
}

// ---------- The classes ----------

/** The statuses of body, rate and load limits are documented on /v1 routes: bodies are fuzzed there. */
const readsBodies = (operation: ContractOperation) => operation.path.startsWith('/v1/');

export interface MutationClass {
  readonly name: string;
  readonly appliesTo: (operation: ContractOperation) => boolean;
  readonly mutations: (operation: ContractOperation, world: FuzzWorld) => fc.Arbitrary<Mutation>;
  /** How many mutations one request stacks at most (default 2). */
  readonly maxMutations?: number;
}

/** The classes of bad input, each fuzzed on its own so that a failure names its class; the last mixes them. */
export function mutationClasses(positionPattern: RegExp): MutationClass[] {
  const always = () => true;
  const valid: MutationClass = {
    name: 'valid requests (no mutation)',
    appliesTo: always,
    mutations: () => fc.constant(mutation((draft) => draft)),
    maxMutations: 1,
  };
  const classes: MutationClass[] = [
    {
      name: 'body values (wrong types, nulls, unknown and repeated keys, broken JSON)',
      appliesTo: readsBodies,
      mutations: () => bodyValueMutations(),
    },
    { name: 'prototype keys', appliesTo: readsBodies, mutations: () => prototypeKeyMutations() },
    { name: 'odd Unicode', appliesTo: readsBodies, mutations: () => oddTextMutations() },
    { name: 'huge and tiny numbers', appliesTo: readsBodies, mutations: () => numberMutations() },
    { name: 'deep nesting', appliesTo: readsBodies, mutations: () => nestingMutations() },
    { name: 'bad dates and ids in bodies', appliesTo: readsBodies, mutations: () => dateAndIdMutations() },
    { name: 'odd headers', appliesTo: always, mutations: (_operation, world) => headerMutations(world, positionPattern) },
    { name: 'content types and charsets', appliesTo: readsBodies, mutations: () => contentTypeMutations() },
    { name: 'content encodings', appliesTo: readsBodies, mutations: () => contentEncodingMutations() },
    { name: 'query strings', appliesTo: always, mutations: (operation) => queryMutations(operation) },
    {
      name: 'tokens of every role, other organizations, expired and malformed',
      appliesTo: always,
      mutations: (_operation, world) => tokenMutations(world),
    },
    {
      name: 'path ids',
      appliesTo: (operation) => pathParameterNames(operation).length > 0,
      mutations: (operation, world) => pathIdMutations(operation, world),
    },
  ];
  const mixed: MutationClass = {
    name: 'several at once',
    appliesTo: always,
    mutations: (operation, world) =>
      fc.oneof(...classes.filter((candidate) => candidate.appliesTo(operation)).map((candidate) => candidate.mutations(operation, world))),
    maxMutations: 4,
  };
  return [valid, ...classes, mixed];
}

/** Requests of one class: an operation of the document, a valid request for it, then one or more mutations. */
export function requestsOf(mutationClass: MutationClass, operations: readonly ContractOperation[], world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const applicable = operations.filter(mutationClass.appliesTo);
  const maxLength = mutationClass.maxMutations ?? 2;
  return fc
    .constantFrom(...applicable)
    .chain((operation) => fc.tuple(validDraft(operation, world), fc.array(mutationClass.mutations(operation, world), { minLength: 1, maxLength })))
    .map(([draft, mutations]) => toRequest(mutations.reduce((changed, next) => next.apply(changed), draft)));
}
