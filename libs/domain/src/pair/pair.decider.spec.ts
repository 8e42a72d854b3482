import { assertMatchesEventSchema } from '../testing/event-contract';
import { specFor } from '../testing/given-when-then';
import { untyped } from '../testing/untyped';
import { PairCommand } from './pair.commands';
import { KnownPairContext, PairContext } from './pair.context';
import { pairDecider, pairStreamName } from './pair.decider';
import {
  FeedbackGiven,
  FeedbackRequested,
  ObjectiveAchieved,
  ObjectiveDropped,
  ObjectiveProgressRecorded,
  ObjectiveSet,
  PairClosed,
  PairEndingWarned,
  PairFlagged,
  SessionHeld,
} from './pair.events';
import { fold } from '../shared/decider';

const spec = specFor(pairDecider, { checkEvent: assertMatchesEventSchema });

// ---- The story: Priya (junior marketer) mentors Margaret (CFO) since 3 March 2025; today is 10 March. ----

const NOW = '2025-03-10T16:45:00.000Z';
const TODAY = '2025-03-10';
const PROGRAM_ID = 'digital-leaders-2025';
const PAIR_ID = 'pair-priya-margaret';
const PRIYA = 'p-priya';
const MARGARET = 'p-margaret';

/** The pair as the program sees it: running, in a program about social media and digital tools. */
function context(overrides: Partial<KnownPairContext> = {}): PairContext {
  return {
    programId: PROGRAM_ID,
    pairId: PAIR_ID,
    programStatus: 'active',
    pairStatus: 'active',
    mentorId: PRIYA,
    menteeId: MARGARET,
    mentorPersonId: 'E1001',
    menteePersonId: 'E0042',
    pairedOn: '2025-03-03',
    programStartsOn: '2025-03-01',
    programEndsOn: '2025-08-31',
    focusAreas: ['social-media', 'digital-tools'],
    ...overrides,
  };
}

type CommandOf<T extends PairCommand['type']> = Extract<PairCommand, { type: T }>;

function command<T extends PairCommand['type']>(
  type: T,
  data: CommandOf<T>['data'],
  options: { context?: PairContext; now?: string } = {},
): CommandOf<T> {
  return untyped<CommandOf<T>>({ type, data, context: options.context ?? context(), now: options.now ?? NOW });
}

const ids = { programId: PROGRAM_ID, pairId: PAIR_ID };

// ---- Objectives ----

const setLinkedIn: CommandOf<'SetObjective'>['data'] = {
  objectiveId: 'obj-linkedin',
  title: 'Post on LinkedIn every week',
  area: 'social-media',
  successCriteria: 'Eight weekly posts in a row, written by Margaret herself.',
  targetDate: '2025-06-30',
  baselineLevel: 2,
  targetLevel: 7,
};

function objectiveSet(objectiveId = 'obj-linkedin', overrides: Partial<ObjectiveSet['data']> = {}): ObjectiveSet {
  const { objectiveId: _ignored, ...rest } = setLinkedIn;
  return { type: 'ObjectiveSet', data: { ...ids, objectiveId, ...rest, setOn: '2025-03-04', ...overrides } };
}

function progressRecorded(level: number, note: string, recordedOn = TODAY): ObjectiveProgressRecorded {
  return { type: 'ObjectiveProgressRecorded', data: { ...ids, objectiveId: 'obj-linkedin', level, note, recordedOn } };
}

function achieved(objectiveId = 'obj-linkedin', achievedOn = TODAY): ObjectiveAchieved {
  return { type: 'ObjectiveAchieved', data: { ...ids, objectiveId, finalLevel: 8, achievedOn } };
}

function dropped(objectiveId = 'obj-linkedin', droppedOn = TODAY): ObjectiveDropped {
  return { type: 'ObjectiveDropped', data: { ...ids, objectiveId, reason: 'Replaced by a podcast objective.', droppedOn } };
}

// ---- Sessions and feedback ----

const firstSession: CommandOf<'LogSession'>['data'] = {
  sessionId: 'session-1',
  heldOn: '2025-03-07',
  durationMinutes: 45,
  format: 'video',
  topics: ['LinkedIn profile', 'posting rhythm'],
  insights: 'Short personal stories get more reach than press releases.',
  actionItems: [
    { description: 'Draft three posts about the Q1 results', owner: 'mentee', dueOn: '2025-03-14' },
    { description: 'Share examples of good executive posts', owner: 'mentor', dueOn: '2025-03-12' },
  ],
  confidentialNotes: 'Margaret is nervous about public comments.',
};

function sessionHeld(sessionId = 'session-1', overrides: Partial<SessionHeld['data']> = {}): SessionHeld {
  const { sessionId: _ignored, ...rest } = firstSession;
  return {
    type: 'SessionHeld',
    data: {
      ...ids,
      sessionId,
      ...rest,
      topics: [...(rest.topics ?? [])],
      actionItems: [...(rest.actionItems ?? [])],
      loggedOn: '2025-03-07',
      ...overrides,
    },
  };
}

