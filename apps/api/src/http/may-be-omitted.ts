import { ValidateIf, ValidationOptions } from 'class-validator';

/**
 * An optional field: it may be left out, but when present it must be valid (null included is refused),
 * unlike class-validator's IsOptional, which lets null through to the domain.
 */
export const MayBeOmitted = (options?: ValidationOptions) => ValidateIf((_object, value) => value !== undefined, options);
