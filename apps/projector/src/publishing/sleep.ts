import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or returns early when `signal` aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
