import { CalendarDate } from '../shared/calendar';
import {
  AdminPairEndReason,
  FocusArea,
  PairedBy,
  PairingRule,
  ParticipantRole,
} from '../vocabulary';
import { Cadence, EngagementPolicy } from './program.events';

/**
 * Commands to the program stream. Every command names its program (`data.programId`, used to address the
 * stream and in not-found messages) and carries `now`, the ISO-8601 instant of the request: the decider never
 * reads a clock, and "today" is `now.slice(0, 10)` (UTC).
 */
type ProgramCommandOf<Type extends string, Data> = {
  type: Type;
  data: Data & { programId: string };
  now: string;
};

export type CreateProgram = ProgramCommandOf<
  'CreateProgram',
  {
    organizationId: string;
    name: string;
    /** Defaults to ''. */
    description?: string;
    focusAreas: FocusArea[];
    goals: string[];
    cadence: Cadence;
    startsOn: CalendarDate;
    endsOn: CalendarDate;
    /** Defaults to LIMITS.maxMenteesPerMentor.default (1). */
    maxMenteesPerMentor?: number;
    /** Defaults to 'reverse'. */
    pairingRule?: PairingRule;
    /** When given (figures left out take their defaults), the program starts with it: ProgramCreated + EngagementPolicySet. */
    engagementPolicy?: Partial<EngagementPolicy>;
  }
>;

/** Replaces the whole engagement policy: figures left out take their defaults (a PUT, not a patch). */
export type SetEngagementPolicy = ProgramCommandOf<'SetEngagementPolicy', { policy: Partial<EngagementPolicy> }>;

/**
 * The engagement automation ends a pair that has held no session since `lastActiveOn` (its last session, or its
 * pairing) for the policy's autoEndAfterDays → PairEnded 'inactive'.
 */
export type EndInactivePair = ProgramCommandOf<'EndInactivePair', { pairId: string; lastActiveOn: CalendarDate }>;

export type LaunchProgram = ProgramCommandOf<'LaunchProgram', Record<never, never>>;

export type CloseProgram = ProgramCommandOf<'CloseProgram', { outcome: string }>;

export type EnrolParticipant = ProgramCommandOf<
  'EnrolParticipant',
  {
    participantId: string;
    /** The stable employee identifier (LIMITS.personId); one participant per person per program. */
    personId: string;
    role: ParticipantRole;
    displayName: string;
    email: string;
    seniority: number;
    department: string;
    /** The manager's personId. */
    managerId?: string;
    /** Defaults to []. */
    skills?: string[];
    /** Defaults to []. */
    interests?: string[];
    /** Mentors only; defaults to 1. */
    capacity?: number;
  }
>;

export type WithdrawParticipant = ProgramCommandOf<'WithdrawParticipant', { participantId: string; reason: string }>;

export type RecordTraining = ProgramCommandOf<
  'RecordTraining',
  { participantId: string; module: string; completedOn: CalendarDate }
>;

export type PairParticipants = ProgramCommandOf<
  'PairParticipants',
  {
    pairId: string;
    mentorId: string;
    menteeId: string;
    pairedBy: PairedBy;
    matchScore?: number;
    rationale?: string;
  }
>;

export type EndPair = ProgramCommandOf<'EndPair', { pairId: string; reason: AdminPairEndReason; note: string }>;

/**
 * A person asked for their personal data to be erased: their participant record in this program is withdrawn
 * (ending their pairs) and marked erased; the API then destroys their key. The one command a closed program accepts.
 */
export type ErasePerson = ProgramCommandOf<'ErasePerson', { personId: string }>;

export type ProgramCommand =
  | CreateProgram
  | LaunchProgram
  | CloseProgram
  | EnrolParticipant
  | WithdrawParticipant
  | RecordTraining
  | PairParticipants
  | EndPair
  | ErasePerson
  | SetEngagementPolicy
  | EndInactivePair;

export type ProgramCommandType = ProgramCommand['type'];
