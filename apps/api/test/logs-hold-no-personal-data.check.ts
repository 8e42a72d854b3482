import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findingsIn, personalValuesIn, typeScriptSourcesUnder } from './support/log-scan';

/**
 * Run by `npm test` after every API suite ran with logging on (FLIPSIDE_TEST_LOG_DIR): no name, email address or free
 * text the suites sent may stand in any line any API process logged.
 */
describe('the API logs of the whole test run', () => {
  const directory = process.env.FLIPSIDE_TEST_LOG_DIR;

  it('were written, and hold no name, email address or free text the suites sent', () => {
    if (!directory) throw new Error('FLIPSIDE_TEST_LOG_DIR is not set: run this after the API suites, as npm test does');
    const text = readdirSync(directory)
      .filter((name) => name.endsWith('.log'))
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    expect(text.split('\n').filter(Boolean).length).toBeGreaterThan(100);
    const values = personalValuesIn([...typeScriptSourcesUnder(join(__dirname)), ...typeScriptSourcesUnder(join(__dirname, '..', '..', 'projector', 'test'))]);
    expect(values.size).toBeGreaterThan(5);
    expect(findingsIn(text, values)).toEqual([]);
  });
});
