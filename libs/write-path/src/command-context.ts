/** Who sends a command: a user's verified claims, or a system actor such as the engagement automation. */
export interface CommandActor {
  /** A user id (a participant's is their person id), or a system actor's name, e.g. 'system:engagement'. */
  readonly id: string;
  readonly roles: readonly string[];
  /** The organization whose programs this actor may act on. */
  readonly organizationId: string;
}

/** Everything about a command the write path records besides its own data; no transport in it. */
export interface CommandContext {
  readonly actor: CommandActor;
  /** Ties together everything one user action (or one automation run) caused. */
  readonly correlationId: string;
  /** What caused this command (a request id, the event that armed a timer): the cause of the events it records. */
  readonly causationId: string;
  readonly idempotencyKey?: string;
  /** The revision the sender last saw; a different one is refused with StaleRevision. */
  readonly ifMatch?: bigint;
  /** The command's time, passed into the deciders (they never read a clock). */
  readonly now: string;
  /** Marked by the write path when the command starts executing (see CommandExecution). */
  readonly execution?: CommandExecution;
  /**
   * The id of each event the command records, when the sender must be able to repeat it with the same ids (the
   * automation derives them from the timer that fired: a re-run after a crash appends nothing twice). Default: random.
   */
  readonly eventIdFor?: (streamName: string, indexInDecision: number) => string;
}

/** Whether a command started executing: a refusal before that spent nothing (e.g. an Idempotency-Key). */
export interface CommandExecution {
  started: boolean;
}
