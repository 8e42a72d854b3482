import { todayOf } from '../shared/calendar';
import { accept, Decider, Decision, reject } from '../shared/decider';
import { conflict, invalid, notFound, RuleViolation } from '../shared/rule-violation';
import {
  Check,
  checkDate,
  checkId,
  checkListSize,
  checkOneOf,
  checkOptionalText,
  checkText,
  checkTextList,
  checkWholeNumber,
  firstViolation,
} from '../shared/value-rules';
import {
  FIT_ANSWERS,
  FOCUS_AREAS,
  LIMITS,
  PAIR_END_REASONS,
  PAIR_FLAGS,
  PARTICIPANT_ROLES,
  SESSION_FORMATS,
} from '../vocabulary';
import {
  AchieveObjective,
  ClosePair,
  DropObjective,
  FlagPair,
  GiveFeedback,
  LogSession,
  PairCommand,
  RecordObjectiveProgress,
  RequestFeedback,
  SetObjective,
  WarnPairEnding,
} from './pair.commands';
import { KnownPairContext, PairContext } from './pair.context';
import { ActionItem, PairEvent, SessionHeld, FeedbackGiven } from './pair.events';
import {
  evolvePair,
  feedbackRequestKey,
  initialPairState,
  openObjectives,
  PairObjective,
  PairState,
} from './pair.state';

export function pairStreamName(pairId: string): string {
  return `pair-${pairId}`;
}

/**
 * Order of checks for every command: the pair must not be fenced off (PairClosed in its own stream), then it must
 * be running in an active program (from the command's context), then the command's values must be in range
 * ('invalid'; this includes dates and areas that the program's settings rule out), then the rules given the
 * pair's history ('conflict' / 'not-found'). ClosePair, the fence itself, only needs a pair the program knows.
 */
export function decidePair(command: PairCommand, state: PairState): Decision<PairEvent> {
  if (command.type === 'ClosePair') return closePair(command, state);
  if (state.closed) {
    const { reason, closedOn } = state.closed;
    return reject(
      conflict('pair-ended', `Pair "${command.context.pairId}" ended on ${closedOn} (${reason}); it records nothing more.`),
    );
  }
  const gate = runningPair(command.context);
  if ('violation' in gate) return reject(gate.violation);
  const { pair } = gate;
  const today = todayOf(command.now);
  switch (command.type) {
    case 'SetObjective':
      return setObjective(command.data, pair, state, today);
    case 'RecordObjectiveProgress':
      return recordObjectiveProgress(command.data, pair, state, today);
    case 'AchieveObjective':
      return achieveObjective(command.data, pair, state, today);
    case 'DropObjective':
      return dropObjective(command.data, pair, state, today);
    case 'LogSession':
      return logSession(command.data, pair, state, today);
    case 'GiveFeedback':
      return giveFeedback(command.data, pair, state, today);
    case 'FlagPair':
      return flagPair(command.data, pair, state, today);
    case 'WarnPairEnding':
      return warnPairEnding(command.data, pair, state, today);
    case 'RequestFeedback':
      return requestFeedback(command.data, pair, state);
    default:
      return unknownCommand(command);
  }
}

export const pairDecider: Decider<PairCommand, PairEvent, PairState> = {
  decide: decidePair,
  evolve: evolvePair,
  initialState: initialPairState,
};

/** A pair's commands are accepted only while the program is active and the pair has not ended. */
function runningPair(context: PairContext): { pair: KnownPairContext } | { violation: RuleViolation } {
  if (context.programStatus === 'none') {
    return { violation: notFound('program-not-found', `There is no program for pair "${context.pairId}".`) };
  }
  if (context.pairStatus === 'unknown') {
    return { violation: notFound('pair-not-found', `There is no pair "${context.pairId}" in this program.`) };
  }
  if (context.programStatus === 'closed') {
    return { violation: conflict('program-closed', `The program has been closed; pair "${context.pairId}" can no longer record anything.`) };
  }
  if (context.programStatus !== 'active') {
    return { violation: conflict('program-not-active', `The program has not been launched yet.`) };
  }
  if (context.pairStatus === 'ended') {
    return { violation: conflict('pair-ended', `Pair "${context.pairId}" has ended; it can no longer record anything.`) };
  }
  return { pair: context };
}

