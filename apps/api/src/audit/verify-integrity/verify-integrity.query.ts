import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { ChainFailure, Seal, StreamChainVerifier, programStreams, sealData } from '@flipside/audit';
import { EVENT_STORE, EventStore, RecordedEvent, StreamNotFoundError } from '@flipside/event-store';
import { problems } from '../../http/problem';
import { Actor } from '../../identity/actor';
import { ProgramAccess } from '@flipside/write-path';
import { SEAL } from '../audit.tokens';
import { AnchorSummary, AnchoredHead, AnchoredHeads } from './anchored-heads';

/** What GET /v1/programs/{programId}/integrity answers. */
export interface IntegrityReport {
  /** True when every stream's chain holds and matches the latest anchor. */
  verified: boolean;
  streams: number;
  /** Events checked (a failed stream is checked up to its first broken link). */
  events: number;
  /** Events written before hashing existed: each stream's unchained prefix, reported, not failed. */
  unchainedEvents: number;
  /** The head hash of each stream that holds events and verified. */
  heads: Record<string, string>;
  anchor: AnchorSummary | null;
  /** The first broken link, in stream order (the program stream, then its pairs in the order they formed). */
  failure?: ChainFailure;
}

export class VerifyIntegrityQuery extends Query<IntegrityReport> {
  constructor(
    readonly programId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** Events read per round trip: a long stream is verified in pages, in bounded memory. */
const PAGE_SIZE = 1000;

interface StreamCheck {
  readonly events: number;
  readonly unchainedEvents: number;
  readonly head?: string;
  readonly failure?: ChainFailure;
}

/**
 * Recomputes every link of every stream of a program from the stored events (confidential fields sealed with
 * the store's key), and holds each stream's anchored head against the stored event at that revision.
 */
@QueryHandler(VerifyIntegrityQuery)
export class VerifyIntegrityHandler implements IQueryHandler<VerifyIntegrityQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SEAL) private readonly seal: Seal,
    private readonly programs: ProgramAccess,
    private readonly anchors: AnchoredHeads,
  ) {}

  async execute({ programId, actor }: VerifyIntegrityQuery): Promise<IntegrityReport> {
    await this.programs.load(programId, actor);
    // The anchor before the streams: whatever it names was stored before it was taken, so is read below.
    const anchor = await this.anchors.latest();
    const program = await programStreams(this.store, programId);
    if (!program) throw problems.notFound(`Program ${programId} was not found`, 'program-not-found');
    const anchored = anchor ? await this.anchors.headsOf(program.streamNames, anchor) : new Map<string, AnchoredHead>();
    const report: IntegrityReport = { verified: true, streams: 0, events: 0, unchainedEvents: 0, heads: {}, anchor };
    for (const [index, stream] of program.streamNames.entries()) {
      const pages = index === 0 ? single(program.programEvents) : this.pagesOf(stream);
      const check = await this.check(stream, pages, anchored.get(stream));
      report.streams += 1;
      report.events += check.events;
      report.unchainedEvents += check.unchainedEvents;
      if (check.head) report.heads[stream] = check.head;
      if (check.failure && report.verified) {
        report.verified = false;
        report.failure = check.failure;
      }
    }
    return report;
  }

  private async check(stream: string, pages: AsyncIterable<readonly RecordedEvent[]>, anchored?: AnchoredHead): Promise<StreamCheck> {
    const verifier = new StreamChainVerifier(stream);
    let failure: ChainFailure | undefined;
    let anchoredHash: string | undefined;
    reading: for await (const page of pages) {
      for (const event of page) {
        if (!verifier.add({ ...event, data: sealData(event.type, event.id, event.data, this.seal) })) break reading;
        if (anchored && event.revision === anchored.revision) {
          anchoredHash = String(event.metadata.hash);
          if (anchoredHash !== anchored.hash) {
            failure = anchorFailure(stream, anchored, 'anchor-mismatch', anchoredHash);
            break reading;
          }
        }
      }
    }
    const result = verifier.result();
    failure ??= result.failure;
    // The stream ends before the revision an outside party saw: its tail was cut off.
    if (!failure && anchored && anchoredHash === undefined) failure = anchorFailure(stream, anchored, 'missing-anchored-event', 'none');
    return {
      events: result.events,
      unchainedEvents: result.unchainedEvents,
      ...(failure || result.events === 0 ? {} : { head: result.head }),
      ...(failure ? { failure } : {}),
    };
  }

  private async *pagesOf(stream: string): AsyncIterable<readonly RecordedEvent[]> {
    for (let fromRevision = 0n; ; ) {
      let page: RecordedEvent[];
      try {
        page = await this.store.readStream(stream, { fromRevision, maxCount: PAGE_SIZE });
      } catch (error) {
        // A pair formed but never written to has no stream yet.
        if (error instanceof StreamNotFoundError) return;
        throw error;
      }
      if (page.length > 0) yield page;
      if (page.length < PAGE_SIZE) return;
      fromRevision = page[page.length - 1].revision + 1n;
    }
  }
}

async function* single(events: readonly RecordedEvent[]): AsyncIterable<readonly RecordedEvent[]> {
  yield events;
}

const anchorFailure = (stream: string, anchored: AnchoredHead, reason: 'anchor-mismatch' | 'missing-anchored-event', actual: string): ChainFailure => ({
  stream,
  revision: anchored.revision.toString(),
  reason,
  expected: anchored.hash,
  actual,
});
