import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LIMITS } from '@flipside/domain';

export class RecordObjectiveProgressDto {
  /** The mentee's level now, 1-10. */
  @IsInt() @Min(LIMITS.level.min) @Max(LIMITS.level.max)
  level!: number;

  @IsOptional() @IsString() @MaxLength(LIMITS.progressNote.maxLength)
  note?: string;
}
