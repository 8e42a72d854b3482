import { isDomainEventType } from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';
import { ConsumedRecord } from './kafka-topic';

/**
 * What at-least-once, ordered-per-program delivery means, checked against the store: every published event
 * arrived, nothing else did, a program's events share one partition, and, read once each (de-duplicated on
 * ce_id, as consumers are told to), a program's events arrive in the order of the log.
 */
export function deliveryProblems(stored: readonly RecordedEvent[], records: readonly ConsumedRecord[]): string[] {
  const problems: string[] = [];
  const expected = stored.filter((event) => isDomainEventType(event.type));
  const expectedIds = new Set(expected.map((event) => event.id));
  const received = new Set(records.map((record) => record.headers.ce_id));
  const missing = [...expectedIds].filter((id) => !received.has(id));
  const unexpected = [...received].filter((id) => !expectedIds.has(id));
  if (missing.length > 0) problems.push(`${missing.length} stored event(s) never arrived, e.g. ${missing.slice(0, 3).join(', ')}`);
  if (unexpected.length > 0) problems.push(`${unexpected.length} record(s) match no published stored event, e.g. ${unexpected.slice(0, 3).join(', ')}`);

  const byKey = new Map<string, ConsumedRecord[]>();
  for (const record of records) byKey.set(record.key, [...(byKey.get(record.key) ?? []), record]);
  for (const [key, keyed] of byKey) {
    const partitions = new Set(keyed.map((record) => record.partition));
    if (partitions.size !== 1) problems.push(`program ${key} is spread over partitions ${[...partitions].join(', ')}`);
    const firstSeen: string[] = [];
    const seen = new Set<string>();
    for (const record of [...keyed].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))) {
      if (seen.has(record.headers.ce_id)) continue;
      seen.add(record.headers.ce_id);
      firstSeen.push(record.headers.ce_id);
    }
    const inLogOrder = expected.filter((event) => (event.data as { programId?: string }).programId === key).map((event) => event.id);
    const arrived = inLogOrder.filter((id) => seen.has(id));
    if (firstSeen.join() !== arrived.join()) {
      const at = firstSeen.findIndex((id, index) => id !== arrived[index]);
      problems.push(`program ${key}: events out of log order from its ${at + 1}th event (${firstSeen[at]} where ${arrived[at]} belongs)`);
    }
  }
  return problems;
}

/** How many records repeat an earlier ce_id (allowed: delivery is at least once). */
export function repeats(records: readonly ConsumedRecord[]): number {
  return records.length - new Set(records.map((record) => record.headers.ce_id)).size;
}
