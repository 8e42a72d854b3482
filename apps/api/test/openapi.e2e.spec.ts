import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PARAMTYPES_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { getMetadataStorage } from 'class-validator';
import type { Response } from 'supertest';
import { parse } from 'yaml';
import {
  ADMIN_PAIR_END_REASONS,
  FIT_ANSWERS,
  FOCUS_AREAS,
  PAIR_END_REASONS,
  PAIR_FLAGS,
  PAIRED_BY,
  PAIRING_RULES,
  PARTICIPANT_ROLES,
  SESSION_FORMATS,
} from '@flipside/domain';
import { EventStoreUnavailableError } from '@flipside/event-store';
import { ALLOWED_ROLES } from '../src/identity/allowed-roles';
import type { Role } from '../src/identity/actor';
import { findOpenApiFile } from '../src/openapi/openapi-document';
import { ApiHarness, examples, runningPair, startApi } from './support/api-harness';
import { catchUpReadModels } from './support/read-models';

/**
 * docs/openapi.yaml is written by hand; this suite holds it to the running API (real app, real PostgreSQL):
 * the routes, roles and statuses match the controllers, every request example is accepted and answered as
 * documented, and every documented constraint is refused by the DTOs with a 400 (and nothing the documented
 * limits allow is refused), so the schemas and the DTOs cannot drift apart unnoticed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
// A JSON Schema or OpenAPI object, read from the YAML: loosely typed on purpose.
type Node = Record<string, any>;

const DOCUMENT_FILE = findOpenApiFile();
const DOCUMENT_TEXT = readFileSync(DOCUMENT_FILE, 'utf8');
const document: Node = parse(DOCUMENT_TEXT);

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly id: string;
  readonly spec: Node;
}

const operations: Operation[] = Object.entries(document.paths as Node).flatMap(([path, item]) =>
  HTTP_METHODS.filter((method) => (item as Node)[method]).map((method) => ({
    method,
    path,
    id: (item as Node)[method].operationId as string,
    spec: (item as Node)[method] as Node,
  })),
);
const operationIds = operations.map((operation) => operation.id);
const byId = (id: string) => operations.find((operation) => operation.id === id)!;

// ---------- Reading the document ----------

const isRecord = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

function pointer(ref: string): Node {
  if (!ref.startsWith('#/')) throw new Error(`Only local references are used in the document; got ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Node>((node, key) => {
      if (!isRecord(node) || !(key in node)) throw new Error(`Unresolved reference ${ref}`);
      return node[key];
    }, document);
}

/** The node with every $ref replaced by what it points at (siblings of a $ref, e.g. description, win). */
function deref<T>(node: T): T {
  if (Array.isArray(node)) return node.map((item) => deref(item)) as T;
  if (!isRecord(node)) return node;
  if (typeof node.$ref === 'string') {
    const { $ref, ...siblings } = node;
    return deref({ ...pointer($ref), ...siblings }) as T;
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(value)])) as T;
}

function requestSchema(operation: Operation): Node | undefined {
  const content = deref(operation.spec.requestBody)?.content as Node | undefined;
  return content?.['application/json']?.schema as Node | undefined;
}

function requestExamples(operation: Operation): Array<[string, JsonObject]> {
  const media = deref(operation.spec.requestBody)?.content?.['application/json'] as Node | undefined;
  if (!media) return [];
  const named = Object.entries((media.examples ?? {}) as Node).map(([name, example]) => [name, example.value] as [string, JsonObject]);
  return media.example === undefined ? named : [['example', media.example as JsonObject], ...named];
}

// ---------- ajv: JSON Schema 2020-12, the dialect of OpenAPI 3.1 ----------

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
// Keywords of the OpenAPI 3.1 base vocabulary, annotations only.
ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
const validators = new Map<string, ValidateFunction>();

