import { Filter, streamNameFilter } from '@eventstore/db-client';

/** Stream categories the product writes; everything else in $all (system streams, other tools) is not ours. */
export const DEFAULT_PRODUCT_STREAM_PREFIXES: readonly string[] = ['program-', 'pair-'];

/**
 * Which $all events the product sees: streams of its categories, never system events. The server filters by
 * stream-name prefix; `includes` re-checks on our side, because a server filter is on streams or on types, not both.
 */
export class ProductStreams {
  readonly prefixes: readonly string[];

  constructor(prefixes: readonly string[] = DEFAULT_PRODUCT_STREAM_PREFIXES) {
    if (prefixes.length === 0) throw new RangeError('At least one product stream prefix is needed');
    const system = prefixes.find((prefix) => prefix === '' || prefix.startsWith('$'));
    if (system !== undefined) {
      throw new RangeError(`Product stream prefixes must be non-empty and not system ($) streams: "${system}"`);
    }
    this.prefixes = [...prefixes];
  }

  includes(event: { readonly streamName: string; readonly type: string }): boolean {
    return !event.type.startsWith('$') && this.prefixes.some((prefix) => event.streamName.startsWith(prefix));
  }

  serverFilter(): Filter {
    return streamNameFilter({ prefixes: [...this.prefixes] });
  }
}
