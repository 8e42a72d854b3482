import { RuleViolation } from '@flipside/domain';

/** Why the write path refused a command; nothing was recorded. Transports map each kind to their own answer. */
export abstract class WritePathError extends Error {}

/** A domain rule refused the command (the decider's violation, or a program not visible to the actor). */
export class CommandRefused extends WritePathError {
  constructor(readonly violation: RuleViolation) {
    super(violation.message);
    this.name = 'CommandRefused';
  }
}

/** The actor may not send this command (its role, or not a member of the pair). */
export class AccessDenied extends WritePathError {
  constructor(detail: string) {
    super(detail);
    this.name = 'AccessDenied';
  }
}

/** The stream is not at the revision the sender last saw (its If-Match). */
export class StaleRevision extends WritePathError {
  constructor(
    readonly expected: bigint,
    /** The stream's revision (-1 or 'no_stream': it has no events). */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Expected revision ${expected} but the stream is at ${actual}`);
    this.name = 'StaleRevision';
  }
}

/** Other writers moved the stream on every time the command was decided; retrying later is safe. */
export class StreamBusy extends WritePathError {
  constructor(
    readonly streamName: string,
    readonly attempts: number,
  ) {
    super(`${streamName} changed ${attempts} times while this command was being decided`);
    this.name = 'StreamBusy';
  }
}

/** A decision with nothing to record answers the stream's head, and the stream holds no events. */
export class StreamNotFound extends WritePathError {
  constructor(readonly streamName: string) {
    super(`${streamName} holds no events`);
    this.name = 'StreamNotFound';
  }
}