function expectValid(schema: Node, value: unknown, what: string): void {
  const inlined = deref(schema);
  const key = JSON.stringify(inlined);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(inlined);
    validators.set(key, validate);
  }
  if (!validate(value)) {
    throw new Error(`${what} does not match its documented schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
  }
}

/** The response has a documented status, content type, body schema and headers, and matches them all. */
function expectDocumentedResponse(operation: Operation, response: Response): void {
  const what = `${operation.id} answered ${response.status}`;
  const documented = deref(operation.spec.responses?.[String(response.status)]) as Node | undefined;
  if (!documented) throw new Error(`${what}, which is not documented; body: ${response.text}`);
  const [mediaType, media] = Object.entries(documented.content as Node)[0] as [string, Node];
  expect(response.headers['content-type']?.split(';')[0]).toBe(mediaType);
  expectValid(media.schema, JSON.parse(response.text), `${what}: the body`);
  for (const [name, header] of Object.entries((documented.headers ?? {}) as Node)) {
    const value = response.headers[name.toLowerCase()];
    if (header.required && value === undefined) throw new Error(`${what} without the documented header ${name}`);
    if (value !== undefined) expectValid(header.schema, value, `${what}: the header ${name}`);
  }
}

// ---------- Values for requests ----------

const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Example dates are fixed in the document; the API judges dates against today (no session in the future, none
 * before the pairing), so each date field is moved to a day that fits a program running from 30 days ago.
 */
const CURRENT_DATES: Record<string, number> = { startsOn: -30, endsOn: 180, completedOn: 0, targetDate: 60, heldOn: 0, dueOn: 7 };

function withCurrentDates(value: Json, schema: Node, field = ''): Json {
  if (schema.format === 'date' && typeof value === 'string') {
    const offset = CURRENT_DATES[field];
    if (offset === undefined) throw new Error(`The date field ${field} needs an entry in CURRENT_DATES`);
    return daysFromToday(offset);
  }
  if (Array.isArray(value) && schema.items) return value.map((item) => withCurrentDates(item, schema.items, field));
  if (isRecord(value) && schema.properties) {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, schema.properties[key] ? withCurrentDates(child as Json, schema.properties[key], key) : child]),
    ) as JsonObject;
  }
  return value;
}

function expandPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`No value for the path parameter ${name} of ${template}`);
    return params[name];
  });
}

const randomParams = (template: string) =>
  Object.fromEntries([...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name, randomUUID()]));

/** A text of exactly `length` code points that satisfies the schema's format (an email address: at most 64 before the @). */
function textOfLength(schema: Node, length: number): string {
  if (schema.format !== 'email') return 'x'.repeat(length);
  const local = 'a'.repeat(Math.min(64, length - 6));
  const labels: string[] = [];
  // Labels of at most 63 characters, each followed by a dot, then "com".
  for (let left = length - local.length - 1 - 4; left > 0; left -= 64) labels.push('b'.repeat(Math.min(63, left)));
  const email = `${local}@${labels.join('.')}.com`;
  if (email.length !== length) throw new Error(`Cannot write an email address of ${length} characters`);
  return email;
}

/** The type of a schema; of a nullable one (`type: [integer, 'null']`), the type besides null. */
const typeOf = (schema: Node): string | undefined =>
  Array.isArray(schema.type) ? (schema.type as string[]).find((type) => type !== 'null') : schema.type;
const isNullable = (schema: Node): boolean => Array.isArray(schema.type) && (schema.type as string[]).includes('null');

/** A valid value for the schema, the simplest there is. */
function sampleOf(schema: Node, index = 0): Json {
  if (schema.enum) return schema.enum[index % schema.enum.length];
  switch (typeOf(schema)) {
    case 'string':
      if (schema.format === 'date') return daysFromToday(0);
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return `someone${index}@example.com`;
      return `${'x'.repeat(Math.max((schema.minLength ?? 1) - String(index).length, 0))}${index}`;
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    case 'array':
      return distinctItems(schema.items, schema.minItems ?? 0);
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((name: string) => [name, sampleOf(schema.properties[name])]));
    default:
      throw new Error(`No sample for ${JSON.stringify(schema)}`);
  }
}

const distinctItems = (itemSchema: Node, count: number): Json[] =>
  Array.from({ length: count }, (_, index) => sampleOf(itemSchema, index));

// ---------- Cases derived from a request schema ----------

interface Case {
  /** What is wrong (or at the limit). */
  readonly label: string;
  /** The field the API must name; for items of a list of texts, the list (class-validator's `each`). */
  readonly field: string;
  readonly value: Json;
}

const join = (parent: string, child: string | number) => (parent ? `${parent}.${child}` : String(child));
const isObjectSchema = (schema: Node | undefined) => schema?.type === 'object';

/** Every way to break one documented constraint of `schema` at `field`, starting from the valid `current`. */
function violations(schema: Node, current: Json, field: string): Case[] {
  const cases: Case[] = [];
  const add = (label: string, value: Json) => cases.push({ label, field, value });
  if (schema.enum) add('not one of its values', 'not-one-of-these');
  switch (typeOf(schema)) {
    case 'string':
      add('not text', 42);
      if ((schema.minLength ?? 0) > 0) add(`shorter than ${schema.minLength}`, 'x'.repeat(schema.minLength - 1));
      if (schema.maxLength !== undefined) add(`longer than ${schema.maxLength}`, textOfLength(schema, schema.maxLength + 1));
      if (schema.format === 'date') {
        add('a day that does not exist', '2026-02-30');
        add('not written YYYY-MM-DD', '2026-2-3');
      }
      if (schema.format === 'uuid') {
        add('not a UUID', 'not-a-uuid');
        if (schema.pattern && !new RegExp(schema.pattern).test('6f1c2a9e-3b4d-0c8e-9a7f-2d5e8b1c0a34')) {
          add('a UUID of version 0', '6f1c2a9e-3b4d-0c8e-9a7f-2d5e8b1c0a34');
        }
      }
      if (schema.format === 'email') add('not an email address', 'not-an-email');
      break;
    case 'integer':
      add('a number written as text', '3');
      add('not a whole number', (schema.minimum ?? 0) + 0.5);
      if (schema.minimum !== undefined) add(`below ${schema.minimum}`, schema.minimum - 1);
      if (schema.maximum !== undefined) add(`above ${schema.maximum}`, schema.maximum + 1);
      break;
    case 'number':
      add('a number written as text', '0.5');
      if (schema.minimum !== undefined) add(`below ${schema.minimum}`, schema.minimum - 0.01);
      if (schema.maximum !== undefined) add(`above ${schema.maximum}`, schema.maximum + 0.01);
      break;
    case 'array': {
      add('not a list', 'not-a-list');
      if ((schema.minItems ?? 0) > 0) add(`fewer than ${schema.minItems} items`, []);
      if (schema.maxItems !== undefined) add(`more than ${schema.maxItems} items`, distinctItems(schema.items, schema.maxItems + 1));
      const items = Array.isArray(current) && current.length > 0 ? current : [sampleOf(schema.items)];
      if (schema.uniqueItems) add('an item twice', [items[0], items[0]]);
      const itemField = isObjectSchema(schema.items) ? join(field, 0) : field;
      for (const item of violations(schema.items, items[0], itemField)) {
        cases.push({ ...item, label: `item 0: ${item.label}`, value: [item.value, ...items.slice(1)] });
      }
      break;
    }
    case 'object': {
      if (field) {
        add('not an object', 'not-an-object');
        add('a list instead of an object', []);
      }
      const base = isRecord(current) ? (current as JsonObject) : (sampleOf(schema) as JsonObject);
      if (schema.additionalProperties === false) {
        cases.push({ label: 'an unknown field', field: join(field, 'unexpectedField'), value: { ...base, unexpectedField: 'surprise' } });
      }
      for (const [name, property] of Object.entries(schema.properties as Node)) {
        const childField = join(field, name);
        if ((schema.required ?? []).includes(name)) {
          const { [name]: _omitted, ...without } = base;
          cases.push({ label: 'missing', field: childField, value: without });
        }
        if (!isNullable(property)) cases.push({ label: 'null', field: childField, value: { ...base, [name]: null } });
        for (const child of violations(property, base[name] ?? sampleOf(property), childField)) {
          cases.push({ ...child, value: { ...base, [name]: child.value } });
        }
      }
      break;
    }
  }
  return cases;
}

/** Values at the edge of each documented constraint: the API must not refuse them as invalid. */
function limits(schema: Node, current: Json, field: string): Case[] {
  const cases: Case[] = [];
  const add = (label: string, value: Json) => cases.push({ label, field, value });
  if (schema.enum) for (const value of schema.enum) add(`the value ${value}`, value);
  if (isNullable(schema)) add('null', null);
  switch (typeOf(schema)) {
    case 'string':
      if (schema.format || schema.enum) break;
      add(`${schema.minLength ?? 0} characters`, 'x'.repeat(schema.minLength ?? 0));
      if (schema.maxLength !== undefined) add(`${schema.maxLength} characters`, textOfLength(schema, schema.maxLength));
      // A pattern (a person id) admits no character outside it, so none outside the BMP either.
      if (schema.maxLength !== undefined && !schema.pattern) add(`${schema.maxLength} characters outside the BMP`, '🙂'.repeat(schema.maxLength));
      break;
    case 'integer':
    case 'number':
      if (schema.minimum !== undefined) add(`${schema.minimum}`, schema.minimum);
      if (schema.maximum !== undefined) add(`${schema.maximum}`, schema.maximum);
      break;
    case 'array': {
      if (schema.minItems !== undefined) add(`${schema.minItems} items`, distinctItems(schema.items, schema.minItems));
      if (schema.maxItems !== undefined) add(`${schema.maxItems} items`, distinctItems(schema.items, schema.maxItems));
      // One item, so that it cannot repeat another (every list here may have a single item).
      expect(schema.minItems ?? 0).toBeLessThanOrEqual(1);
      const item = Array.isArray(current) && current.length > 0 ? current[0] : sampleOf(schema.items);
      const itemField = isObjectSchema(schema.items) ? join(field, 0) : field;
      for (const limit of limits(schema.items, item, itemField)) {
        cases.push({ ...limit, label: `item 0: ${limit.label}`, value: [limit.value] });
      }
      break;
    }
    case 'object': {
      const base = isRecord(current) ? (current as JsonObject) : (sampleOf(schema) as JsonObject);
      for (const [name, property] of Object.entries(schema.properties as Node)) {
        const childField = join(field, name);
        if (!(schema.required ?? []).includes(name) && name in base) {
          const { [name]: _omitted, ...without } = base;
          cases.push({ label: 'absent (optional)', field: childField, value: without });
        }
        for (const child of limits(property, base[name] ?? sampleOf(property), childField)) {
          cases.push({ ...child, value: { ...base, [name]: child.value } });
        }
      }
      break;
    }
  }
  return cases;
}

/**
 * The engagement policy's two relations (documented in its description): a value at one figure's limit is sent with
 * the related figure moved so that the relation holds, as it always can, or the domain would refuse it with a 400.
 */
function withPolicyRelations(value: Json, field: string): Json {
  if (!isRecord(value)) return value;
  const prefix = field.startsWith('engagementPolicy.') ? 'engagementPolicy' : '';
  const policy = (prefix ? (value as JsonObject)[prefix] : value) as JsonObject | undefined;
  if (!isRecord(policy)) return value;
  const figure = field.slice(prefix ? prefix.length + 1 : 0);
  const number = (name: string) => (typeof policy[name] === 'number' ? (policy[name] as number) : undefined);
  const adjusted: JsonObject = { ...policy };
  if (figure === 'stalledAfterDays' && number('stalledAfterDays') !== undefined) {
    adjusted.checkInAfterDays = Math.min(365, number('stalledAfterDays')! - 1);
  }
  if (figure === 'checkInAfterDays' && number('checkInAfterDays') !== undefined) {
    adjusted.stalledAfterDays = Math.max(number('stalledAfterDays') ?? 0, number('checkInAfterDays')! + 1);
  }
  if (figure === 'autoEndAfterDays' && number('autoEndAfterDays') !== undefined) {
    adjusted.warnDaysBefore = Math.min(number('warnDaysBefore') ?? 7, number('autoEndAfterDays')! - 1);
  }
  if (figure === 'warnDaysBefore' && number('warnDaysBefore') !== undefined && policy.autoEndAfterDays !== null) {
    adjusted.autoEndAfterDays = Math.max(number('autoEndAfterDays') ?? 90, number('warnDaysBefore')! + 1);
  }
  return prefix ? { ...value, [prefix]: adjusted } : adjusted;
}

// Every documented constraint is enforced by the DTOs themselves; add an entry here only with a reason.
const KNOWN_DTO_GAPS: Readonly<Record<string, string>> = {};

const caseKey = (operation: Operation, testCase: Case) => `${operation.id} ${testCase.field}: ${testCase.label}`;

// An item of a list (actionItems.0) may be named by its list: class-validator reports `each` rules on the list.
const namesField = (body: Node, field: string) =>
  Array.isArray(body.errors) &&
  [field, field.replace(/\.\d+$/, '')].some((name) =>
    body.errors.some((error: Node) => error.field === name || error.field.startsWith(`${name}.`) || error.field.startsWith(`${name}[`)),
  );

// ---------- The app's routes ----------

type Class = abstract new (...args: never[]) => unknown;

interface Route {
  readonly key: string;
  readonly roles?: string[];
  readonly httpCode?: number;
  /** The class of its @Body() parameter, if it takes one. */
  readonly body?: Class;
}

/** class-transformer's record of @Type(() => Nested): how the DTOs name their nested classes. */
const transformerTypes = (
  require('class-transformer/cjs/storage') as {
    defaultMetadataStorage: { findTypeMetadata(target: Class, property: string): { typeFunction: () => Class } | undefined };
  }
).defaultMetadataStorage;

/** The properties a DTO class validates (its fields), with the nested DTO class of each that has one. */
function dtoFields(dto: Class): Map<string, Class | undefined> {
  const names = getMetadataStorage()
    .getTargetValidationMetadatas(dto as unknown as new () => object, '', true, false)
    .map((metadata) => metadata.propertyName);
  return new Map(names.map((name) => [name, transformerTypes.findTypeMetadata(dto, name)?.typeFunction()]));
}

const toTemplate = (path: string) =>
  `/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}');

/** What express actually serves: METHOD /path/{param}. */
function servedRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance();
  const router = express.router ?? express._router;
  return (router.stack as Node[])
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route.methods as Node)
        .filter((method) => method !== '_all')
        .map((method) => `${method.toUpperCase()} ${toTemplate(layer.route.path)}`),
    );
}

