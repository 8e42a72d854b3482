import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { IsId } from '../../http/is-id';
import { LIMITS, PARTICIPANT_ROLES, ParticipantRole, SESSION_FORMATS, SessionFormat } from '@flipside/domain';
import { IsCalendarDate } from '../../http/calendar-date';

export class ActionItemDto {
  @IsString() @Length(LIMITS.actionItemDescription.minLength, LIMITS.actionItemDescription.maxLength)
  description!: string;

  @IsIn(PARTICIPANT_ROLES)
  owner!: ParticipantRole;

  @IsCalendarDate()
  dueOn!: string;
}

export class LogSessionDto {
  /** Optional client-chosen session id. */
  @MayBeOmitted() @IsId()
  id?: string;

  /** Not in the future, not before the pairing, within the program. */
  @IsCalendarDate()
  heldOn!: string;

  @IsInt() @Min(LIMITS.durationMinutes.min) @Max(LIMITS.durationMinutes.max)
  durationMinutes!: number;

  @IsIn(SESSION_FORMATS)
  format!: SessionFormat;

  @MayBeOmitted() @ArrayMaxSize(LIMITS.topicsPerSession.max)
  @IsString({ each: true }) @Length(LIMITS.topic.minLength, LIMITS.topic.maxLength, { each: true })
  topics?: string[];

  /** What was learned. */
  @IsString() @MaxLength(LIMITS.insights.maxLength)
  insights!: string;

  @MayBeOmitted() @ArrayMaxSize(LIMITS.actionItemsPerSession.max) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ActionItemDto)
  actionItems?: ActionItemDto[];

  /** For the pair alone: never copied into read models or integration events. */
  @MayBeOmitted() @IsString() @MaxLength(LIMITS.confidentialNotes.maxLength)
  confidentialNotes?: string;
}
