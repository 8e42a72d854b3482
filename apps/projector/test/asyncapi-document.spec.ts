import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TOPIC } from '../src/publishing/publishing.settings';
import { PUBLISHED_TYPES } from '../src/publishing/integration-events/integration-event';
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

  it('describes every type the publisher produces', () => {
    expect(contract.types.sort()).toEqual(Object.values(PUBLISHED_TYPES).sort());
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
