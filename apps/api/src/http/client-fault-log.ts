import { Logger } from '@nestjs/common';

export const CLIENT_FAULT_LOG_WINDOW_MS = 10_000;

/**
 * One-line warnings about faults on the client's side of the wire (hang-ups, stalled or corrupt bodies): at most one
 * line per kind per window, telling how many of that kind were left out since, so a flood of them cannot flood the log.
 * Lines name the kind, method and route only: never a body, a query or a header.
 */
export class ClientFaultLog {
  private readonly logger = new Logger('ClientFault');
  private readonly kinds = new Map<string, { lastLineAt: number; leftOut: number }>();

  constructor(
    private readonly windowMs = CLIENT_FAULT_LOG_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  warn(kind: string, method: string, path: string): void {
    const now = this.now();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.lastLineAt < this.windowMs) {
      seen.leftOut += 1;
      return;
    }
    const leftOut = seen?.leftOut ? ` (${seen.leftOut} more of this kind since the last line)` : '';
    this.kinds.set(kind, { lastLineAt: now, leftOut: 0 });
    this.logger.warn(`${kind}: ${method} ${path.slice(0, 200)}${leftOut}`);
  }
}