const menteeFeedback: CommandOf<'GiveFeedback'>['data'] = {
  feedbackId: 'fb-1',
  sessionId: 'session-1',
  fromRole: 'mentee',
  givenBy: MARGARET,
  rating: 5,
  comment: 'Practical and patient.',
  fit: 'good',
};

function feedbackGiven(overrides: Partial<FeedbackGiven['data']> = {}): FeedbackGiven {
  return { type: 'FeedbackGiven', data: { ...ids, ...menteeFeedback, givenOn: TODAY, ...overrides } };
}

describe('pair stream', () => {
  it("is named 'pair-' followed by the pair id", () => {
    expect(pairStreamName('pair-priya-margaret')).toBe('pair-pair-priya-margaret');
  });
});

describe('every pair command', () => {
  const everyCommand = (ctx: PairContext): PairCommand[] => [
    command('SetObjective', setLinkedIn, { context: ctx }),
    command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 4, note: '' }, { context: ctx }),
    command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 8 }, { context: ctx }),
    command('DropObjective', { objectiveId: 'obj-linkedin', reason: 'No longer relevant.' }, { context: ctx }),
    command('LogSession', { ...firstSession, sessionId: 'session-2' }, { context: ctx }),
    command('GiveFeedback', { ...menteeFeedback, feedbackId: 'fb-2' }, { context: ctx }),
    command('FlagPair', { flag: 'check-in-due', since: '2025-03-09', lapseStartedOn: '2025-03-07' }, { context: ctx }),
    command('WarnPairEnding', { endsOn: '2025-06-05', lastActiveOn: '2025-03-07' }, { context: ctx }),
    command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentor' }, { context: ctx }),
  ];
  const cases = (ctx: PairContext) => everyCommand(ctx).map((cmd) => [cmd.type, cmd] as const);
  const history = [objectiveSet(), sessionHeld()];

  it.each(cases({ pairId: PAIR_ID, programStatus: 'none', pairStatus: 'unknown' }))(
    '%s needs an existing program',
    (_type, cmd) => {
      spec.given(...history).when(cmd).thenRejects({ kind: 'not-found', rule: 'program-not-found' });
    },
  );

  it.each(cases({ pairId: PAIR_ID, programStatus: 'active', pairStatus: 'unknown' }))(
    '%s needs a pair of the program',
    (_type, cmd) => {
      spec.given(...history).when(cmd).thenRejects({ kind: 'not-found', rule: 'pair-not-found', messageIncludes: PAIR_ID });
    },
  );

  it.each(cases(context({ pairStatus: 'ended' })))('%s is refused once the pair has ended', (_type, cmd) => {
    spec.given(...history).when(cmd).thenRejects({ kind: 'conflict', rule: 'pair-ended', messageIncludes: PAIR_ID });
  });

  it.each(cases(context({ programStatus: 'closed', pairStatus: 'ended' })))(
    '%s is refused once the program is closed',
    (_type, cmd) => {
      spec.given(...history).when(cmd).thenRejects({ kind: 'conflict', rule: 'program-closed' });
    },
  );

  it.each(cases(context({ programStatus: 'draft' })))('%s is refused while the program is not running', (_type, cmd) => {
    spec.given(...history).when(cmd).thenRejects({ kind: 'conflict', rule: 'program-not-active' });
  });
});

