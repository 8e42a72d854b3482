import { FIT_ANSWERS, LIMITS, PAIR_END_REASONS, PAIR_FLAGS, PAIRED_BY, PARTICIPANT_ROLES, SESSION_FORMATS } from '@flipside/domain';
import { RecordedEvent } from '@flipside/event-store';
import { isEncrypted } from '@flipside/personal-data/field-cipher';
import { EntityManager, In } from 'typeorm';
import { FeedbackRow } from './entities/feedback.entity';
import { ObjectiveRow } from './entities/objective.entity';
import { PairRow } from './entities/pair.entity';
import { ParticipantRow } from './entities/participant.entity';
import { ProgramOverviewRow } from './entities/program-overview.entity';
import { SessionRow } from './entities/session.entity';
import { EventFields, laterDate } from '../event-fields';
import { RowSet } from '../row-set';

/**
 * The dashboard read model's evolve: how each event changes its rows. The projector runs it over rows loaded from
 * and flushed to the database; the API's "as of" answers run it over rows that only ever live in memory.
 */

/** The rows a run of events works on: a projector batch, or a whole program's history for an "as of" answer. */
export class DashboardRows {
  readonly programs = new RowSet(ProgramOverviewRow, 'programId', 'Program');
  readonly participants = new RowSet(ParticipantRow, 'participantId', 'Participant');
  readonly pairs = new RowSet(PairRow, 'pairId', 'Pair');
  readonly sessions = new RowSet(SessionRow, 'sessionId', 'Session');
  readonly objectives = new RowSet(ObjectiveRow, 'objectiveId', 'Objective');
  readonly feedback = new RowSet(FeedbackRow, 'feedbackId', 'Feedback');

  /** Loads every existing row the batch refers to: programs, pairs and objectives first, then pair members. */
  async load(db: EntityManager, events: readonly RecordedEvent[]): Promise<void> {
    const keys = { programs: [] as string[], pairs: [] as string[], objectives: [] as string[], participants: [] as string[] };
    const erased: string[] = [];
    for (const event of events) {
      const fields = new EventFields(event);
      const add = (list: string[], name: string) => {
        const value = fields.peek(name);
        if (value !== undefined) list.push(value);
      };
      add(keys.programs, 'programId');
      add(keys.pairs, 'pairId');
      add(keys.objectives, 'objectiveId');
      add(keys.participants, 'participantId');
      add(keys.participants, 'mentorId');
      add(keys.participants, 'menteeId');
      if (event.type === 'PersonErased') add(erased, 'participantId');
    }
    // An erased person's pairs, ended long ago too: their copies of a pre-encryption name are dropped with the rest.
    if (erased.length > 0) {
      const pairs = await db.getRepository(PairRow).find({ where: [{ mentorId: In(erased) }, { menteeId: In(erased) }], select: { pairId: true } });
      keys.pairs.push(...pairs.map((pair) => pair.pairId));
    }
    await this.programs.load(db, keys.programs);
    await this.pairs.load(db, keys.pairs);
    await this.objectives.load(db, keys.objectives);
    for (const pairId of keys.pairs) {
      try {
        const pair = this.pairs.get(pairId);
        keys.participants.push(pair.mentorId, pair.menteeId);
      } catch {
        // A pair created later in this batch; its members are named by its Paired event.
      }
    }
    await this.participants.load(db, keys.participants);
  }

  async flush(db: EntityManager): Promise<void> {
    for (const set of [this.programs, this.participants, this.pairs, this.sessions, this.objectives, this.feedback]) {
      await set.flush(db);
    }
  }
}

type Handler = (fields: EventFields, rows: DashboardRows) => void;

/** Touches a program's last activity; every event of a program counts as activity on the day it happened. */
function programActivity(rows: DashboardRows, programId: string, on: string): ProgramOverviewRow {
  const program = rows.programs.changedRow(programId);
  program.lastActivityOn = laterDate(program.lastActivityOn, on);
  return program;
}