/** What the controllers declare: route, allowed roles, @HttpCode. */
function declaredRoutes(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0] as string;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Node)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler);
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>;
        const bodyArg = Object.entries(args).find(([key]) => key.startsWith(`${RouteParamtypes.BODY}:`))?.[1];
        const paramTypes = (Reflect.getMetadata(PARAMTYPES_METADATA, controller.prototype, name) ?? []) as Class[];
        routes.push({
          key: `${method} ${toTemplate(`${base}/${[path].flat()[0]}`)}`,
          roles: Reflect.getMetadata(ALLOWED_ROLES, handler),
          httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, handler),
          body: bodyArg ? paramTypes[bodyArg.index] : undefined,
        });
      }
    }
  }
  return routes;
}

const isDocsRoute = (key: string) => / \/docs(\/|$)/.test(key);
const documentedKey = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.path}`;

/** Validates with @seriousme/openapi-schema-validator, an ES module: run by node itself, outside jest's module system. */
function validateOpenApi(documentJson: string): Promise<{ valid: boolean; errors?: unknown }> {
  const validatorUrl = pathToFileURL(require.resolve('@seriousme/openapi-schema-validator')).href;
  const script = `
    import { Validator } from ${JSON.stringify(validatorUrl)};
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const result = await new Validator().validate(JSON.parse(text));
    process.stdout.write(JSON.stringify(result));
  `;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`The validator failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin?.end(documentJson);
  });
}