describe('SetObjective', () => {
  it('sets an objective in one of the program focus areas, today', () => {
    spec
      .given()
      .when(command('SetObjective', setLinkedIn))
      .then(objectiveSet('obj-linkedin', { setOn: TODAY }));
  });

  it('uses each objective id once', () => {
    spec
      .given(objectiveSet(), achieved())
      .when(command('SetObjective', setLinkedIn))
      .thenRejects({ kind: 'conflict', rule: 'objective-already-exists', messageIncludes: 'objective "obj-linkedin"' });
  });

  it('keeps at most 5 objectives open at a time', () => {
    spec
      .given(...['a', 'b', 'c', 'd', 'e'].map((id) => objectiveSet(`obj-${id}`)))
      .when(command('SetObjective', { ...setLinkedIn, objectiveId: 'obj-f' }))
      .thenRejects({ kind: 'conflict', rule: 'open-objectives-limit', messageIncludes: 'at most 5' });
  });

  it('does not count achieved or dropped objectives as open', () => {
    spec
      .given(...['a', 'b', 'c', 'd', 'e'].map((id) => objectiveSet(`obj-${id}`)), achieved('obj-a'), dropped('obj-b'))
      .when(command('SetObjective', { ...setLinkedIn, objectiveId: 'obj-f' }))
      .then(objectiveSet('obj-f', { setOn: TODAY }));
  });

  it("keeps to the program's focus areas", () => {
    spec
      .given()
      .when(command('SetObjective', { ...setLinkedIn, area: 'culture' }))
      .thenRejects({
        kind: 'invalid',
        rule: 'area-outside-program-focus',
        field: 'area',
        messageIncludes: 'social-media, digital-tools',
      });
  });

  it.each([
    ['before the program starts', '2025-02-28'],
    ['after the program ends', '2025-09-01'],
  ])('refuses a target date %s', (_when, targetDate) => {
    spec
      .given()
      .when(command('SetObjective', { ...setLinkedIn, targetDate }))
      .thenRejects({
        kind: 'invalid',
        rule: 'date-outside-program',
        field: 'targetDate',
        messageIncludes: ['2025-03-01', '2025-08-31'],
      });
  });

  it('needs a target level above the baseline', () => {
    spec
      .given()
      .when(command('SetObjective', { ...setLinkedIn, baselineLevel: 5, targetLevel: 5 }))
      .thenRejects({
        kind: 'invalid',
        rule: 'target-above-baseline',
        field: 'targetLevel',
        messageIncludes: 'the baseline is 5, the target 5',
      });
  });

  const outOfRange: Array<[string, Partial<CommandOf<'SetObjective'>['data']>, string, string]> = [
    ['a title', { title: '' }, 'title', 'text-required'],
    ['a title of at most 200 characters', { title: 'x'.repeat(201) }, 'title', 'text-too-long'],
    ['success criteria', { successCriteria: ' ' }, 'successCriteria', 'text-required'],
    ['a known area', { area: untyped('astrology') }, 'area', 'unknown-value'],
    ['a baseline level of at least 1', { baselineLevel: 0 }, 'baselineLevel', 'number-out-of-range'],
    ['a target level of at most 10', { targetLevel: 11 }, 'targetLevel', 'number-out-of-range'],
    ['a real target date', { targetDate: '2025-06-31' }, 'targetDate', 'date-required'],
  ];
  it.each(outOfRange)('needs %s', (_rule, overrides, field, rule) => {
    spec
      .given()
      .when(command('SetObjective', { ...setLinkedIn, ...overrides }))
      .thenRejects({ kind: 'invalid', rule, field });
  });
});

describe('RecordObjectiveProgress', () => {
  it('records progress on an open objective, today', () => {
    spec
      .given(objectiveSet())
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 4, note: 'Two posts published.' }))
      .then(progressRecorded(4, 'Two posts published.'));
  });

  it('needs an objective of this pair', () => {
    spec
      .given(objectiveSet())
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-podcast', level: 4, note: '' }))
      .thenRejects({ kind: 'not-found', rule: 'objective-not-found', messageIncludes: 'obj-podcast' });
  });

  it('is refused on an achieved objective', () => {
    spec
      .given(objectiveSet(), achieved('obj-linkedin', '2025-03-09'))
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 9, note: '' }))
      .thenRejects({ kind: 'conflict', rule: 'objective-not-open', messageIncludes: 'already achieved on 2025-03-09' });
  });

  it('is refused on a dropped objective', () => {
    spec
      .given(objectiveSet(), dropped('obj-linkedin', '2025-03-09'))
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 3, note: '' }))
      .thenRejects({ kind: 'conflict', rule: 'objective-not-open', messageIncludes: 'already dropped on 2025-03-09' });
  });

  it('needs a level from 1 to 10', () => {
    spec
      .given(objectiveSet())
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 11, note: '' }))
      .thenRejects({ kind: 'invalid', rule: 'number-out-of-range', field: 'level' });
  });

  it('keeps the note to 2000 characters', () => {
    spec
      .given(objectiveSet())
      .when(command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 4, note: 'x'.repeat(2001) }))
      .thenRejects({ kind: 'invalid', rule: 'text-too-long', field: 'note' });
  });
});

describe('AchieveObjective', () => {
  it('marks an open objective achieved, today', () => {
    spec
      .given(objectiveSet(), progressRecorded(6, 'Weekly for a month.', '2025-03-08'))
      .when(command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 8 }))
      .then(achieved());
  });

  it('needs an objective of this pair', () => {
    spec
      .given()
      .when(command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 8 }))
      .thenRejects({ kind: 'not-found', rule: 'objective-not-found' });
  });

  it('achieves an objective only once', () => {
    spec
      .given(objectiveSet(), achieved('obj-linkedin', '2025-03-09'))
      .when(command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 9 }))
      .thenRejects({ kind: 'conflict', rule: 'objective-not-open' });
  });

  it('does not achieve a dropped objective', () => {
    spec
      .given(objectiveSet(), dropped('obj-linkedin', '2025-03-09'))
      .when(command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 9 }))
      .thenRejects({ kind: 'conflict', rule: 'objective-not-open', messageIncludes: 'dropped' });
  });

  it('needs a final level from 1 to 10', () => {
    spec
      .given(objectiveSet())
      .when(command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 0 }))
      .thenRejects({ kind: 'invalid', rule: 'number-out-of-range', field: 'finalLevel' });
  });
});

