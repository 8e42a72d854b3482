import { NextFunction, Request, RequestHandler, Response } from 'express';
import { protectionProblems, sendProblem } from './protection-problems';

const PLACE = Symbol('flipside:place-in-progress');

/** A request's place among those in progress: given up while it only waits, taken back to work again. */
interface Place {
  leave(): void;
  return(): void;
}

type Placed = Request & { [PLACE]?: Place };

/**
 * Works on at most `limit` requests at once and refuses the others at once with 503 + Retry-After: under a
 * load it cannot serve, the API answers quickly instead of queueing until clients' connections fail.
 */
export function shedOverload(limit: number): RequestHandler {
  let inProgress = 0;
  return (request: Placed, response: Response, next: NextFunction) => {
    // A probe must see whether the process is alive, not how busy it is.
    if (request.url.startsWith('/health')) return next();
    if (inProgress >= limit) return sendProblem(response, protectionProblems.overloaded(), request.originalUrl);
    let held = true;
    let closed = false;
    inProgress++;
    const leave = () => {
      if (held) inProgress--;
      held = false;
    };
    request[PLACE] = {
      leave,
      return: () => {
        if (!held && !closed) inProgress++;
        held = !closed;
      },
    };
    // 'close' fires once per response, whether it finished or the client went away.
    response.once('close', () => {
      closed = true;
      leave();
    });
    next();
  };
}

/**
 * Runs `wait` without holding the request's place: a request parked until something happens elsewhere (the read
 * models catching up) does no work, so it must not crowd out requests that would.
 */
export async function parkWhile<T>(request: Request, wait: () => Promise<T>): Promise<T> {
  const place = (request as Placed)[PLACE];
  place?.leave();
  try {
    return await wait();
  } finally {
    place?.return();
  }
}