function setObjective(
  data: SetObjective['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('objectiveId', 'Objective id', data.objectiveId),
    checkText('title', 'Title', data.title, LIMITS.objectiveTitle),
    checkOneOf('area', 'Area', data.area, FOCUS_AREAS),
    checkText('successCriteria', 'Success criteria', data.successCriteria, LIMITS.successCriteria),
    checkDate('targetDate', 'Target date', data.targetDate),
    checkWholeNumber('baselineLevel', 'Baseline level', data.baselineLevel, LIMITS.level),
    checkWholeNumber('targetLevel', 'Target level', data.targetLevel, LIMITS.level),
  );
  if (violation) return reject(violation);
  const settingsViolation = firstViolation(
    pair.focusAreas.includes(data.area)
      ? undefined
      : invalid(
          'area',
          'area-outside-program-focus',
          `This program focuses on ${pair.focusAreas.join(', ')}; an objective about ${data.area} does not fit it.`,
        ),
    checkWithinProgram('targetDate', 'The target date', data.targetDate, pair),
    data.targetLevel > data.baselineLevel
      ? undefined
      : invalid(
          'targetLevel',
          'target-above-baseline',
          `The target level must be above the baseline: the baseline is ${data.baselineLevel}, the target ${data.targetLevel}.`,
        ),
  );
  if (settingsViolation) return reject(settingsViolation);

  const existing = state.objectives[data.objectiveId];
  if (existing) {
    return reject(
      conflict('objective-already-exists', `This pair already has an objective "${existing.objectiveId}".`),
    );
  }
  const open = openObjectives(state);
  if (open.length >= LIMITS.openObjectivesPerPair.max) {
    return reject(
      conflict(
        'open-objectives-limit',
        `A pair works on at most ${LIMITS.openObjectivesPerPair.max} objectives at a time and this pair has ${open.length} open; achieve or drop one first.`,
      ),
    );
  }
  return accept({
    type: 'ObjectiveSet',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      objectiveId: data.objectiveId,
      title: data.title,
      area: data.area,
      successCriteria: data.successCriteria,
      targetDate: data.targetDate,
      baselineLevel: data.baselineLevel,
      targetLevel: data.targetLevel,
      setOn: today,
    },
  });
}

function recordObjectiveProgress(
  data: RecordObjectiveProgress['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('objectiveId', 'Objective id', data.objectiveId),
    checkWholeNumber('level', 'Level', data.level, LIMITS.level),
    checkText('note', 'Note', data.note, LIMITS.progressNote),
  );
  if (violation) return reject(violation);
  const objective = openObjective(state, data.objectiveId);
  if ('violation' in objective) return reject(objective.violation);
  return accept({
    type: 'ObjectiveProgressRecorded',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      objectiveId: data.objectiveId,
      level: data.level,
      note: data.note,
      recordedOn: today,
    },
  });
}

function achieveObjective(
  data: AchieveObjective['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('objectiveId', 'Objective id', data.objectiveId),
    checkWholeNumber('finalLevel', 'Final level', data.finalLevel, LIMITS.level),
  );
  if (violation) return reject(violation);
  const objective = openObjective(state, data.objectiveId);
  if ('violation' in objective) return reject(objective.violation);
  return accept({
    type: 'ObjectiveAchieved',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      objectiveId: data.objectiveId,
      finalLevel: data.finalLevel,
      achievedOn: today,
    },
  });
}

function dropObjective(
  data: DropObjective['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('objectiveId', 'Objective id', data.objectiveId),
    checkText('reason', 'Reason', data.reason, LIMITS.dropReason),
  );
  if (violation) return reject(violation);
  const objective = openObjective(state, data.objectiveId);
  if ('violation' in objective) return reject(objective.violation);
  return accept({
    type: 'ObjectiveDropped',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      objectiveId: data.objectiveId,
      reason: data.reason,
      droppedOn: today,
    },
  });
}