describe('DropObjective', () => {
  it('drops an open objective, today, with a reason', () => {
    spec
      .given(objectiveSet())
      .when(command('DropObjective', { objectiveId: 'obj-linkedin', reason: 'Replaced by a podcast objective.' }))
      .then(dropped());
  });

  it('needs an objective of this pair', () => {
    spec
      .given()
      .when(command('DropObjective', { objectiveId: 'obj-linkedin', reason: 'Gone.' }))
      .thenRejects({ kind: 'not-found', rule: 'objective-not-found' });
  });

  it('does not drop an achieved objective', () => {
    spec
      .given(objectiveSet(), achieved('obj-linkedin', '2025-03-09'))
      .when(command('DropObjective', { objectiveId: 'obj-linkedin', reason: 'Changed our minds.' }))
      .thenRejects({ kind: 'conflict', rule: 'objective-not-open', messageIncludes: 'achieved' });
  });

  it('needs a reason', () => {
    spec
      .given(objectiveSet())
      .when(command('DropObjective', { objectiveId: 'obj-linkedin', reason: '' }))
      .thenRejects({ kind: 'invalid', rule: 'text-required', field: 'reason' });
  });
});

describe('LogSession', () => {
  it('records a session that took place, keeping the confidential notes in the event', () => {
    spec
      .given()
      .when(command('LogSession', firstSession))
      .then(sessionHeld('session-1', { loggedOn: TODAY }));
  });

  it('records a session held today, with no topics or action items and no confidential notes', () => {
    spec
      .given()
      .when(
        command('LogSession', {
          sessionId: 'session-2',
          heldOn: TODAY,
          durationMinutes: 30,
          format: 'chat',
          insights: '',
        }),
      )
      .then({
        type: 'SessionHeld',
        data: {
          ...ids,
          sessionId: 'session-2',
          heldOn: TODAY,
          durationMinutes: 30,
          format: 'chat',
          topics: [],
          insights: '',
          actionItems: [],
          loggedOn: TODAY,
        },
      });
  });

  it('logs each session once', () => {
    spec
      .given(sessionHeld())
      .when(command('LogSession', firstSession))
      .thenRejects({ kind: 'conflict', rule: 'session-already-logged', messageIncludes: 'session-1' });
  });

  it('does not log a session in the future', () => {
    spec
      .given()
      .when(command('LogSession', { ...firstSession, heldOn: '2025-03-11' }))
      .thenRejects({ kind: 'invalid', rule: 'date-in-future', field: 'heldOn', messageIncludes: ['2025-03-11', TODAY] });
  });

  it('does not log a session from before the pair was formed', () => {
    spec
      .given()
      .when(command('LogSession', { ...firstSession, heldOn: '2025-03-02' }))
      .thenRejects({ kind: 'invalid', rule: 'session-before-pairing', field: 'heldOn', messageIncludes: '2025-03-03' });
  });

  it("does not log a session outside the program's dates", () => {
    spec
      .given()
      .when(
        command('LogSession', { ...firstSession, heldOn: '2025-03-09', actionItems: [] }, {
          context: context({ programEndsOn: '2025-03-08' }),
        }),
      )
      .thenRejects({ kind: 'invalid', rule: 'date-outside-program', field: 'heldOn', messageIncludes: '2025-03-08' });
  });

  it('does not set an action item due before the session', () => {
    spec
      .given()
      .when(
        command('LogSession', {
          ...firstSession,
          actionItems: [{ description: 'Update profile photo', owner: 'mentee', dueOn: '2025-03-06' }],
        }),
      )
      .thenRejects({
        kind: 'invalid',
        rule: 'action-due-after-session',
        field: 'actionItems[0].dueOn',
        messageIncludes: ['Action item 1 is due on 2025-03-06'],
      });
  });

  const outOfRange: Array<[string, Partial<CommandOf<'LogSession'>['data']>, string, string]> = [
    ['at least 5 minutes', { durationMinutes: 4 }, 'durationMinutes', 'number-out-of-range'],
    ['at most 480 minutes', { durationMinutes: 481 }, 'durationMinutes', 'number-out-of-range'],
    ['a known format', { format: untyped('carrier pigeon') }, 'format', 'unknown-value'],
    ['a real date', { heldOn: '2025-3-7' }, 'heldOn', 'date-required'],
    [
      'action items owned by the mentor or the mentee',
      { actionItems: [{ description: 'Book a room', owner: untyped('assistant'), dueOn: '2025-03-14' }] },
      'actionItems[0].owner',
      'unknown-value',
    ],
    ['at most 20 topics', { topics: Array.from({ length: 21 }, (_, i) => `topic ${i}`) }, 'topics', 'too-many-items'],
    ['insights of at most 4000 characters', { insights: 'x'.repeat(4001) }, 'insights', 'text-too-long'],
    ['confidential notes of at most 4000 characters', { confidentialNotes: 'x'.repeat(4001) }, 'confidentialNotes', 'text-too-long'],
  ];
  it.each(outOfRange)('needs %s', (_rule, overrides, field, rule) => {
    spec
      .given()
      .when(command('LogSession', { ...firstSession, ...overrides }))
      .thenRejects({ kind: 'invalid', rule, field });
  });
});

