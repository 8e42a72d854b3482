import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findOpenApiFile } from '../../src/openapi/openapi-document';

/** A JSON Schema or OpenAPI object as read from the YAML: loosely typed on purpose. */
export type SchemaNode = Record<string, any>;

export interface ContractParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: SchemaNode;
}

/** One operation of docs/openapi.yaml, with every $ref resolved: what the fuzz needs to build and judge requests. */
export interface ContractOperation {
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly parameters: readonly ContractParameter[];
  /** The JSON body the operation reads, if any: its schema and its documented examples. */
  readonly body?: { readonly schema: SchemaNode; readonly examples: readonly unknown[] };
  /** Every status the document lists for the operation. */
  readonly statuses: ReadonlySet<number>;
  /** Whether the operation needs a bearer token (the document's `security`, or the default). */
  readonly authenticated: boolean;
  readonly roles: readonly string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const isRecord = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);

export function readContract(file = findOpenApiFile()): { document: SchemaNode; operations: ContractOperation[] } {
  const document = parse(readFileSync(file, 'utf8')) as SchemaNode;

  const pointer = (ref: string): SchemaNode =>
    ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<SchemaNode>((node, key) => node[key], document);

  // Siblings of a $ref (e.g. description) win, as in OpenAPI 3.1.
  const deref = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(deref);
    if (!isRecord(node)) return node;
    if (typeof node.$ref === 'string') {
      const { $ref, ...siblings } = node;
      return deref({ ...pointer($ref), ...siblings });
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, deref(value)]));
  };

  const operations = Object.entries(document.paths as SchemaNode).flatMap(([path, item]) =>
    METHODS.filter((method) => isRecord((item as SchemaNode)[method])).map((method): ContractOperation => {
      const spec = deref((item as SchemaNode)[method]) as SchemaNode;
      const media = spec.requestBody?.content?.['application/json'] as SchemaNode | undefined;
      const named = Object.values((media?.examples ?? {}) as SchemaNode).map((example) => example.value);
      const examples = media ? [...(media.example === undefined ? [] : [media.example]), ...named] : [];
      const security = (spec.security ?? document.security ?? []) as unknown[];
      return {
        id: spec.operationId as string,
        method: method.toUpperCase() as ContractOperation['method'],
        path,
        parameters: ((spec.parameters ?? []) as SchemaNode[]).map((parameter) => ({
          name: parameter.name,
          in: parameter.in,
          required: parameter.required === true,
          schema: parameter.schema ?? {},
        })),
        body: media ? { schema: media.schema as SchemaNode, examples } : undefined,
        statuses: new Set(Object.keys(spec.responses ?? {}).map(Number)),
        authenticated: security.some((requirement) => isRecord(requirement) && Object.keys(requirement).length > 0),
        roles: (spec['x-flipside-roles'] ?? []) as string[],
      };
    }),
  );
  return { document, operations };
}

export const pathParameterNames = (operation: ContractOperation) =>
  operation.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
