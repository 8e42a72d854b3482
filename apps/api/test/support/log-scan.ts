import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Fields whose values in the suites are a person's name, address or free text (not titles: problem bodies have those).
const PERSONAL_FIELD = /\b(displayName|email|insights|confidentialNotes|comment|successCriteria|rationale)\s*:\s*(['"`])((?:(?!\2).)+?)\2/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Every literal the sources give a personal field; of a template, each literal part of 6 characters or more. */
export function personalValuesIn(sources: readonly string[]): Set<string> {
  const values = new Set<string>();
  for (const text of sources) {
    for (const match of text.matchAll(PERSONAL_FIELD)) {
      for (const part of match[3].split(/\$\{[^}]*\}/)) if (part.trim().length >= 6) values.add(part.trim());
    }
  }
  return values;
}

export interface LogFinding {
  readonly line: string;
  readonly found: readonly string[];
}

/** Every log line holding one of the values, or anything shaped like an email address. */
export function findingsIn(logText: string, values: ReadonlySet<string>): LogFinding[] {
  const findings: LogFinding[] = [];
  for (const line of logText.split('\n')) {
    const found = [...(line.match(EMAIL) ?? []), ...[...values].filter((value) => line.includes(value))];
    if (found.length > 0) findings.push({ line: line.slice(0, 300), found });
  }
  return findings;
}

export function typeScriptSourcesUnder(directory: string): string[] {
  return (readdirSync(directory, { recursive: true }) as string[])
    .filter((name) => name.endsWith('.ts'))
    .map((name) => readFileSync(join(directory, name), 'utf8'));
}