describe('GiveFeedback', () => {
  it("records the mentee's feedback on a session, today", () => {
    spec
      .given(sessionHeld())
      .when(command('GiveFeedback', menteeFeedback))
      .then(feedbackGiven());
  });

  it('records feedback on the pairing as a whole, without a session', () => {
    const { sessionId: _none, ...withoutSession } = menteeFeedback;
    spec
      .given()
      .when(command('GiveFeedback', { ...withoutSession, fit: 'unsure', rating: 3 }))
      .then({
        type: 'FeedbackGiven',
        data: { ...ids, ...withoutSession, fit: 'unsure', rating: 3, givenOn: TODAY },
      });
  });

  it('needs a session of this pair when one is named', () => {
    spec
      .given(sessionHeld())
      .when(command('GiveFeedback', { ...menteeFeedback, sessionId: 'session-9' }))
      .thenRejects({ kind: 'not-found', rule: 'session-not-found', messageIncludes: 'session-9' });
  });

  it("takes the mentor's feedback only from the pair's mentor", () => {
    spec
      .given(sessionHeld())
      .when(command('GiveFeedback', { ...menteeFeedback, fromRole: 'mentor', givenBy: MARGARET }))
      .thenRejects({
        kind: 'conflict',
        rule: 'feedback-from-pair-member',
        messageIncludes: ["pair's mentor, p-priya", "\"p-margaret\" is this pair's mentee"],
      });
  });

  it("takes the mentee's feedback only from the pair's mentee", () => {
    spec
      .given(sessionHeld())
      .when(command('GiveFeedback', { ...menteeFeedback, givenBy: 'p-stranger' }))
      .thenRejects({
        kind: 'conflict',
        rule: 'feedback-from-pair-member',
        messageIncludes: 'not a member of this pair',
      });
  });

  it('takes one piece of feedback per person per session', () => {
    spec
      .given(sessionHeld(), feedbackGiven())
      .when(command('GiveFeedback', { ...menteeFeedback, feedbackId: 'fb-2', rating: 4 }))
      .thenRejects({ kind: 'conflict', rule: 'feedback-once-per-session', messageIncludes: ['session-1', 'fb-1'] });
  });

  it('lets the other member give feedback on the same session', () => {
    spec
      .given(sessionHeld(), feedbackGiven())
      .when(command('GiveFeedback', { ...menteeFeedback, feedbackId: 'fb-2', fromRole: 'mentor', givenBy: PRIYA }))
      .then(feedbackGiven({ feedbackId: 'fb-2', fromRole: 'mentor', givenBy: PRIYA }));
  });

  it('does not limit feedback on the pairing as a whole', () => {
    const { sessionId: _none, ...withoutSession } = menteeFeedback;
    spec
      .given({ type: 'FeedbackGiven', data: { ...ids, ...withoutSession, givenOn: '2025-03-05' } })
      .when(command('GiveFeedback', { ...withoutSession, feedbackId: 'fb-2' }))
      .then({ type: 'FeedbackGiven', data: { ...ids, ...withoutSession, feedbackId: 'fb-2', givenOn: TODAY } });
  });

  it('uses each feedback id once', () => {
    spec
      .given(sessionHeld(), sessionHeld('session-2'), feedbackGiven())
      .when(command('GiveFeedback', { ...menteeFeedback, sessionId: 'session-2' }))
      .thenRejects({ kind: 'conflict', rule: 'feedback-already-exists', messageIncludes: 'fb-1' });
  });

  const outOfRange: Array<[string, Partial<CommandOf<'GiveFeedback'>['data']>, string, string]> = [
    ['a rating of at least 1', { rating: 0 }, 'rating', 'number-out-of-range'],
    ['a rating of at most 5', { rating: 6 }, 'rating', 'number-out-of-range'],
    ['a whole-star rating', { rating: 4.5 }, 'rating', 'whole-number-required'],
    ['a known fit answer', { fit: untyped('meh') }, 'fit', 'unknown-value'],
    ['a role of mentor or mentee', { fromRole: untyped('observer') }, 'fromRole', 'unknown-value'],
    ['a comment of at most 2000 characters', { comment: 'x'.repeat(2001) }, 'comment', 'text-too-long'],
  ];
  it.each(outOfRange)('needs %s', (_rule, overrides, field, rule) => {
    spec
      .given(sessionHeld())
      .when(command('GiveFeedback', { ...menteeFeedback, ...overrides }))
      .thenRejects({ kind: 'invalid', rule, field });
  });
});

