import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Parser, fromFile } from '@asyncapi/parser';
import { CloudEvent, Kafka as CloudEventsKafka, KafkaMessage } from 'cloudevents';
import { join } from 'node:path';
import {
  CONFIDENTIAL_NOTE_MARKER,
  EMAIL_PATTERN,
  FEEDBACK_COMMENT_MARKER,
  PRIVATE_TEXT_MARKER,
} from './mentorship-events';

export const ASYNCAPI_DOCUMENT = join(__dirname, '../../../../docs/asyncapi.yaml');

/** A Kafka record as produced or consumed: key, value and headers as text. */
export interface RecordShape {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

interface MessageContract {
  readonly name: string;
  readonly headers: ValidateFunction;
  readonly payload: ValidateFunction;
  readonly key: ValidateFunction;
  /** Mentorship events are keyed by their program; audit anchors by one fixed key. */
  readonly keyIsProgramId: boolean;
  readonly examples: readonly { headers?: unknown; payload?: unknown }[];
}

/** The parser annotates schemas with x-parser-* keys; they are not JSON Schema keywords. */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).filter(([key]) => !key.startsWith('x-parser-')).map(([key, inner]) => [key, withoutParserKeys(inner)]),
    );
  }
  return value;
}

function errorsOf(validate: ValidateFunction, what: string): string[] {
  return (validate.errors ?? []).map((error) => `${what}${error.instancePath} ${error.message ?? 'is invalid'}`);
}

/**
 * docs/asyncapi.yaml as the tests use it: parsed with @asyncapi/parser (failing on any error), each message's
 * header, key and payload schemas compiled with ajv, so every record a suite sees is checked against the
 * document and parsed by the CloudEvents SDK's Kafka binding.
 */
export class IntegrationContract {
  private constructor(
    readonly channelAddress: string,
    private readonly messages: ReadonlyMap<string, MessageContract>,
    /** Each channel's address and the CloudEvents types it carries. */
    private readonly channels: ReadonlyMap<string, readonly string[]>,
    /** Each channel's address and the CloudEvents types its send operations list. */
    private readonly sent: ReadonlyMap<string, readonly string[]>,
  ) {}

  static async load(): Promise<IntegrationContract> {
    const parser = new Parser();
    const { document, diagnostics } = await fromFile(parser, ASYNCAPI_DOCUMENT).parse();
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    if (!document || errors.length > 0) {
      throw new Error(`docs/asyncapi.yaml is not valid AsyncAPI:\n${errors.map((e) => `  ${e.code}: ${e.message} at ${e.path.join('.')}`).join('\n')}`);
    }
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    const messages = new Map<string, MessageContract>();
    for (const message of document.allMessages().all()) {
      const headersSchema = message.headers()?.json();
      const payloadSchema = message.payload()?.json();
      const keySchema = message.bindings().get('kafka')?.value<{ key?: object }>()?.key;
      if (!headersSchema || !payloadSchema || !keySchema) throw new Error(`Message ${message.id()} lacks headers, payload or key schema`);
      const headers = withoutParserKeys(headersSchema) as object;
      const payload = withoutParserKeys(payloadSchema) as { required?: string[] };
      messages.set(typeOf(message), {
        name: message.name() ?? message.id(),
        headers: ajv.compile(headers),
        payload: ajv.compile(payload),
        key: ajv.compile(withoutParserKeys(keySchema) as object),
        keyIsProgramId: payload.required?.includes('programId') ?? false,
        examples: message.examples().all().map((example) => ({ headers: example.headers(), payload: example.payload() })),
      });
    }
    const channels = new Map(document.channels().all().map((channel) => [channel.address() ?? '', channel.messages().all().map(typeOf)]));
    const sent = new Map<string, string[]>();
    for (const operation of document.operations().all().filter((candidate) => candidate.action() === 'send')) {
      for (const channel of operation.channels().all()) {
        sent.set(channel.address() ?? '', [...(sent.get(channel.address() ?? '') ?? []), ...operation.messages().all().map(typeOf)]);
      }
    }
    return new IntegrationContract([...channels.keys()][0], messages, channels, sent);
  }

  /** Every CloudEvents type the document describes. */
  get types(): string[] {
    return [...this.messages.keys()];
  }

  /** The CloudEvents types on the channel with this address (topic); none for an unknown one. */
  typesOn(address: string): string[] {
    return [...(this.channels.get(address) ?? [])];
  }

  /** The CloudEvents types the document's send operations say are sent to the channel with this address. */
  typesSentTo(address: string): string[] {
    return [...(this.sent.get(address) ?? [])];
  }