/** Progress, achievement and dropping apply only to an objective still open. */
function openObjective(state: PairState, objectiveId: string): { objective: PairObjective } | { violation: RuleViolation } {
  const objective = state.objectives[objectiveId];
  if (!objective) {
    return { violation: notFound('objective-not-found', `This pair has no objective "${objectiveId}".`) };
  }
  if (objective.status !== 'open') {
    return {
      violation: conflict(
        'objective-not-open',
        `Objective "${objective.objectiveId}" was already ${objective.status} on ${objective.closedOn}; it can no longer change.`,
      ),
    };
  }
  return { objective };
}

function logSession(
  data: LogSession['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('sessionId', 'Session id', data.sessionId),
    checkDate('heldOn', 'Session date', data.heldOn),
    checkWholeNumber('durationMinutes', 'Duration in minutes', data.durationMinutes, LIMITS.durationMinutes),
    checkOneOf('format', 'Format', data.format, SESSION_FORMATS),
    data.topics === undefined
      ? undefined
      : checkTextList('topics', 'Topics', data.topics, LIMITS.topicsPerSession, LIMITS.topic),
    checkText('insights', 'Insights', data.insights, LIMITS.insights),
    data.actionItems === undefined ? undefined : checkActionItems(data.actionItems, data.heldOn),
    checkOptionalText('confidentialNotes', 'Confidential notes', data.confidentialNotes, LIMITS.confidentialNotes),
  );
  if (violation) return reject(violation);
  const dateViolation = firstViolation(
    data.heldOn > today
      ? invalid(
          'heldOn',
          'date-in-future',
          `A session can only be logged once it has taken place: ${data.heldOn} is after today, ${today}.`,
        )
      : undefined,
    data.heldOn < pair.pairedOn
      ? invalid(
          'heldOn',
          'session-before-pairing',
          `The session on ${data.heldOn} is before the pair was formed on ${pair.pairedOn}.`,
        )
      : undefined,
    checkWithinProgram('heldOn', 'The session date', data.heldOn, pair),
  );
  if (dateViolation) return reject(dateViolation);

  const existing = state.sessions[data.sessionId];
  if (existing) {
    return reject(
      conflict('session-already-logged', `Session "${data.sessionId}" was already logged (held on ${existing.heldOn}).`),
    );
  }
  const held: SessionHeld = {
    type: 'SessionHeld',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      sessionId: data.sessionId,
      heldOn: data.heldOn,
      durationMinutes: data.durationMinutes,
      format: data.format,
      topics: [...(data.topics ?? [])],
      insights: data.insights,
      actionItems: (data.actionItems ?? []).map(({ description, owner, dueOn }) => ({ description, owner, dueOn })),
      ...(data.confidentialNotes !== undefined && { confidentialNotes: data.confidentialNotes }),
      loggedOn: today,
    },
  };
  return accept(held);
}

function checkActionItems(items: unknown, heldOn: string): Check {
  if (!Array.isArray(items)) return invalid('actionItems', 'list-required', 'Action items must be a list.');
  const list: readonly unknown[] = items;
  const sizeCheck = checkListSize('actionItems', 'Action items', list, LIMITS.actionItemsPerSession);
  if (sizeCheck) return sizeCheck;
  return firstViolation(...list.map((item, index) => checkActionItem(item, index, heldOn)));
}

function checkActionItem(item: unknown, index: number, heldOn: string): Check {
  const at = `actionItems[${index}]`;
  const fields: Partial<Record<keyof ActionItem, unknown>> = typeof item === 'object' && item !== null ? item : {};
  const violation = firstViolation(
    checkText(`${at}.description`, `Action item ${index + 1}'s description`, fields.description, LIMITS.actionItemDescription),
    checkOneOf(`${at}.owner`, `Action item ${index + 1}'s owner`, fields.owner, PARTICIPANT_ROLES),
    checkDate(`${at}.dueOn`, `Action item ${index + 1}'s due date`, fields.dueOn),
  );
  if (violation) return violation;
  const { dueOn } = fields as ActionItem;
  if (dueOn < heldOn) {
    return invalid(
      `${at}.dueOn`,
      'action-due-after-session',
      `Action item ${index + 1} is due on ${dueOn}, before the session itself on ${heldOn}.`,
    );
  }
  return undefined;
}

