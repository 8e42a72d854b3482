import { Anchor, AnchorRecord } from './anchor-ledger';

/**
 * What the audit anchor processor is doing, for the projector's /health and /metrics (plain data, JSON-ready).
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

/** Mutable status owned by the processor; readers take snapshots. */
export class AnchorStatus {
  private state: AnchorState = 'starting';
  private connected = false;
  private leaseHeld = false;
  private checkpoint: string | null = null;
  private caughtUp = false;
  private anchorsWritten = 0;
  private anchorsPublished = 0;
  private unpublishedAnchors = 0;
  private lastAnchor: AnchorRecord | null = null;
  private lastError: AnchorStatusSnapshot['lastError'] = null;

  constructor(
    readonly everySeconds: number,
    readonly topic: string,
    readonly publishing: boolean,
  ) {}

  snapshot(): AnchorStatusSnapshot {
    return {
      state: this.state,
      everySeconds: this.everySeconds,
      topic: this.topic,
      publishing: this.publishing,
      connected: this.connected,
      leaseHeld: this.leaseHeld,
      checkpoint: this.checkpoint,
      caughtUp: this.caughtUp,
      anchorsWritten: this.anchorsWritten,
      anchorsPublished: this.anchorsPublished,
      unpublishedAnchors: this.unpublishedAnchors,
      lastAnchor: this.lastAnchor,
      lastError: this.lastError,
    };
  }

  standingBy(): void {
    this.state = 'standby';
    this.leaseHeld = false;
  }

  leaseTaken(held: { checkpoint: string; lastAnchor: AnchorRecord | undefined; unpublished: number }): void {
    this.state = 'anchoring';
    this.leaseHeld = true;
    this.caughtUp = false;
    this.checkpoint = held.checkpoint;
    this.lastAnchor = held.lastAnchor ?? null;
    this.unpublishedAnchors = held.unpublished;
  }

  leaseReleased(): void {
    this.leaseHeld = false;
  }

  reachedLiveEvents(): void {
    this.caughtUp = true;
  }

  /** A batch (and perhaps an anchor) committed with the checkpoint. */
  advanced(checkpoint: string, anchor: Anchor | undefined): void {
    this.state = 'anchoring';
    this.checkpoint = checkpoint;
    if (!anchor) return;
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

  failed(error: unknown, options: { brokerDown: boolean }): void {
    if (options.brokerDown) this.connected = false;
    else if (this.state !== 'stopped') this.state = 'retrying';
    this.lastError = { message: error instanceof Error ? error.message : String(error), at: new Date().toISOString() };
  }

  stopped(): void {
    this.state = 'stopped';
    this.leaseHeld = false;
  }
}
