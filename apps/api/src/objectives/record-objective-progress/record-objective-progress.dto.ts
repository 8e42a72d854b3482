import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { MayBeOmitted } from '../../http/may-be-omitted';
import { LIMITS } from '@flipside/domain';

export class RecordObjectiveProgressDto {
  /** The mentee's level now, 1-10. */
  @IsInt() @Min(LIMITS.level.min) @Max(LIMITS.level.max)
  level!: number;

  @MayBeOmitted() @IsString() @MaxLength(LIMITS.progressNote.maxLength)
  note?: string;
}