function giveFeedback(
  data: GiveFeedback['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('feedbackId', 'Feedback id', data.feedbackId),
    data.sessionId === undefined ? undefined : checkId('sessionId', 'Session id', data.sessionId),
    checkOneOf('fromRole', 'From role', data.fromRole, PARTICIPANT_ROLES),
    checkId('givenBy', 'Given by', data.givenBy),
    checkWholeNumber('rating', 'Rating', data.rating, LIMITS.rating),
    checkText('comment', 'Comment', data.comment, LIMITS.feedbackComment),
    checkOneOf('fit', 'Fit', data.fit, FIT_ANSWERS),
  );
  if (violation) return reject(violation);

  if (state.feedback[data.feedbackId]) {
    return reject(conflict('feedback-already-exists', `Feedback "${data.feedbackId}" was already recorded.`));
  }
  if (data.sessionId !== undefined && !state.sessions[data.sessionId]) {
    return reject(notFound('session-not-found', `This pair has no session "${data.sessionId}".`));
  }
  const memberInRole = data.fromRole === 'mentor' ? pair.mentorId : pair.menteeId;
  if (data.givenBy !== memberInRole) {
    const actualRole =
      data.givenBy === pair.mentorId ? "this pair's mentor" : data.givenBy === pair.menteeId ? "this pair's mentee" : 'not a member of this pair';
    return reject(
      conflict(
        'feedback-from-pair-member',
        `Feedback as the ${data.fromRole} can only be given by the pair's ${data.fromRole}, ${memberInRole}; "${data.givenBy}" is ${actualRole}.`,
      ),
    );
  }
  if (data.sessionId !== undefined) {
    const sessionId = data.sessionId;
    const earlier = Object.values(state.feedback).find(
      (feedback) => feedback.sessionId === sessionId && feedback.givenBy === data.givenBy,
    );
    if (earlier) {
      return reject(
        conflict(
          'feedback-once-per-session',
          `The ${data.fromRole} (${data.givenBy}) already gave feedback on session "${sessionId}" (feedback "${earlier.feedbackId}").`,
        ),
      );
    }
  }
  const given: FeedbackGiven = {
    type: 'FeedbackGiven',
    data: {
      programId: pair.programId,
      pairId: pair.pairId,
      feedbackId: data.feedbackId,
      ...(data.sessionId !== undefined && { sessionId: data.sessionId }),
      fromRole: data.fromRole,
      givenBy: data.givenBy,
      rating: data.rating,
      comment: data.comment,
      fit: data.fit,
      givenOn: today,
    },
  };
  return accept(given);
}

/**
 * The fence, recorded by the write path before the program stream's PairEnded: it must not depend on the
 * program being active (the program may be closing as it is written), only on the program knowing the pair.
 */
function closePair({ data, context }: ClosePair, state: PairState): Decision<PairEvent> {
  if (context.programStatus === 'none') {
    return reject(notFound('program-not-found', `There is no program for pair "${context.pairId}".`));
  }
  if (context.pairStatus === 'unknown') {
    return reject(notFound('pair-not-found', `There is no pair "${context.pairId}" in this program.`));
  }
  const violation = firstViolation(
    checkOneOf('reason', 'Reason', data.reason, PAIR_END_REASONS),
    checkDate('closedOn', 'Closing date', data.closedOn),
    data.lastActiveOn === undefined ? undefined : checkDate('lastActiveOn', 'Last active day', data.lastActiveOn),
  );
  if (violation) return reject(violation);
  if (state.closed) return accept();
  // The automation may count from facts a moment old: a session it has not seen yet keeps the pair going.
  if (data.lastActiveOn !== undefined && state.lastSessionOn !== undefined && state.lastSessionOn > data.lastActiveOn) {
    return reject(
      conflict('pair-active-again', `Pair "${context.pairId}" held a session on ${state.lastSessionOn}, after ${data.lastActiveOn}; it is not inactive.`),
    );
  }
  return accept({
    type: 'PairClosed',
    data: { programId: context.programId, pairId: context.pairId, reason: data.reason, closedOn: data.closedOn },
  });
}

