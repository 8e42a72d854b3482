import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPIC } from '../src/kafka/publishing.settings';
import { PUBLISHED_TYPES } from '../src/kafka/integration-events/integration-event';
import { AUDIT_ANCHORED_TYPE, toAnchorMessage } from '../src/audit-anchors/anchor-message';
import { DEFAULT_ANCHOR_TOPIC } from '../src/audit-anchors/anchor-settings';
import { ASYNCAPI_DOCUMENT, IntegrationContract } from './support/integration-contract';

const SCHEMA_FOLDER = join(__dirname, '../../../docs/schemas/integration');

describe('docs/asyncapi.yaml, the written-down Kafka contract', () => {
  let contract: IntegrationContract;
  beforeAll(async () => {
    contract = await IntegrationContract.load();
  });

  it('is valid AsyncAPI 3.0 and names the default topic', () => {
    expect(readFileSync(ASYNCAPI_DOCUMENT, 'utf8')).toMatch(/^asyncapi: 3\.0\.0$/m);
    expect(contract.channelAddress).toBe(DEFAULT_TOPIC);
  });

  it('describes every type the projector produces: the integration events and the audit anchor', () => {
    expect(contract.types.sort()).toEqual([...Object.values(PUBLISHED_TYPES), AUDIT_ANCHORED_TYPE].sort());
  });

  it('has the projector send, in its operations, every message its channels carry and no other', () => {
    expect(contract.typesSentTo(DEFAULT_TOPIC).sort()).toEqual(Object.values(PUBLISHED_TYPES).sort());
    expect(contract.typesSentTo(DEFAULT_ANCHOR_TOPIC)).toEqual([AUDIT_ANCHORED_TYPE]);
  });

  it('puts audit anchors on a topic of their own, named as the projector names it', () => {
    expect(contract.typesOn(DEFAULT_TOPIC).sort()).toEqual(Object.values(PUBLISHED_TYPES).sort());
    expect(contract.typesOn(DEFAULT_ANCHOR_TOPIC)).toEqual([AUDIT_ANCHORED_TYPE]);
    expect(readFileSync(ASYNCAPI_DOCUMENT, 'utf8')).toContain(`$ref: './schemas/audit/anchored.v1.json'`);
  });

  it('checks anchor records against the anchor schema: what the processor sends keeps it, a broken record does not', () => {
    const anchor = {
      anchorId: 7,
      position: '1042/17',
      digest: 'a'.repeat(64),
      streams: 3,
      anchoredAt: '2025-03-05T09:35:00.000Z',
      heads: [{ stream: 'program-p1', revision: '4', hash: 'b'.repeat(64) }],
    };
    const record = toAnchorMessage(anchor);
    expect(contract.violations(record)).toEqual([]);
    contract.assertKeptBy([record]);
    const broken = (change: (data: Record<string, unknown>) => void, headers: Record<string, string> = {}, key = record.key) => {
      const data = JSON.parse(record.value);
      change(data);
      return contract.violations({ key, value: JSON.stringify(data), headers: { ...record.headers, ...headers } });
    };
    expect(broken((data) => (data.digest = 'not-a-digest'))).not.toEqual([]);
    expect(broken((data) => delete data.heads)).not.toEqual([]);
    expect(broken((data) => (data.heads = [{ stream: 'program-p1', revision: 4, hash: 'b'.repeat(64) }]))).not.toEqual([]);
    expect(broken((data) => (data.confidentialNotes = 'x'))).not.toEqual([]);
    expect(broken(() => undefined, { ce_source: '/organizations/acme/programs/p1' })).not.toEqual([]);
    expect(broken(() => undefined, {}, 'p1')).not.toEqual([]);
  });

  it('has examples that keep its own schemas', () => {
    expect(contract.exampleErrors()).toEqual([]);
  });

  it('uses every payload schema file, one per published type', () => {
    const files = readdirSync(SCHEMA_FOLDER).filter((file) => file.endsWith('.json')).sort();
    const document = readFileSync(ASYNCAPI_DOCUMENT, 'utf8');
    for (const file of files) expect(document).toContain(`./schemas/integration/${file}`);
    const expected = Object.values(PUBLISHED_TYPES).map((type) => `${type.replace('dev.flipside.mentorship.', '')}.json`);
    expect(files).toEqual(expected.sort());
  });
});