function pairOf(rows: DashboardRows, fields: EventFields): PairRow {
  const pair = rows.pairs.changedRow(fields.id('pairId'));
  if (pair.programId !== fields.id('programId')) throw new Error(`pair ${pair.pairId} belongs to program ${pair.programId}`);
  return pair;
}

const handlers: Record<string, Handler> = {
  ProgramCreated(fields, rows) {
    const cadence = new EventFields({ data: fields.object('cadence') } as unknown as RecordedEvent);
    const createdOn = fields.date('createdOn');
    rows.programs.add({
      programId: fields.id('programId'),
      organizationId: fields.id('organizationId'),
      name: fields.text('name'),
      description: fields.optionalText('description') ?? '',
      status: 'draft',
      focusAreas: fields.texts('focusAreas'),
      goals: fields.texts('goals'),
      sessionEveryDays: cadence.integer('sessionEveryDays', LIMITS.sessionEveryDays.min, LIMITS.sessionEveryDays.max),
      minSessionMinutes: cadence.integer('minSessionMinutes', 1, LIMITS.minSessionMinutes.max),
      startsOn: fields.date('startsOn'),
      endsOn: fields.date('endsOn'),
      createdOn,
      launchedOn: null,
      closedOn: null,
      outcome: null,
      mentors: 0,
      mentees: 0,
      withdrawn: 0,
      menteesEnrolled: 0,
      menteesPaired: 0,
      unpairedMentees: 0,
      activePairs: 0,
      endedPairs: 0,
      sessionsHeld: 0,
      minutesMentored: 0,
      objectivesSet: 0,
      objectivesAchieved: 0,
      objectivesDropped: 0,
      knowledgeGainSum: 0,
      mentorRatingSum: 0,
      mentorRatingCount: 0,
      menteeRatingSum: 0,
      menteeRatingCount: 0,
      participantsTrained: 0,
      lastActivityOn: createdOn,
    });
  },

  ProgramLaunched(fields, rows) {
    const launchedOn = fields.date('launchedOn');
    const program = programActivity(rows, fields.id('programId'), launchedOn);
    program.status = 'active';
    program.launchedOn = launchedOn;
  },

  ProgramClosed(fields, rows) {
    const closedOn = fields.date('closedOn');
    const program = programActivity(rows, fields.id('programId'), closedOn);
    program.status = 'closed';
    program.closedOn = closedOn;
    program.outcome = fields.optionalText('outcome') ?? '';
  },

  ParticipantEnrolled(fields, rows) {
    const enrolledOn = fields.date('enrolledOn');
    const program = programActivity(rows, fields.id('programId'), enrolledOn);
    const role = fields.oneOf('role', PARTICIPANT_ROLES);
    rows.participants.add({
      participantId: fields.id('participantId'),
      programId: program.programId,
      personId: fields.id('personId'),
      role,
      // Copied as stored: the projector holds no key and never writes plaintext it decrypted.
      displayName: fields.personal('displayName'),
      email: fields.personal('email'),
      department: fields.text('department'),
      seniority: fields.integer('seniority', LIMITS.seniority.min, LIMITS.seniority.max),
      skills: fields.texts('skills'),
      interests: fields.texts('interests'),
      capacity: fields.optionalInteger('capacity', 1, 1000) ?? null,
      status: 'enrolled',
      enrolledOn,
      withdrawnOn: null,
      activePairs: 0,
      pairsTotal: 0,
      trainingsCompleted: 0,
      erased: false,
    });
    if (role === 'mentor') {
      program.mentors++;
    } else {
      program.mentees++;
      program.menteesEnrolled++;
      program.unpairedMentees++;
    }
  },

  ParticipantWithdrawn(fields, rows) {
    const withdrawnOn = fields.date('withdrawnOn');
    const program = programActivity(rows, fields.id('programId'), withdrawnOn);
    const participant = rows.participants.changedRow(fields.id('participantId'));
    if (participant.status === 'withdrawn') throw new Error(`participant ${participant.participantId} has already withdrawn`);
    participant.status = 'withdrawn';
    participant.withdrawnOn = withdrawnOn;
    program.withdrawn++;
    if (participant.role === 'mentor') {
      program.mentors--;
    } else {
      program.mentees--;
      if (participant.activePairs === 0) program.unpairedMentees--;
    }
    if (participant.trainingsCompleted > 0) program.participantsTrained--;
  },

  /**
   * The person's keys are destroyed: their personal fields (here and in every copy) no longer open. Counts stay as
   * they are. Values written before encryption cannot be shredded by a key, so the row lets go of them.
   */
  PersonErased(fields, rows) {
    fields.date('erasedOn');
    fields.id('personId');
    const participant = rows.participants.changedRow(fields.id('participantId'));
    if (participant.programId !== fields.id('programId')) throw new Error(`participant ${participant.participantId} belongs to program ${participant.programId}`);
    participant.erased = true;
    // Plaintext (written before encryption) no key can shred: the read model lets go of it itself.
    if (!isEncrypted(participant.displayName)) participant.displayName = null;
    if (!isEncrypted(participant.email)) participant.email = null;
    for (const pair of rows.pairs.all()) {
      if (pair.mentorId === participant.participantId && !isEncrypted(pair.mentorName)) rows.pairs.changedRow(pair.pairId).mentorName = null;
      if (pair.menteeId === participant.participantId && !isEncrypted(pair.menteeName)) rows.pairs.changedRow(pair.pairId).menteeName = null;
    }
  },

  TrainingCompleted(fields, rows) {
    const program = programActivity(rows, fields.id('programId'), fields.date('completedOn'));
    fields.text('module');
    const participant = rows.participants.changedRow(fields.id('participantId'));
    participant.trainingsCompleted++;
    if (participant.trainingsCompleted === 1 && participant.status === 'enrolled') program.participantsTrained++;
  },

  Paired(fields, rows) {
    const pairedOn = fields.date('pairedOn');
    const program = programActivity(rows, fields.id('programId'), pairedOn);
    const mentor = rows.participants.changedRow(fields.id('mentorId'));
    const mentee = rows.participants.changedRow(fields.id('menteeId'));
    rows.pairs.add({
      pairId: fields.id('pairId'),
      programId: program.programId,
      mentorId: mentor.participantId,
      mentorPersonId: mentor.personId,
      mentorName: mentor.displayName,
      menteeId: mentee.participantId,
      menteePersonId: mentee.personId,
      menteeName: mentee.displayName,
      status: 'active',
      pairedBy: fields.oneOf('pairedBy', PAIRED_BY),
      matchScore: fields.optionalNumber('matchScore') ?? null,
      pairedOn,
      endedOn: null,
      endReason: null,
      sessionEveryDays: program.sessionEveryDays,
      minSessionMinutes: program.minSessionMinutes,
      sessions: 0,
      minutes: 0,
      lastSessionOn: null,
      lastCadenceSessionOn: null,
      openObjectives: 0,
      achievedObjectives: 0,
      droppedObjectives: 0,
      ratingSum: 0,
      ratingCount: 0,
      fitConcern: false,
      openFlags: [],
      endingOn: null,
    });
    program.activePairs++;
    mentor.activePairs++;
    mentor.pairsTotal++;
    if (mentee.activePairs === 0 && mentee.status === 'enrolled') program.unpairedMentees--;
    if (mentee.pairsTotal === 0) program.menteesPaired++;
    mentee.activePairs++;
    mentee.pairsTotal++;
  },

  PairEnded(fields, rows) {
    const endedOn = fields.date('endedOn');
    const program = programActivity(rows, fields.id('programId'), endedOn);
    const pair = pairOf(rows, fields);
    if (pair.status === 'ended') throw new Error(`pair ${pair.pairId} has already ended`);
    pair.status = 'ended';
    pair.endedOn = endedOn;
    pair.endReason = fields.oneOf('reason', PAIR_END_REASONS);
    // An ended pair needs no attention: what the automation raised on it is over.
    pair.openFlags = [];
    pair.endingOn = null;
    program.activePairs--;
    program.endedPairs++;
    rows.participants.changedRow(pair.mentorId).activePairs--;
    const mentee = rows.participants.changedRow(pair.menteeId);
    mentee.activePairs--;
    if (mentee.activePairs === 0 && mentee.status === 'enrolled') program.unpairedMentees++;
  },

  ObjectiveSet(fields, rows) {
    const setOn = fields.date('setOn');
    const program = programActivity(rows, fields.id('programId'), setOn);
    const pair = pairOf(rows, fields);
    const baselineLevel = fields.integer('baselineLevel', LIMITS.level.min, LIMITS.level.max);
    rows.objectives.add({
      objectiveId: fields.id('objectiveId'),
      programId: program.programId,
      pairId: pair.pairId,
      title: fields.personal('title'),
      area: fields.text('area'),
      successCriteria: fields.personal('successCriteria'),
      targetDate: fields.date('targetDate'),
      baselineLevel,
      currentLevel: baselineLevel,
      targetLevel: fields.integer('targetLevel', LIMITS.level.min, LIMITS.level.max),
      status: 'open',
      setOn,
      lastProgressOn: null,
      achievedOn: null,
      droppedOn: null,
      dropReason: null,
    });
    pair.openObjectives++;
    program.objectivesSet++;
  },

  ObjectiveProgressRecorded(fields, rows) {
    const recordedOn = fields.date('recordedOn');
    programActivity(rows, fields.id('programId'), recordedOn);
    const objective = rows.objectives.changedRow(fields.id('objectiveId'));
    objective.currentLevel = fields.integer('level', LIMITS.level.min, LIMITS.level.max);
    objective.lastProgressOn = laterDate(objective.lastProgressOn, recordedOn);
  },

  ObjectiveAchieved(fields, rows) {
    const achievedOn = fields.date('achievedOn');
    const program = programActivity(rows, fields.id('programId'), achievedOn);
    const pair = pairOf(rows, fields);
    const objective = rows.objectives.changedRow(fields.id('objectiveId'));
    if (objective.status !== 'open') throw new Error(`objective ${objective.objectiveId} is ${objective.status}, not open`);
    const finalLevel = fields.integer('finalLevel', LIMITS.level.min, LIMITS.level.max);
    objective.status = 'achieved';
    objective.achievedOn = achievedOn;
    objective.currentLevel = finalLevel;
    pair.openObjectives--;
    pair.achievedObjectives++;
    program.objectivesAchieved++;
    program.knowledgeGainSum += finalLevel - objective.baselineLevel;
  },

  ObjectiveDropped(fields, rows) {
    const droppedOn = fields.date('droppedOn');
    const program = programActivity(rows, fields.id('programId'), droppedOn);
    const pair = pairOf(rows, fields);
    const objective = rows.objectives.changedRow(fields.id('objectiveId'));
    if (objective.status !== 'open') throw new Error(`objective ${objective.objectiveId} is ${objective.status}, not open`);
    objective.status = 'dropped';
    objective.droppedOn = droppedOn;
    objective.dropReason = fields.personal('reason');
    pair.openObjectives--;
    pair.droppedObjectives++;
    program.objectivesDropped++;
  },

  SessionHeld(fields, rows) {
    const heldOn = fields.date('heldOn');
    const program = programActivity(rows, fields.id('programId'), heldOn);
    const pair = pairOf(rows, fields);
    const durationMinutes = fields.integer('durationMinutes', LIMITS.durationMinutes.min, LIMITS.durationMinutes.max);
    const actionItems = fields.list('actionItems').map((item, index) => {
      const itemFields = new EventFields({ data: item } as unknown as RecordedEvent);
      try {
        return { description: itemFields.personal('description'), owner: itemFields.oneOf('owner', PARTICIPANT_ROLES), dueOn: itemFields.date('dueOn') };
      } catch (error) {
        throw new Error(`actionItems[${index}].${(error as Error).message}`);
      }
    });
    // Deliberately no confidentialNotes: they are the pair's alone.
    rows.sessions.add({
      sessionId: fields.id('sessionId'),
      programId: program.programId,
      pairId: pair.pairId,
      heldOn,
      durationMinutes,
      format: fields.oneOf('format', SESSION_FORMATS),
      topics: fields.texts('topics'),
      insights: fields.optionalPersonal('insights') ?? '',
      actionItems,
      loggedOn: fields.date('loggedOn'),
    });
    pair.sessions++;
    pair.minutes += durationMinutes;
    pair.lastSessionOn = laterDate(pair.lastSessionOn, heldOn);
    if (durationMinutes >= pair.minSessionMinutes) pair.lastCadenceSessionOn = laterDate(pair.lastCadenceSessionOn, heldOn);
    // Any session held ends the lapse (as the automation counts it): its flags and an announced end are over.
    pair.openFlags = [];
    pair.endingOn = null;
    program.sessionsHeld++;
    program.minutesMentored += durationMinutes;
  },

  /**
   * The engagement automation saw a lapse: the flag stays open, once, until a session is held. Not the program's
   * activity (lastActivityOn): it says that nothing happened.
   */
  PairFlagged(fields, rows) {
    const pair = pairOf(rows, fields);
    const flag = fields.oneOf('flag', PAIR_FLAGS);
    const since = fields.date('since');
    // The pair stream's fence lets nothing follow an end; were one to, an ended pair shows no flag.
    if (pair.status !== 'active' || pair.openFlags.some((open) => open.flag === flag)) return;
    pair.openFlags = [...pair.openFlags, { flag, since }];
  },

  /** The automation announced the pair's end for inactivity on `endsOn`; a later announcement replaces it. */
  PairEndingWarned(fields, rows) {
    const pair = pairOf(rows, fields);
    const endsOn = fields.date('endsOn');
    if (pair.status !== 'active') return;
    pair.endingOn = endsOn;
  },

  FeedbackGiven(fields, rows) {
    const givenOn = fields.date('givenOn');
    const program = programActivity(rows, fields.id('programId'), givenOn);
    const pair = pairOf(rows, fields);
    const rating = fields.integer('rating', LIMITS.rating.min, LIMITS.rating.max);
    const fromRole = fields.oneOf('fromRole', PARTICIPANT_ROLES);
    const fit = fields.oneOf('fit', FIT_ANSWERS);
    rows.feedback.add({
      feedbackId: fields.id('feedbackId'),
      programId: program.programId,
      pairId: pair.pairId,
      sessionId: fields.optionalText('sessionId') ?? null,
      fromRole,
      givenBy: fields.id('givenBy'),
      rating,
      fit,
      comment: fields.optionalPersonal('comment') ?? '',
      givenOn,
    });
    pair.ratingSum += rating;
    pair.ratingCount++;
    if (fromRole === 'mentee' && fit === 'not-a-fit') pair.fitConcern = true;
    if (fromRole === 'mentor') {
      program.mentorRatingSum += rating;
      program.mentorRatingCount++;
    } else {
      program.menteeRatingSum += rating;
      program.menteeRatingCount++;
    }
  },
};

/** The event types the dashboard is built from; any other event passes by. */
export const DASHBOARD_EVENT_TYPES: ReadonlySet<string> = new Set(Object.keys(handlers));

/** Applies one event to the rows; throws, naming the broken expectation, when the event cannot be applied. */
export function evolveDashboard(rows: DashboardRows, event: RecordedEvent): void {
  if (DASHBOARD_EVENT_TYPES.has(event.type)) handlers[event.type](new EventFields(event), rows);
}