function flagPair(data: FlagPair['data'], pair: KnownPairContext, state: PairState, today: string): Decision<PairEvent> {
  const violation = firstViolation(
    checkOneOf('flag', 'Flag', data.flag, PAIR_FLAGS),
    checkDate('since', 'Flagged since', data.since),
    checkDate('lapseStartedOn', 'Lapse start date', data.lapseStartedOn),
  );
  if (violation) return reject(violation);
  const dateViolation = firstViolation(
    checkNotAfterToday('since', 'The flag date', data.since, today),
    data.lapseStartedOn > data.since
      ? invalid(
          'lapseStartedOn',
          'lapse-before-flag',
          `A lapse that started on ${data.lapseStartedOn} cannot be flagged since ${data.since}, before it started.`,
        )
      : undefined,
  );
  if (dateViolation) return reject(dateViolation);
  // Once per episode: an open flag stays until a session clears it.
  if (state.openFlags[data.flag] !== undefined) return accept();
  const metSinceLapse =
    data.flag === 'no-first-session'
      ? Object.keys(state.sessions).length > 0
      : state.lastSessionOn !== undefined && state.lastSessionOn > data.lapseStartedOn;
  if (metSinceLapse) return accept();
  return accept({
    type: 'PairFlagged',
    data: { programId: pair.programId, pairId: pair.pairId, flag: data.flag, since: data.since },
  });
}

function warnPairEnding(
  data: WarnPairEnding['data'],
  pair: KnownPairContext,
  state: PairState,
  today: string,
): Decision<PairEvent> {
  const violation = firstViolation(
    checkDate('endsOn', 'End date', data.endsOn),
    checkDate('lastActiveOn', 'Last active date', data.lastActiveOn),
  );
  if (violation) return reject(violation);
  const dateViolation = firstViolation(
    checkNotAfterToday('lastActiveOn', 'The last active date', data.lastActiveOn, today),
    data.endsOn > data.lastActiveOn
      ? undefined
      : invalid(
          'endsOn',
          'end-after-last-active',
          `A pair last active on ${data.lastActiveOn} cannot be warned of an end on ${data.endsOn}, which is not after it.`,
        ),
  );
  if (dateViolation) return reject(dateViolation);
  if (state.warnedEndsOn === data.endsOn) return accept();
  if (state.lastSessionOn !== undefined && state.lastSessionOn > data.lastActiveOn) return accept();
  return accept({
    type: 'PairEndingWarned',
    data: { programId: pair.programId, pairId: pair.pairId, endsOn: data.endsOn },
  });
}

function requestFeedback(data: RequestFeedback['data'], pair: KnownPairContext, state: PairState): Decision<PairEvent> {
  const violation = firstViolation(
    checkId('sessionId', 'Session id', data.sessionId),
    checkOneOf('fromRole', 'From role', data.fromRole, PARTICIPANT_ROLES),
  );
  if (violation) return reject(violation);
  if (!state.sessions[data.sessionId]) {
    return reject(notFound('session-not-found', `This pair has no session "${data.sessionId}".`));
  }
  const given = Object.values(state.feedback).some(
    (feedback) => feedback.sessionId === data.sessionId && feedback.fromRole === data.fromRole,
  );
  if (given || state.feedbackRequested[feedbackRequestKey(data.sessionId, data.fromRole)]) return accept();
  return accept({
    type: 'FeedbackRequested',
    data: { programId: pair.programId, pairId: pair.pairId, sessionId: data.sessionId, fromRole: data.fromRole },
  });
}

function checkNotAfterToday(field: string, label: string, date: string, today: string): Check {
  if (date <= today) return undefined;
  return invalid(field, 'date-in-future', `${label} ${date} is after today, ${today}.`);
}

function checkWithinProgram(field: string, label: string, date: string, pair: KnownPairContext): Check {
  if (date >= pair.programStartsOn && date <= pair.programEndsOn) return undefined;
  return invalid(
    field,
    'date-outside-program',
    `${label} ${date} is outside the program, which runs from ${pair.programStartsOn} to ${pair.programEndsOn}.`,
  );
}

/** Compile-time exhaustiveness; a command type this code does not know is refused rather than thrown. */
function unknownCommand(command: never): Decision<PairEvent> {
  const type = (command as { type?: unknown }).type;
  return reject(invalid('type', 'unknown-command', `A pair does not understand the command ${String(type)}.`));
}