// ---- The engagement automation and the fence ----

function flagged(flag: PairFlagged['data']['flag'], since: string): PairFlagged {
  return { type: 'PairFlagged', data: { ...ids, flag, since } };
}

function warned(endsOn: string): PairEndingWarned {
  return { type: 'PairEndingWarned', data: { ...ids, endsOn } };
}

function feedbackRequested(sessionId: string, fromRole: FeedbackRequested['data']['fromRole']): FeedbackRequested {
  return { type: 'FeedbackRequested', data: { ...ids, sessionId, fromRole } };
}

function pairClosed(reason: PairClosed['data']['reason'] = 'program-closed', closedOn = TODAY): PairClosed {
  return { type: 'PairClosed', data: { ...ids, reason, closedOn } };
}

describe('the fence (PairClosed in the pair stream)', () => {
  const fenced = [objectiveSet(), sessionHeld(), pairClosed('withdrawn', '2025-03-09')];
  const everyOtherCommand: PairCommand[] = [
    command('SetObjective', { ...setLinkedIn, objectiveId: 'obj-2' }),
    command('RecordObjectiveProgress', { objectiveId: 'obj-linkedin', level: 4, note: '' }),
    command('AchieveObjective', { objectiveId: 'obj-linkedin', finalLevel: 8 }),
    command('DropObjective', { objectiveId: 'obj-linkedin', reason: 'No longer relevant.' }),
    command('LogSession', { ...firstSession, sessionId: 'session-2' }),
    command('GiveFeedback', { ...menteeFeedback, feedbackId: 'fb-2' }),
    command('FlagPair', { flag: 'check-in-due', since: '2025-03-09', lapseStartedOn: '2025-03-07' }),
    command('WarnPairEnding', { endsOn: '2025-06-05', lastActiveOn: '2025-03-07' }),
    command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentor' }),
  ];

  // The program may still say the pair is active: the fence is written before the program stream's PairEnded.
  it.each(everyOtherCommand.map((cmd) => [cmd.type, cmd] as const))(
    '%s is refused once the pair is fenced, whatever the program says',
    (_type, cmd) => {
      spec.given(...fenced).when(cmd).thenRejects({
        kind: 'conflict',
        rule: 'pair-ended',
        messageIncludes: [`Pair "${PAIR_ID}" ended on 2025-03-09 (withdrawn)`, 'it records nothing more'],
      });
    },
  );

  it('refuses a fenced pair as ended even once its program has closed', () => {
    spec
      .given(...fenced)
      .when(command('LogSession', { ...firstSession, sessionId: 'session-2' }, { context: context({ programStatus: 'closed', pairStatus: 'ended' }) }))
      .thenRejects({ kind: 'conflict', rule: 'pair-ended', messageIncludes: '2025-03-09' });
  });
});

describe('ClosePair (the fence the write path records before ending a pair)', () => {
  it('records the fence with the reason and date of the end', () => {
    spec
      .given(objectiveSet(), sessionHeld())
      .when(command('ClosePair', { reason: 'not-a-fit', closedOn: TODAY }))
      .then(pairClosed('not-a-fit', TODAY));
  });

  it('answers no events once the fence is there (idempotent)', () => {
    spec
      .given(sessionHeld(), pairClosed('program-closed', '2025-03-09'))
      .when(command('ClosePair', { reason: 'program-closed', closedOn: TODAY }))
      .then();
  });

  it.each([
    ['the program is closing', context({ programStatus: 'closed', pairStatus: 'active' })],
    ['the program has closed and ended the pair', context({ programStatus: 'closed', pairStatus: 'ended' })],
    ['the pair has already ended', context({ pairStatus: 'ended' })],
    ['the program is a draft', context({ programStatus: 'draft' })],
  ])('is accepted while %s: it does not depend on the program being active', (_name, ctx) => {
    spec
      .given()
      .when(command('ClosePair', { reason: 'program-closed', closedOn: TODAY }, { context: ctx }))
      .then(pairClosed('program-closed', TODAY));
  });

  it('records every reason a pair can end with, the automatic end included', () => {
    spec
      .given()
      .when(command('ClosePair', { reason: 'inactive', closedOn: TODAY }))
      .then(pairClosed('inactive', TODAY));
  });

  it('ends a pair for inactivity only when no session was held after the day the automation counted from', () => {
    spec
      .given(sessionHeld())
      .when(command('ClosePair', { reason: 'inactive', closedOn: TODAY, lastActiveOn: '2025-03-01' }))
      .thenRejects({ kind: 'conflict', rule: 'pair-active-again', messageIncludes: ['held a session on 2025-03-07', 'after 2025-03-01'] });
    spec
      .given(sessionHeld())
      .when(command('ClosePair', { reason: 'inactive', closedOn: TODAY, lastActiveOn: '2025-03-07' }))
      .then(pairClosed('inactive', TODAY));
  });

  it('needs a pair the program knows', () => {
    spec
      .given()
      .when(command('ClosePair', { reason: 'completed', closedOn: TODAY }, { context: { pairId: PAIR_ID, programStatus: 'active', pairStatus: 'unknown' } }))
      .thenRejects({ kind: 'not-found', rule: 'pair-not-found', messageIncludes: PAIR_ID });
    spec
      .given()
      .when(command('ClosePair', { reason: 'completed', closedOn: TODAY }, { context: { pairId: PAIR_ID, programStatus: 'none', pairStatus: 'unknown' } }))
      .thenRejects({ kind: 'not-found', rule: 'program-not-found' });
  });

  it('needs a known reason and a real date', () => {
    spec
      .given()
      .when(command('ClosePair', { reason: untyped<PairClosed['data']['reason']>('bored'), closedOn: TODAY }))
      .thenRejects({ kind: 'invalid', rule: 'unknown-value', field: 'reason' });
    spec
      .given()
      .when(command('ClosePair', { reason: 'completed', closedOn: '2025-02-30' }))
      .thenRejects({ kind: 'invalid', rule: 'date-required', field: 'closedOn' });
  });
});