// ---------- The suite ----------

describe('The OpenAPI contract (docs/openapi.yaml) and the running API', () => {
  let api: ApiHarness | undefined;
  beforeAll(async () => {
    // Rate limits off: the suite sends far more than a minute's quota from one token; 429 is checked on its own app.
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '0', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await api?.close();
  });

  const auth = () => ({ Authorization: `Bearer ${api!.token()}` });
  /** A token of a role the operation accepts: the role check comes before the path's. */
  const authAs = (operation: Operation) => {
    const roles: string[] = operation.spec['x-flipside-roles'] ?? ['admin'];
    return { Authorization: `Bearer ${api!.token({ roles: [(roles.includes('admin') ? 'admin' : roles[0]) as Role] })}` };
  };
  const post = (path: string, body?: unknown) => {
    const request = api!.http().post(path).set(auth());
    return body === undefined ? request : request.send(body as object);
  };
  /** A command (POST, or the engagement policy's PUT) with its body. */
  const sendCommand = (operation: Operation, path: string, body?: unknown) => {
    const request = api!.http()[operation.method as 'post' | 'put'](path).set(auth());
    return body === undefined ? request : request.send(body as object);
  };
  const isCommand = (operation: Operation) => operation.method === 'post' || operation.method === 'put';
  async function createdId(path: string, body: object): Promise<string> {
    const response = await post(path, body);
    if (response.status !== 201) throw new Error(`Setting up: POST ${path} answered ${response.status}: ${response.text}`);
    return response.body.id as string;
  }
  async function draftProgramWithParticipants() {
    const programId = await createdId('/v1/programs', examples.program());
    const mentorId = await createdId(`/v1/programs/${programId}/participants`, examples.mentor());
    const menteeId = await createdId(`/v1/programs/${programId}/participants`, examples.mentee());
    return { programId, mentorId, menteeId };
  }
  async function pairWithObjective() {
    const pair = await runningPair(api!);
    const objectiveId = await createdId(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/objectives`, examples.objective());
    return { ...pair, objectiveId };
  }

  async function readScenario(): Promise<Scenario> {
    const { programId, pairId } = await runningPair(api!);
    await catchUpReadModels(api!);
    return { params: { programId, pairId } };
  }

  interface Scenario {
    readonly params: Record<string, string>;
    /** Fields of the example that name things the scenario created (ids), replaced when the example has them. */
    readonly replace?: Record<string, string>;
  }

  /** For each operation: the state its examples need, built through the API itself. */
  const scenarios: Record<string, (example: JsonObject | undefined) => Promise<Scenario>> = {
    live: async () => ({ params: {} }),
    ready: async () => ({ params: {} }),
    createProgram: async () => ({ params: {} }),
    setEngagementPolicy: async () => ({ params: { programId: await createdId('/v1/programs', examples.program()) } }),
    getEngagementPolicy: async () => ({ params: { programId: await createdId('/v1/programs', examples.program()) } }),
    launchProgram: async () => ({ params: { programId: (await draftProgramWithParticipants()).programId } }),
    closeProgram: async () => ({ params: { programId: (await runningPair(api!)).programId } }),
    enrolParticipant: async () => ({ params: { programId: await createdId('/v1/programs', examples.program()) } }),
    withdrawParticipant: async () => {
      const { programId, mentorId } = await runningPair(api!);
      return { params: { programId, participantId: mentorId } };
    },
    recordTraining: async () => {
      const { programId, menteeId } = await runningPair(api!);
      return { params: { programId, participantId: menteeId } };
    },
    pairParticipants: async () => {
      const { programId, mentorId, menteeId } = await draftProgramWithParticipants();
      await post(`/v1/programs/${programId}/launch`).expect(200);
      return { params: { programId }, replace: { mentorId, menteeId } };
    },
    endPair: async () => {
      const { programId, pairId } = await runningPair(api!);
      return { params: { programId, pairId } };
    },
    setObjective: async () => {
      const { programId, pairId } = await runningPair(api!);
      return { params: { programId, pairId } };
    },
    recordObjectiveProgress: async () => ({ params: await pairWithObjective() }),
    achieveObjective: async () => ({ params: await pairWithObjective() }),
    dropObjective: async () => ({ params: await pairWithObjective() }),
    logSession: async () => {
      const { programId, pairId } = await runningPair(api!);
      return { params: { programId, pairId } };
    },
    // Queries read the read models: apply what the setup recorded, as the projector would.
    listPrograms: async () => {
      await runningPair(api!);
      await catchUpReadModels(api!);
      return { params: {} };
    },
    getProgramOverview: async () => readScenario(),
    listParticipants: async () => readScenario(),
    listPairs: async () => readScenario(),
    getPair: async () => readScenario(),
    listSessions: async () => readScenario(),
    getProgramKpis: async () => readScenario(),
    verifyProgramIntegrity: async () => ({ params: { programId: (await runningPair(api!)).programId } }),
    listMyPairs: async () => ({ params: {} }),
    erasePerson: async () => ({ params: { personId: (await runningPair(api!)).menteePersonId } }),
    readPersonalData: async () => ({ params: { personId: (await runningPair(api!)).menteePersonId } }),
    giveFeedback: async (example) => {
      const { programId, pairId, mentorId, menteeId } = await runningPair(api!);
      const sessionId = await createdId(`/v1/programs/${programId}/pairs/${pairId}/sessions`, examples.session());
      return {
        params: { programId, pairId },
        replace: { sessionId, givenBy: example?.fromRole === 'mentor' ? mentorId : menteeId },
      };
    },
  };

  describe('(a) the document', () => {
    it('is a valid OpenAPI 3.1 document', async () => {
      expect(document.openapi).toMatch(/^3\.1\.\d+$/);
      const result = await validateOpenApi(JSON.stringify(document));
      expect(result.errors).toBeUndefined();
      expect(result.valid).toBe(true);
    });

    it('has a unique operationId and a declared tag for every operation, and a scenario for every command', () => {
      expect(new Set(operationIds).size).toBe(operations.length);
      const tags = (document.tags as Node[]).map((tag) => tag.name);
      for (const operation of operations) {
        expect(operation.id).toEqual(expect.any(String));
        expect(operation.spec.tags?.every((tag: string) => tags.includes(tag))).toBe(true);
        if (isCommand(operation)) expect(Object.keys(scenarios)).toContain(operation.id);
      }
    });

    it('documents on every command its path ids, the command headers and every error status', () => {
      for (const operation of operations.filter(isCommand)) {
        const parameters = deref(operation.spec.parameters ?? []) as Node[];
        const pathNames = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
        // An erasure records on every program of a person: no one stream's revision (If-Match), no rule to break.
        const manyStreams = operation.path.startsWith('/v1/people/');
        expect(parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort()).toEqual([...pathNames].sort());
        for (const parameter of parameters.filter((candidate) => candidate.in === 'path')) {
          const schema = parameter.name === 'personId' ? deref({ $ref: '#/components/schemas/PersonId' }) : { format: 'uuid' };
          expect(parameter).toMatchObject({ required: true, schema });
        }
        expect(parameters.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name).sort()).toEqual(
          (manyStreams ? ['Idempotency-Key', 'X-Correlation-Id'] : ['Idempotency-Key', 'If-Match', 'X-Correlation-Id']).sort(),
        );
        const statuses = Object.keys(operation.spec.responses as Node);
        const errors = ['400', '401', '403', '408', '413', '415', '422', '429', '503', ...(manyStreams ? [] : ['409', '412']), ...(pathNames.length > 0 ? ['404'] : [])];
        expect(statuses).toEqual(expect.arrayContaining(errors));
        for (const status of statuses.filter((code) => Number(code) >= 400)) {
          const content = deref(operation.spec.responses[status]).content as Node;
          expect(Object.keys(content)).toEqual(['application/problem+json']);
          expect(content['application/problem+json'].schema).toEqual(deref({ $ref: '#/components/schemas/ProblemDetails' }));
        }
        expect(operation.spec.security ?? document.security).toEqual([{ bearer: [] }]);
        if (operation.spec.requestBody) {
          expect(requestExamples(operation).length).toBeGreaterThan(0);
          expect(requestSchema(operation)).toMatchObject({ type: 'object', additionalProperties: false });
        }
      }
    });

    it('documents on every /v1 route the shared limits: body, rate, load and identity provider', () => {
      const shared = ['400', '401', '403', '408', '413', '415', '429', '500', '503'];
      for (const operation of operations.filter((candidate) => candidate.path.startsWith('/v1/'))) {
        const responses = deref(operation.spec.responses) as Node;
        expect({ operation: operation.id, statuses: Object.keys(responses) }).toEqual({
          operation: operation.id,
          statuses: expect.arrayContaining(shared),
        });
        for (const status of shared) {
          expect({ operation: operation.id, status, content: Object.keys(responses[status].content as Node) }).toEqual({
            operation: operation.id,
            status,
            content: ['application/problem+json'],
          });
        }
        // A refused request says when to retry and which policy ran out; every success says what is left.
        expect(responses['429'].headers).toMatchObject({
          'Retry-After': { required: true },
          RateLimit: { required: true },
          'RateLimit-Policy': { required: true },
        });
        expect(responses['503'].headers).toMatchObject({ 'Retry-After': expect.any(Object) });
        for (const status of Object.keys(responses).filter((code) => code.startsWith('2'))) {
          expect({ operation: operation.id, status, headers: Object.keys(responses[status].headers as Node) }).toEqual({
            operation: operation.id,
            status,
            headers: expect.arrayContaining(['RateLimit', 'RateLimit-Policy']),
          });
        }
      }
    });
  });

  describe('(b) routes', () => {
    it('documents every route the app serves, and serves every documented route', () => {
      if (!api) return;
      const served = [...new Set(servedRoutes(api.app).filter((key) => !isDocsRoute(key)))];
      const documented = operations.map(documentedKey);
      expect({
        servedButNotDocumented: served.filter((key) => !documented.includes(key)).sort(),
        documentedButNotServed: documented.filter((key) => !served.includes(key)).sort(),
      }).toEqual({ servedButNotDocumented: [], documentedButNotServed: [] });
      expect(served.filter((key) => key.startsWith('POST '))).toHaveLength(15);
    });

    it('documents the roles and the success status each controller declares', () => {
      if (!api) return;
      const declared = declaredRoutes(api.app).filter((route) => !isDocsRoute(route.key));
      expect(declared.map((route) => route.key).sort()).toEqual([...new Set(servedRoutes(api.app).filter((key) => !isDocsRoute(key)))].sort());
      for (const route of declared) {
        // A route missing from the document is reported by the test above.
        const operation = operations.find((candidate) => documentedKey(candidate) === route.key);
        if (!operation) continue;
        expect({ route: route.key, roles: [...(route.roles ?? [])].sort() }).toEqual({
          route: route.key,
          roles: [...(operation.spec['x-flipside-roles'] ?? [])].sort(),
        });
        const successes = Object.keys(operation.spec.responses as Node).filter((status) => status.startsWith('2')).sort();
        // POST answers 201 unless @HttpCode says otherwise, and a creation 200 when it is sent again; GET answers 200.
        const creation = route.httpCode === undefined && route.key.startsWith('POST ');
        expect({ route: route.key, successes }).toEqual({
          route: route.key,
          successes: creation ? ['200', '201'] : [String(route.httpCode ?? 200)],
        });
      }
    });
  });

  describe('(c) every documented example is accepted and answered as documented', () => {
    // Every command has a scenario; a read (GET) is exercised here once it has one too.
    it.each(operationIds.filter((id) => scenarios[id]))('%s', async (id) => {
      if (!api) return;
      const operation = byId(id);
      const schema = requestSchema(operation);
      const runs: Array<[string, JsonObject | undefined]> = schema ? requestExamples(operation) : [['no body', undefined]];
      for (const [name, example] of runs) {
        if (schema) expectValid(schema, example, `${id} example ${name}`);
        const scenario = await scenarios[id](example);
        let body: JsonObject | undefined;
        if (schema && example) {
          const replaced: JsonObject = { ...example };
          for (const [field, value] of Object.entries(scenario.replace ?? {})) if (field in replaced) replaced[field] = value;
          body = withCurrentDates(replaced, schema) as JsonObject;
          expectValid(schema, body, `${id} example ${name} with current ids and dates`);
        }
        const path = expandPath(operation.path, scenario.params);
        const send = () =>
          isCommand(operation) ? sendCommand(operation, path, body) : api!.http()[operation.method as 'get'](path).set(auth());
        const response = await send();
        const successes = Object.keys(operation.spec.responses as Node).filter((status) => status.startsWith('2'));
        const expected = successes.includes('201') ? 201 : Number(successes[0]);
        if (response.status !== expected) throw new Error(`${id} example ${name} answered ${response.status}: ${response.text}`);
        expectDocumentedResponse(operation, response);
        if (typeof body?.id === 'string') {
          // A client-chosen id makes the creation safe to repeat: the first result, answered 200.
          const repeated = await send();
          expect(repeated.status).toBe(200);
          expect(repeated.body).toEqual(response.body);
          expectDocumentedResponse(operation, repeated);
        }
      }
    });
  });

  describe('(d) the request schemas and the DTOs agree', () => {
    const withBodies = operations.filter((operation) => requestSchema(operation)).map((operation) => operation.id);

    it('documents exactly the fields each DTO validates, nested DTOs included, and a body only where one is read', () => {
      if (!api) return;
      const expectSameFields = (schema: Node, dto: Class, where: string) => {
        const fields = dtoFields(dto);
        expect({ where, fields: [...fields.keys()].sort() }).toEqual({ where, fields: Object.keys(schema.properties as Node).sort() });
        for (const [name, nested] of fields) {
          const property = schema.properties[name] as Node;
          const shape = property.type === 'array' ? (property.items as Node) : property;
          expect({ where: `${where}.${name}`, object: shape.type === 'object' }).toEqual({ where: `${where}.${name}`, object: nested !== undefined });
          if (nested) expectSameFields(shape, nested, `${where}.${name}`);
        }
      };
      for (const route of declaredRoutes(api.app).filter((candidate) => !isDocsRoute(candidate.key))) {
        // A route missing from the document is reported by (b).
        const operation = operations.find((candidate) => documentedKey(candidate) === route.key);
        if (!operation) continue;
        const schema = requestSchema(operation);
        expect({ route: route.key, documentsBody: schema !== undefined }).toEqual({ route: route.key, documentsBody: route.body !== undefined });
        if (schema && route.body) expectSameFields(schema, route.body, `${operation.id} body`);
      }
    });

    it('uses the domain vocabulary for every enumeration', () => {
      const schemas = document.components.schemas as Node;
      expect({
        FocusArea: schemas.FocusArea.enum,
        ParticipantRole: schemas.ParticipantRole.enum,
        PairingRule: schemas.PairingRule.enum,
        PairedBy: schemas.PairedBy.enum,
        AdminPairEndReason: schemas.AdminPairEndReason.enum,
        PairEndReason: schemas.PairEndReason.enum,
        PairFlag: schemas.PairFlag.enum,
        SessionFormat: schemas.SessionFormat.enum,
        FitAnswer: schemas.FitAnswer.enum,
      }).toEqual({
        FocusArea: [...FOCUS_AREAS],
        ParticipantRole: [...PARTICIPANT_ROLES],
        PairingRule: [...PAIRING_RULES],
        PairedBy: [...PAIRED_BY],
        AdminPairEndReason: [...ADMIN_PAIR_END_REASONS],
        PairEndReason: [...PAIR_END_REASONS],
        PairFlag: [...PAIR_FLAGS],
        SessionFormat: [...SESSION_FORMATS],
        FitAnswer: [...FIT_ANSWERS],
      });
    });

    it.each(withBodies)('%s: each broken constraint is refused with 400 naming the field', async (id) => {
      if (!api) return;
      const operation = byId(id);
      const schema = requestSchema(operation)!;
      const base = withCurrentDates(requestExamples(operation)[0][1], schema);
      const cases = violations(schema, base, '');
      expect(cases.length).toBeGreaterThan(3);
      const unexpected: string[] = [];
      for (const testCase of cases) {
        const response = await sendCommand(operation, expandPath(operation.path, randomParams(operation.path)), testCase.value);
        const key = caseKey(operation, testCase);
        if (KNOWN_DTO_GAPS[key]) {
          if (response.status === 400) unexpected.push(`${key}: now refused with 400; remove it from KNOWN_DTO_GAPS`);
          continue;
        }
        if (response.status !== 400 || !namesField(response.body, testCase.field)) {
          unexpected.push(`${key}: answered ${response.status} ${response.text}`);
          continue;
        }
        expectDocumentedResponse(operation, response);
      }
      expect(unexpected).toEqual([]);
    });

    it.each(withBodies)('%s: values at the documented limits are not refused as invalid', async (id) => {
      if (!api) return;
      const operation = byId(id);
      const schema = requestSchema(operation)!;
      const base = withCurrentDates(requestExamples(operation)[0][1], schema);
      const refused: string[] = [];
      for (const testCase of limits(schema, base, '')) {
        const value = withPolicyRelations(testCase.value, testCase.field);
        expectValid(schema, value, caseKey(operation, testCase));
        const response = await sendCommand(operation, expandPath(operation.path, randomParams(operation.path)), value);
        if (response.status === 400) refused.push(`${caseKey(operation, testCase)}: ${response.text}`);
      }
      expect(refused).toEqual([]);
    });

    it.each(operations.filter((operation) => operation.path.includes('{')).map((operation) => operation.id))(
      '%s: a path id that is not a UUID is refused with 400 naming the parameter',
      async (id) => {
        if (!api) return;
        const operation = byId(id);
        const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
        for (const name of names) {
          // A person id is not a UUID: refused for a character it may not hold.
          const params = { ...randomParams(operation.path), [name]: name === 'personId' ? 'not!a-person-id' : 'not-a-uuid' };
          const example = requestExamples(operation)[0]?.[1];
          const response =
            isCommand(operation)
              ? await sendCommand(operation, expandPath(operation.path, params), example)
              : await api!.http().get(expandPath(operation.path, params)).set(authAs(operation));
          expect({ name, status: response.status }).toEqual({ name, status: 400 });
          expect(namesField(response.body, name)).toBe(true);
          expectDocumentedResponse(operation, response);
        }
      },
    );
  });

  describe('(e) problems are answered as documented', () => {
    const createProgram = () => byId('createProgram');

    it('400 for malformed JSON and for invalid command headers', async () => {
      if (!api) return;
      const malformed = await api.http().post('/v1/programs').set(auth()).set('Content-Type', 'application/json').send('{"name": ');
      expect(malformed.status).toBe(400);
      expectDocumentedResponse(createProgram(), malformed);
      const headers: Array<[string, string]> = [
        ['Idempotency-Key', 'k'.repeat(201)],
        ['If-Match', 'W/"not-a-revision"'],
        ['X-Correlation-Id', 'spaces are not allowed'],
      ];
      for (const [name, value] of headers) {
        const response = await post('/v1/programs', examples.program()).set(name, value);
        expect({ name, status: response.status }).toEqual({ name, status: 400 });
        expect(namesField(response.body, name)).toBe(true);
        expectDocumentedResponse(createProgram(), response);
      }
    });

    it('401 without a valid token, with WWW-Authenticate', async () => {
      if (!api) return;
      const missing = await api.http().post('/v1/programs').send(examples.program());
      expect(missing.status).toBe(401);
      expectDocumentedResponse(createProgram(), missing);
      const forged = await api.http().post('/v1/programs').set('Authorization', 'Bearer not.a.token').send(examples.program());
      expect(forged.status).toBe(401);
      expectDocumentedResponse(createProgram(), forged);
    });

    it('403 for a role the route does not accept', async () => {
      if (!api) return;
      const response = await api
        .http()
        .post('/v1/programs')
        .set('Authorization', `Bearer ${api.token({ roles: ['analyst'] })}`)
        .send(examples.program());
      expect(response.status).toBe(403);
      expectDocumentedResponse(createProgram(), response);
    });

    it('404 for an unknown program and for another organization\'s program', async () => {
      if (!api) return;
      const unknown = await post(`/v1/programs/${randomUUID()}/launch`);
      expect(unknown.status).toBe(404);
      expectDocumentedResponse(byId('launchProgram'), unknown);
      const programId = await createdId('/v1/programs', examples.program());
      const elsewhere = await api
        .http()
        .post(`/v1/programs/${programId}/close`)
        .set('Authorization', `Bearer ${api.token({ org: `org-${randomUUID()}` })}`)
        .send({ outcome: 'Not yours to close' });
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.body.rule).toBe('program-not-found');
      expectDocumentedResponse(byId('closeProgram'), elsewhere);
    });

    it('409 naming the broken rule', async () => {
      if (!api) return;
      const { programId } = await runningPair(api);
      const again = await post(`/v1/programs/${programId}/launch`);
      expect(again.status).toBe(409);
      expect(again.body.rule).toBe('launch-only-a-draft');
      expectDocumentedResponse(byId('launchProgram'), again);
    });

    it('412 for a stale If-Match, 200 for a current one', async () => {
      if (!api) return;
      const { programId } = await draftProgramWithParticipants();
      const stale = await post(`/v1/programs/${programId}/launch`).set('If-Match', '"0"');
      expect(stale.status).toBe(412);
      expectDocumentedResponse(byId('launchProgram'), stale);
      const current = await post(`/v1/programs/${programId}/launch`).set('If-Match', '"2"');
      expect(current.status).toBe(200);
      expectDocumentedResponse(byId('launchProgram'), current);
    });

    it('413 for a body over 64 KiB, 415 for a body that is not JSON', async () => {
      if (!api) return;
      const large = await post('/v1/programs', { ...examples.program(), description: 'x'.repeat(65 * 1024) });
      expect(large.status).toBe(413);
      expectDocumentedResponse(createProgram(), large);
      const text = await api.http().post('/v1/programs').set(auth()).set('Content-Type', 'text/plain').send('a program, please');
      expect(text.status).toBe(415);
      expectDocumentedResponse(createProgram(), text);
    });

    it('400 for text that is not valid, prototype keys, deep nesting and a body that does not decompress', async () => {
      if (!api) return;
      const bodies = ['{"name":"a\\u0000b"}', '{"name":"\\ud800"}', '{"__proto__":{"admin":true}}', `{"goals":${'['.repeat(40)}${']'.repeat(40)}}`];
      for (const body of bodies) {
        const response = await api.http().post('/v1/programs').set(auth()).set('Content-Type', 'application/json').send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expectDocumentedResponse(createProgram(), response);
      }
      const corrupt = await api
        .http()
        .post('/v1/programs')
        .set(auth())
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('this is not gzip');
      expect(corrupt.status).toBe(400);
      expectDocumentedResponse(createProgram(), corrupt);
    });

    it('415 for a charset other than UTF-8 and for a Content-Encoding the API does not decode', async () => {
      if (!api) return;
      const latin1 = await api.http().post('/v1/programs').set(auth()).set('Content-Type', 'application/json; charset=latin1').send('{}');
      expect(latin1.status).toBe(415);
      expectDocumentedResponse(createProgram(), latin1);
      const compress = await api
        .http()
        .post('/v1/programs')
        .set(auth())
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'compress')
        .send(JSON.stringify(examples.program()));
      expect(compress.status).toBe(415);
      expectDocumentedResponse(createProgram(), compress);
    });

    it('429 with Retry-After, RateLimit and RateLimit-Policy once the quota is spent; successes carry RateLimit', async () => {
      if (!api) return;
      const limited = (await startApi({ RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0' }))!;
      try {
        const token = { Authorization: `Bearer ${limited.token()}` };
        const created = await limited.http().post('/v1/programs').set(token).send(examples.program());
        expect(created.status).toBe(201);
        expect(created.headers['ratelimit-policy']).toBeDefined();
        expectDocumentedResponse(createProgram(), created);
        const listed = await limited.http().get('/v1/programs').set(token);
        expect(listed.status).toBe(200);
        expect(listed.headers.ratelimit).toBeDefined();
        expectDocumentedResponse(byId('listPrograms'), listed);
        for (const [id, send] of [
          ['createProgram', () => limited.http().post('/v1/programs').set(token).send(examples.program())],
          ['listPrograms', () => limited.http().get('/v1/programs').set(token)],
        ] as const) {
          const refused = await send();
          expect({ id, status: refused.status }).toEqual({ id, status: 429 });
          expectDocumentedResponse(byId(id), refused);
        }
      } finally {
        await limited.close();
      }
    });

    it('replays a retry with the same Idempotency-Key; 422 for the same key with another body', async () => {
      if (!api) return;
      const key = randomUUID();
      const body = examples.program();
      const first = await post('/v1/programs', body).set('Idempotency-Key', key);
      expect(first.status).toBe(201);
      const retry = await post('/v1/programs', body).set('Idempotency-Key', key);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expectDocumentedResponse(createProgram(), retry);
      const other = await post('/v1/programs', { ...body, name: 'Another program' }).set('Idempotency-Key', key);
      expect(other.status).toBe(422);
      expectDocumentedResponse(createProgram(), other);
    });

    it('503 with Retry-After when the event store cannot be reached', async () => {
      if (!api) return;
      const programId = await createdId('/v1/programs', examples.program());
      const unreachable = new EventStoreUnavailableError('The event store (PostgreSQL) cannot be reached');
      const outage = [jest.spyOn(api.store, 'readStream').mockRejectedValue(unreachable), jest.spyOn(api.store, 'append').mockRejectedValue(unreachable)];
      try {
        const response = await post(`/v1/programs/${programId}/launch`);
        expect(response.status).toBe(503);
        expectDocumentedResponse(byId('launchProgram'), response);
        const readiness = await api.http().get('/health');
        expect(readiness.status).toBe(503);
        expectDocumentedResponse(byId('ready'), readiness);
      } finally {
        outage.forEach((spy) => spy.mockRestore());
      }
    });
  });

  describe('(f) the documentation is served without a token', () => {
    it('GET /docs answers Swagger UI, whose assets are served', async () => {
      if (!api) return;
      const page = await api.http().get('/docs').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<div id="swagger-ui"></div>');
      const assets = [...page.text.matchAll(/(?:src|href)="(\/docs\/[^"]+)"/g)].map(([, path]) => path);
      expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui/swagger-ui.css', '/docs/swagger-ui/swagger-ui-bundle.js']));
      for (const asset of assets) {
        const response = await api.http().get(asset).buffer(true);
        expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
        expect(response.headers['content-type']).toMatch(/^(text\/css|text\/javascript|image\/png|application\/(json|yaml))/);
      }
      const initializer = assets.find((asset) => asset.endsWith('initializer.js'))!;
      expect((await api.http().get(initializer)).text).toContain('"/docs/openapi.json"');
      const elsewhere = await api.http().get('/docs/swagger-ui/package.json');
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('GET /docs/openapi.json answers the document as JSON, and /docs/openapi.yaml as written', async () => {
      if (!api) return;
      const json = await api.http().get('/docs/openapi.json').expect(200);
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(json.body).toEqual(document);
      const yaml = await api.http().get('/docs/openapi.yaml').buffer(true).parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => done(null, text));
      });
      expect(yaml.status).toBe(200);
      expect(yaml.headers['content-type']).toMatch(/^application\/yaml/);
      expect(yaml.body).toBe(DOCUMENT_TEXT);
    });
  });
});