  /** Checks the document's own examples against its schemas. */
  exampleErrors(): string[] {
    const problems: string[] = [];
    for (const [type, contract] of this.messages) {
      if (contract.examples.length === 0) problems.push(`${type} has no example`);
      for (const example of contract.examples) {
        if (!contract.headers(example.headers)) problems.push(...errorsOf(contract.headers, `${type} example headers`));
        if (!contract.payload(example.payload)) problems.push(...errorsOf(contract.payload, `${type} example payload`));
      }
    }
    return problems;
  }

  /** Why a record breaks the contract; empty when it keeps it. */
  violations(record: RecordShape): string[] {
    const type = record.headers.ce_type;
    const contract = type ? this.messages.get(type) : undefined;
    if (!contract) return [`ce_type ${String(type)} is not in docs/asyncapi.yaml`];
    const problems: string[] = [];
    if (!contract.headers(record.headers)) problems.push(...errorsOf(contract.headers, 'headers'));
    if (!contract.key(record.key)) problems.push(...errorsOf(contract.key, 'key'));
    let payload: unknown;
    try {
      payload = JSON.parse(record.value);
    } catch {
      return [...problems, 'value is not JSON'];
    }
    if (!contract.payload(payload)) problems.push(...errorsOf(contract.payload, 'payload'));
    if (contract.keyIsProgramId && (payload as { programId?: unknown }).programId !== record.key) problems.push('key is not the payload programId');
    return problems;
  }

  /** Throws, naming the record and every violation, when any record breaks the contract. */
  assertKeptBy(records: readonly RecordShape[]): void {
    const broken = records
      .map((record) => ({ record, problems: [...this.violations(record), ...cloudEventProblems(record), ...leaks(record)] }))
      .filter((entry) => entry.problems.length > 0);
    if (broken.length > 0) {
      const first = broken.slice(0, 5).map(({ record, problems }) => `  ${record.headers.ce_type} ${record.headers.ce_id}: ${problems.join('; ')}`);
      throw new Error(`${broken.length} of ${records.length} records break the contract:\n${first.join('\n')}`);
    }
  }
}

/** The one CloudEvents type a message's header schema pins ce_type to. */
function typeOf(message: { id(): string; headers(): { json(): unknown } | undefined }): string {
  const headers = withoutParserKeys(message.headers()?.json()) as { allOf?: { properties?: { ce_type?: { const?: string } } }[] } | undefined;
  const type = headers?.allOf?.find((part) => part.properties?.ce_type?.const)?.properties?.ce_type?.const;
  if (!type) throw new Error(`Message ${message.id()} does not pin ce_type to one value`);
  return type;
}

/** Parses the record with the CloudEvents SDK's Kafka binding and checks what it reads back. */
export function toCloudEvent(record: RecordShape): CloudEvent<unknown> {
  const message: KafkaMessage<string> = { key: record.key, value: record.value, headers: { ...record.headers }, body: record.value };
  const event = CloudEventsKafka.toEvent(message);
  if (Array.isArray(event)) throw new Error('A batch of CloudEvents where one was expected');
  return event as CloudEvent<unknown>;
}

function cloudEventProblems(record: RecordShape): string[] {
  try {
    const event = toCloudEvent(record);
    event.validate();
    const problems: string[] = [];
    if (event.id !== record.headers.ce_id) problems.push('CloudEvent id differs from ce_id');
    if (event.specversion !== '1.0') problems.push('CloudEvent specversion is not 1.0');
    if (event.datacontenttype !== 'application/json') problems.push('CloudEvent datacontenttype is not application/json');
    if (event['flipsideposition'] !== record.headers.ce_flipsideposition) problems.push('flipsideposition extension not read back');
    if (JSON.stringify(event.data) !== JSON.stringify(JSON.parse(record.value))) problems.push('CloudEvent data differs from the value');
    return problems;
  } catch (error) {
    return [`not a CloudEvent: ${(error as Error).message}`];
  }
}

/** Private text, confidential notes, feedback comments or e-mail addresses anywhere in the record. */
export function leaks(record: RecordShape): string[] {
  const text = [record.key, record.value, ...Object.entries(record.headers).flat()].join('\n');
  const found: string[] = [];
  for (const marker of [CONFIDENTIAL_NOTE_MARKER, FEEDBACK_COMMENT_MARKER, PRIVATE_TEXT_MARKER]) {
    if (text.includes(marker)) found.push(`leaks ${marker}`);
  }
  const email = EMAIL_PATTERN.exec(text);
  if (email) found.push(`leaks an e-mail address (${email[0]})`);
  for (const field of ['confidentialNotes', 'comment', 'email', 'displayName', 'insights', 'note', 'rationale']) {
    if (record.value.includes(`"${field}"`)) found.push(`carries the private field ${field}`);
  }
  return found;
}
