import { Param, ParseUUIDPipe } from '@nestjs/common';
import { problems } from './problem';

/** A path id; ids are UUIDs, so anything else is a 400 naming the parameter. */
export const IdParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => problems.invalidRequest([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