describe('FlagPair (the engagement automation)', () => {
  const flagCheckIn = (since = '2025-03-09', lapseStartedOn = '2025-03-07') =>
    command('FlagPair', { flag: 'check-in-due', since, lapseStartedOn });

  it('flags a lapse since the day it crossed the threshold', () => {
    spec.given(sessionHeld()).when(flagCheckIn()).then(flagged('check-in-due', '2025-03-09'));
  });

  it('flags a pair that never met', () => {
    spec
      .given()
      .when(command('FlagPair', { flag: 'no-first-session', since: '2025-03-09', lapseStartedOn: '2025-03-03' }))
      .then(flagged('no-first-session', '2025-03-09'));
  });

  it('flags once per episode: nothing while the same flag is open', () => {
    spec.given(sessionHeld(), flagged('check-in-due', '2025-03-08')).when(flagCheckIn()).then();
  });

  it('flags another kind while one is open (check-in due, then stalled)', () => {
    spec
      .given(sessionHeld(), flagged('check-in-due', '2025-03-08'))
      .when(command('FlagPair', { flag: 'stalled', since: '2025-03-10', lapseStartedOn: '2025-03-07' }))
      .then(flagged('stalled', '2025-03-10'));
  });

  it('flags again after a session ended the episode and a new lapse began', () => {
    spec
      .given(sessionHeld('session-1', { heldOn: '2025-03-04' }), flagged('check-in-due', '2025-03-06'), sessionHeld('session-2', { heldOn: '2025-03-07' }))
      .when(flagCheckIn('2025-03-09', '2025-03-07'))
      .then(flagged('check-in-due', '2025-03-09'));
  });

  it('records nothing when a session was held after the lapse began (the timer is stale)', () => {
    spec
      .given(sessionHeld('session-1', { heldOn: '2025-03-08' }))
      .when(flagCheckIn('2025-03-09', '2025-03-07'))
      .then();
  });

  it('still flags when the last session is the one the lapse began with', () => {
    spec
      .given(sessionHeld('session-1', { heldOn: '2025-03-07' }))
      .when(flagCheckIn('2025-03-09', '2025-03-07'))
      .then(flagged('check-in-due', '2025-03-09'));
  });

  it("records no 'no-first-session' once any session exists", () => {
    spec
      .given(sessionHeld('session-1', { heldOn: '2025-03-03' }))
      .when(command('FlagPair', { flag: 'no-first-session', since: '2025-03-09', lapseStartedOn: '2025-03-03' }))
      .then();
  });

  it('needs a known flag, real dates, a flag date not in the future and not before the lapse', () => {
    spec.given().when(command('FlagPair', { flag: untyped('sleepy'), since: TODAY, lapseStartedOn: '2025-03-03' }))
      .thenRejects({ kind: 'invalid', rule: 'unknown-value', field: 'flag' });
    spec.given().when(command('FlagPair', { flag: 'stalled', since: '2025-13-01', lapseStartedOn: '2025-03-03' }))
      .thenRejects({ kind: 'invalid', rule: 'date-required', field: 'since' });
    spec.given().when(command('FlagPair', { flag: 'stalled', since: '2025-03-11', lapseStartedOn: '2025-03-03' }))
      .thenRejects({ kind: 'invalid', rule: 'date-in-future', field: 'since' });
    spec.given().when(command('FlagPair', { flag: 'stalled', since: '2025-03-05', lapseStartedOn: '2025-03-06' }))
      .thenRejects({ kind: 'invalid', rule: 'lapse-before-flag', field: 'lapseStartedOn' });
  });
});

