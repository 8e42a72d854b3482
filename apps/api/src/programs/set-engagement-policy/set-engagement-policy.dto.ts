import { IsBoolean, IsInt, Max, Min, ValidateIf } from 'class-validator';
import { LIMITS } from '@flipside/domain';
import { MayBeOmitted } from '../../http/may-be-omitted';

/**
 * An engagement policy as sent (PUT …/engagement-policy, or `engagementPolicy` of a new program): every figure may
 * be left out and then takes its default. The relations between figures (stalled after the check-in, the automatic
 * end after the warning) depend on the defaults of the program's cadence: the domain checks them.
 */
export class EngagementPolicyDto {
  @MayBeOmitted() @IsInt() @Min(LIMITS.firstSessionWithinDays.min) @Max(LIMITS.firstSessionWithinDays.max)
  firstSessionWithinDays?: number;

  @MayBeOmitted() @IsInt() @Min(LIMITS.checkInAfterDays.min) @Max(LIMITS.checkInAfterDays.max)
  checkInAfterDays?: number;

  @MayBeOmitted() @IsInt() @Min(LIMITS.stalledAfterDays.min) @Max(LIMITS.stalledAfterDays.max)
  stalledAfterDays?: number;

  /** null: pairs are never ended automatically. */
  @ValidateIf((_policy, value) => value !== undefined && value !== null)
  @IsInt() @Min(LIMITS.autoEndAfterDays.min) @Max(LIMITS.autoEndAfterDays.max)
  autoEndAfterDays?: number | null;

  @MayBeOmitted() @IsInt() @Min(LIMITS.warnDaysBefore.min) @Max(LIMITS.warnDaysBefore.max)
  warnDaysBefore?: number;

  @MayBeOmitted() @IsInt() @Min(LIMITS.feedbackDueDays.min) @Max(LIMITS.feedbackDueDays.max)
  feedbackDueDays?: number;

  @MayBeOmitted() @IsBoolean()
  closeProgramAtEnd?: boolean;
}
