import { ProcessorState, ProcessorStatusSnapshot } from '../engine/processor-status';
import { Anchor, AnchorRecord } from './anchor-ledger';

/**
 * What the audit anchor processor is doing, as /health's `auditAnchors` section shows it (the engine's figures in
 * the words dashboards read before the engine, and the processor's own):
 *   standby    another instance holds the lease; this one takes over when it goes away
 *   anchoring  this instance follows the log, keeps the stream heads and writes anchors
 *   retrying   PostgreSQL or the event store failed; it starts over from its checkpoint shortly
 *   stopped    the process is shutting down
 * Publishing is reported beside it: off without KAFKA_BROKERS, else whether Kafka took the last send.
 */
export type AnchorState = 'starting' | 'standby' | 'anchoring' | 'retrying' | 'stopped';

export interface AnchorStatusSnapshot {
  readonly state: AnchorState;
  readonly everySeconds: number;
  readonly topic: string;
  /** False without KAFKA_BROKERS: anchors are still written, and wait in audit.anchors until it is set. */
  readonly publishing: boolean;
  /** True while the last send to Kafka succeeded. */
  readonly connected: boolean;
  readonly leaseHeld: boolean;
  /** Every event up to this position is in the stream heads. */
  readonly checkpoint: string | null;
  readonly caughtUp: boolean;
  /** Anchors written (and published) since this process started. */
  readonly anchorsWritten: number;
  readonly anchorsPublished: number;
  /** Anchors in audit.anchors that Kafka has not acknowledged yet. */
  readonly unpublishedAnchors: number;
  readonly lastAnchor: AnchorRecord | null;
  readonly lastError: { readonly message: string; readonly at: string } | null;
}

/** The processor's own figures, which the engine does not know; /health adds them to its entry. */
export interface AnchorFigures {
  readonly everySeconds: number;
  readonly topic: string;
  readonly publishing: boolean;
  readonly connected: boolean;
  readonly anchorsWritten: number;
  readonly anchorsPublished: number;
  readonly unpublishedAnchors: number;
  readonly lastAnchor: AnchorRecord | null;
  readonly lastBrokerError: { readonly message: string; readonly at: string } | null;
}

const ANCHOR_STATE: Record<ProcessorState, AnchorState> = {
  starting: 'starting',
  disabled: 'stopped',
  standby: 'standby',
  rebuilding: 'anchoring',
  'catching-up': 'anchoring',
  live: 'anchoring',
  retrying: 'retrying',
  halted: 'retrying',
  stopped: 'stopped',
};

/** Mutable figures owned by the processor; readers take snapshots. */
export class AnchorStatus {
  private connected = false;
  private anchorsWritten = 0;
  private anchorsPublished = 0;
  private unpublishedAnchors = 0;
  private lastAnchor: AnchorRecord | null = null;
  private lastBrokerError: AnchorFigures['lastBrokerError'] = null;

  constructor(
    readonly everySeconds: number,
    readonly topic: string,
    readonly publishing: boolean,
  ) {}

  figures(): AnchorFigures {
    return {
      everySeconds: this.everySeconds,
      topic: this.topic,
      publishing: this.publishing,
      connected: this.connected,
      anchorsWritten: this.anchorsWritten,
      anchorsPublished: this.anchorsPublished,
      unpublishedAnchors: this.unpublishedAnchors,
      lastAnchor: this.lastAnchor,
      lastBrokerError: this.lastBrokerError,
    };
  }

  /** The `auditAnchors` section of /health: the engine's figures for the processor, and its own. */
  snapshot(engine: ProcessorStatusSnapshot): AnchorStatusSnapshot {
    const broker = this.lastBrokerError;
    const lastError = !broker || (engine.lastError && engine.lastError.at > broker.at) ? engine.lastError : broker;
    return {
      state: ANCHOR_STATE[engine.state],
      everySeconds: this.everySeconds,
      topic: this.topic,
      publishing: this.publishing,
      connected: this.connected,
      leaseHeld: engine.leaseHeld,
      checkpoint: engine.checkpoint,
      caughtUp: engine.caughtUp,
      anchorsWritten: this.anchorsWritten,
      anchorsPublished: this.anchorsPublished,
      unpublishedAnchors: this.unpublishedAnchors,
      lastAnchor: this.lastAnchor,
      lastError,
    };
  }

  /** What is stored when a session starts. */
  sessionStarted(stored: { lastAnchor: AnchorRecord | undefined; unpublished: number }): void {
    this.lastAnchor = stored.lastAnchor ?? null;
    this.unpublishedAnchors = stored.unpublished;
  }

  /** An anchor committed with its batch. */
  anchored(anchor: Anchor): void {
    this.anchorsWritten++;
    this.unpublishedAnchors++;
    this.lastAnchor = { anchorId: anchor.anchorId, position: anchor.position, digest: anchor.digest, streams: anchor.streams, anchoredAt: anchor.anchoredAt, publishedAt: null };
  }

  published(anchorIds: readonly number[], at: Date): void {
    this.connected = true;
    this.anchorsPublished += anchorIds.length;
    this.unpublishedAnchors = Math.max(0, this.unpublishedAnchors - anchorIds.length);
    if (this.lastAnchor && anchorIds.includes(this.lastAnchor.anchorId)) this.lastAnchor = { ...this.lastAnchor, publishedAt: at.toISOString() };
  }

  brokerFailed(error: unknown): void {
    this.connected = false;
    this.lastBrokerError = { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
  }
}
