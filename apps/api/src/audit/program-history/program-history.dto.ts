import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateBy, ValidationOptions, isRFC3339 } from 'class-validator';
import { EVENT_TYPES, isCalendarDate, isDomainEventType } from '@flipside/domain';
import { IsId } from '../../http/is-id';
import { MayBeOmitted } from '../../http/may-be-omitted';

export const MAX_HISTORY_PAGE = 500;
export const DEFAULT_HISTORY_PAGE = 100;

/** An RFC 3339 timestamp whose date exists (isRFC3339 alone lets 2026-02-30 roll over into March). */
const IsTimestamp = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && isRFC3339(value) && isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)),
        defaultMessage: (args) => `${args?.property} must be an RFC 3339 timestamp, e.g. 2026-06-30T23:59:59Z`,
      },
    },
    options,
  );

const KnownEventTypes = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'knownEventTypes',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.split(',').every((type) => isDomainEventType(type.trim())),
        defaultMessage: () => `types must be a comma-separated list of event types: ${EVENT_TYPES.join(', ')}`,
      },
    },
    options,
  );

export class ProgramHistoryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_HISTORY_PAGE)
  limit?: number;

  @MayBeOmitted()
  @IsString()
  @MaxLength(20_000)
  cursor?: string;

  /** Comma-separated event types, e.g. `SessionHeld,PairEnded`. */
  @MayBeOmitted()
  @IsString()
  @KnownEventTypes()
  types?: string;

  /** Events of one pair: its own stream, and the program's Paired and PairEnded events naming it. */
  @MayBeOmitted()
  @IsId({ message: 'pairId must be a UUID' })
  pairId?: string;

  /** Events recorded by this actor (the token `sub` that issued the command). */
  @MayBeOmitted()
  @IsString()
  @Length(1, 200)
  actor?: string;

  /** Recorded at or after (RFC 3339). */
  @MayBeOmitted()
  @IsTimestamp()
  from?: string;

  /** Recorded at or before (RFC 3339). */
  @MayBeOmitted()
  @IsTimestamp()
  to?: string;
}
