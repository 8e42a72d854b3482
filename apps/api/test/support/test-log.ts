import { LoggerService } from '@nestjs/common';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The API's log during the suites: with FLIPSIDE_TEST_LOG_DIR set (npm test sets it), every line every API logs goes
 * to a file there, so apps/api/test/logs-hold-no-personal-data.check.ts can prove no name or email ever reached a log. Unset: no logging.
 */
export function testLogger(): false | LoggerService {
  const directory = process.env.FLIPSIDE_TEST_LOG_DIR;
  if (!directory) return false;
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `api-${process.pid}.log`);
  const write = (level: string) => (message: unknown, ...rest: unknown[]) => {
    const parts = [message, ...rest].map((part) => (typeof part === 'string' ? part : part instanceof Error ? `${part.message}\n${part.stack}` : JSON.stringify(part)));
    appendFileSync(file, `${new Date().toISOString()} ${level} ${parts.join(' ')}\n`);
  };
  return { log: write('LOG'), error: write('ERROR'), warn: write('WARN'), debug: write('DEBUG'), verbose: write('VERBOSE'), fatal: write('FATAL') };
}
