import {
  ExistingProgram,
  PairCommand,
  ProgramEvent,
  pairContextOf,
  pairDecider,
  pairStreamName,
  pairsEndedBy,
} from '@flipside/domain';
import { CommandContext } from './command-context';
import { DecisionRecorder } from './decision-recorder';
import { pairKeyOwners } from './key-owners';
import { StreamStates } from './stream-states';

/** A program decision's origin, as its fences record it. */
export interface FencedDecision {
  /** The program command, e.g. 'WithdrawParticipant': every fence's metadata names it. */
  readonly command: string;
  readonly context: CommandContext;
  /** An end for inactivity names the day it counted from (EndInactivePair): a session held since refuses the end. */
  readonly lastActiveOn?: string;
}

/**
 * The fence of a pair: `PairClosed` in the pair's own stream, recorded (ClosePair) before the program stream's
 * PairEnded, so that nothing a pair command records can follow the end in log order. A pair command is refused
 * once its stream holds the fence, whatever program state it was decided with.
 */
export class PairFence {
  constructor(
    private readonly recorder: DecisionRecorder,
    private readonly states: StreamStates,
  ) {}

  /** The work of fencing every pair the decided events end, or undefined when they end none. */
  before(program: ExistingProgram, events: readonly ProgramEvent[], decision: FencedDecision): (() => Promise<unknown>) | undefined {
    const ended = pairsEndedBy(events);
    if (ended.length === 0) return undefined;
    return () => Promise.all(ended.map((end) => this.close(program, end, decision)));
  }

  private async close(
    program: ExistingProgram,
    { pairId, reason, endedOn }: ReturnType<typeof pairsEndedBy>[number],
    { command, context, lastActiveOn }: FencedDecision,
  ): Promise<void> {
    const streamName = pairStreamName(pairId);
    // A fence never comes down: one this process holds needs no read to confirm.
    if (this.states.cached(pairDecider, streamName)?.state.closed) return;
    // If-Match names the program's revision, and the program command's execution is the one to mark.
    const fenceContext: CommandContext = { ...context, ifMatch: undefined, execution: undefined };
    const data = { reason, closedOn: endedOn, ...(reason === 'inactive' && lastActiveOn !== undefined ? { lastActiveOn } : {}) };
    await this.recorder.record({
      decider: pairDecider,
      streamName,
      command,
      context: fenceContext,
      id: pairId,
      prepare: () => ({
        command: { type: 'ClosePair', data, context: pairContextOf(program, pairId), now: context.now } as PairCommand,
        organizationId: program.organizationId,
      }),
      keyOwners: () => pairKeyOwners(program, pairId),
    });
  }
}