describe('WarnPairEnding (the engagement automation)', () => {
  const warn = (endsOn = '2025-06-05', lastActiveOn = '2025-03-07') => command('WarnPairEnding', { endsOn, lastActiveOn });

  it('warns of the automatic end', () => {
    spec.given(sessionHeld()).when(warn()).then(warned('2025-06-05'));
  });

  it('warns once for the same end date', () => {
    spec.given(sessionHeld(), warned('2025-06-05')).when(warn()).then();
  });

  it('records nothing when a session was held after the last active date (the timer is stale)', () => {
    spec.given(sessionHeld('session-1', { heldOn: '2025-03-08' })).when(warn('2025-06-05', '2025-03-07')).then();
  });

  it('warns again after a session ended the episode, even of the same end date', () => {
    spec
      .given(sessionHeld('session-1', { heldOn: '2025-03-04' }), warned('2025-06-05'), sessionHeld('session-2', { heldOn: '2025-03-07' }))
      .when(warn('2025-06-05', '2025-03-07'))
      .then(warned('2025-06-05'));
  });

  it('needs real dates, a last active date not in the future and an end after it', () => {
    spec.given().when(warn('2025-06-31')).thenRejects({ kind: 'invalid', rule: 'date-required', field: 'endsOn' });
    spec.given().when(warn('2025-06-05', '2025-03-11')).thenRejects({ kind: 'invalid', rule: 'date-in-future', field: 'lastActiveOn' });
    spec.given().when(warn('2025-03-07', '2025-03-07')).thenRejects({ kind: 'invalid', rule: 'end-after-last-active', field: 'endsOn' });
  });
});

describe('RequestFeedback (the engagement automation)', () => {
  const { sessionId: _none, ...onThePairing } = feedbackGiven({ feedbackId: 'fb-3' }).data;
  const wholePairingFeedback: FeedbackGiven = { type: 'FeedbackGiven', data: onThePairing };

  it('asks one side for its feedback on a session', () => {
    spec
      .given(sessionHeld())
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentor' }))
      .then(feedbackRequested('session-1', 'mentor'));
  });

  it('records nothing when that side already gave feedback on the session', () => {
    spec
      .given(sessionHeld(), feedbackGiven())
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentee' }))
      .then();
  });

  it('still asks the other side', () => {
    spec
      .given(sessionHeld(), feedbackGiven())
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentor' }))
      .then(feedbackRequested('session-1', 'mentor'));
  });

  it('does not count feedback on the pairing as a whole, nor on another session', () => {
    spec
      .given(sessionHeld(), sessionHeld('session-2'), wholePairingFeedback, feedbackGiven({ feedbackId: 'fb-2', sessionId: 'session-2' }))
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentee' }))
      .then(feedbackRequested('session-1', 'mentee'));
  });

  it('asks once', () => {
    spec
      .given(sessionHeld(), feedbackRequested('session-1', 'mentor'))
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: 'mentor' }))
      .then();
  });

  it('needs a session of this pair', () => {
    spec
      .given(sessionHeld())
      .when(command('RequestFeedback', { sessionId: 'session-9', fromRole: 'mentor' }))
      .thenRejects({ kind: 'not-found', rule: 'session-not-found', messageIncludes: 'session-9' });
  });

  it('needs a known role', () => {
    spec
      .given(sessionHeld())
      .when(command('RequestFeedback', { sessionId: 'session-1', fromRole: untyped('manager') }))
      .thenRejects({ kind: 'invalid', rule: 'unknown-value', field: 'fromRole' });
  });
});

describe('pair state for the automation', () => {
  it('holds open flags, the warning, the last session and the feedback asked for; a session held clears flags and warning', () => {
    const before = fold(pairDecider, [
      sessionHeld('session-1', { heldOn: '2025-03-07' }),
      sessionHeld('session-0', { heldOn: '2025-03-04' }),
      flagged('check-in-due', '2025-03-21'),
      flagged('stalled', '2025-04-04'),
      warned('2025-06-05'),
      feedbackRequested('session-1', 'mentor'),
    ]);
    expect(before).toMatchObject({
      openFlags: { 'check-in-due': '2025-03-21', stalled: '2025-04-04' },
      warnedEndsOn: '2025-06-05',
      lastSessionOn: '2025-03-07',
      feedbackRequested: { 'session-1:mentor': true },
    });
    const after = pairDecider.evolve(before, sessionHeld('session-2', { heldOn: '2025-04-10' }));
    expect(after.openFlags).toEqual({});
    expect(after.warnedEndsOn).toBeUndefined();
    expect(after.lastSessionOn).toBe('2025-04-10');
    expect(after.feedbackRequested).toEqual({ 'session-1:mentor': true });
  });

  it('holds the fence', () => {
    expect(fold(pairDecider, [pairClosed('inactive', '2025-06-01')]).closed).toEqual({ reason: 'inactive', closedOn: '2025-06-01' });
  });
});
