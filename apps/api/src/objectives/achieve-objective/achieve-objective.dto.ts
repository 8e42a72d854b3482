import { IsInt, Max, Min } from 'class-validator';
import { LIMITS } from '@flipside/domain';

export class AchieveObjectiveDto {
  /** The level reached, 1-10; knowledge gain is finalLevel - baselineLevel. */
  @IsInt() @Min(LIMITS.level.min) @Max(LIMITS.level.max)
  finalLevel!: number;
}
