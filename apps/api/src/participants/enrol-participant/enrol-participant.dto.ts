import {
  ArrayMaxSize,
  ArrayUnique,
  IsEmail,
  IsIn,
  IsInt,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { IsPersonId } from '../../http/person-id';
import { LIMITS, PARTICIPANT_ROLES, ParticipantRole } from '@flipside/domain';

export class EnrolParticipantDto {
  /** Optional client-chosen participant id. */
  @MayBeOmitted() @IsId()
  id?: string;

  /**
   * The person's stable employee id in the organization (lower-cased): the `sub` of their participant tokens, what
   * links their participant records across programs, and what erasure names. One participant per person per program.
   */
  @IsPersonId()
  personId!: string;

  @IsIn(PARTICIPANT_ROLES)
  role!: ParticipantRole;

  @IsString() @Length(LIMITS.displayName.minLength, LIMITS.displayName.maxLength)
  displayName!: string;

  @IsEmail() @MaxLength(LIMITS.email.maxLength)
  email!: string;

  /** 1 = entry level, 10 = executive. */
  @IsInt() @Min(LIMITS.seniority.min) @Max(LIMITS.seniority.max)
  seniority!: number;

  @IsString() @Length(LIMITS.department.minLength, LIMITS.department.maxLength)
  department!: string;

  /** The manager's person id (who may or may not be enrolled): no pair inside a reporting line. */
  @MayBeOmitted() @IsPersonId()
  managerId?: string;

  /** What they can teach. */
  @MayBeOmitted() @ArrayMaxSize(LIMITS.skillsPerParticipant.max) @ArrayUnique()
  @IsString({ each: true }) @Length(LIMITS.skillOrInterest.minLength, LIMITS.skillOrInterest.maxLength, { each: true })
  skills?: string[];

  /** What they want to learn. */
  @MayBeOmitted() @ArrayMaxSize(LIMITS.interestsPerParticipant.max) @ArrayUnique()
  @IsString({ each: true }) @Length(LIMITS.skillOrInterest.minLength, LIMITS.skillOrInterest.maxLength, { each: true })
  interests?: string[];

  /** Mentors only: how many mentees at once (at most the program's maxMenteesPerMentor). */
  @MayBeOmitted() @IsInt() @Min(LIMITS.mentorCapacity.min) @Max(LIMITS.maxMenteesPerMentor.max)
  capacity?: number;
}
