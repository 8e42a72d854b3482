import { Response } from 'express';
import { CommandOutcome } from '@flipside/write-path';

/** Body of every command response. */
export interface CommandResponseBody {
  id: string;
  revision: string;
  position: string;
}

/** Sets ETag (the written stream's revision) and, for creations, 201 + Location; returns the JSON body. */
export function commandResponse(
  response: Response,
  outcome: CommandOutcome,
  created?: { location: string },
): CommandResponseBody {
  response.setHeader('ETag', `"${outcome.revision}"`);
  if (created) {
    response.setHeader('Location', created.location);
    response.status(outcome.recordedNow ? 201 : 200);
  } else {
    response.status(200);
  }
  return { id: outcome.id, revision: outcome.revision, position: outcome.position };
}
