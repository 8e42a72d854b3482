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
 * Works on at most `limit` requests at once; up to `queueLimit` more wait for a place in arrival order, and the
 * rest are refused at once with 503 + Retry-After. A short queue absorbs a burst; under a load it cannot serve,
 * the API answers quickly instead of queueing until clients' connections fail.
 */
export function shedOverload(limit: number, queueLimit: number): RequestHandler {
  let inProgress = 0;
  const waiting = new Set<() => void>();
  const admitWaiting = () => {
    for (const admit of waiting) {
      if (inProgress >= limit) return;
      waiting.delete(admit);
      admit();
    }
  };
  const work = (request: Placed, response: Response, next: NextFunction) => {
    let held = true;
    let closed = false;
    inProgress++;
    const leave = () => {
      if (held) {
        inProgress--;
        admitWaiting();
      }
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
  return (request: Placed, response: Response, next: NextFunction) => {
    // A probe must see whether the process is alive, not how busy it is.
    if (request.url.startsWith('/health')) return next();
    if (inProgress < limit) return work(request, response, next);
    if (waiting.size >= queueLimit) return sendProblem(response, protectionProblems.overloaded(), request.originalUrl);
    const admit = () => {
      response.off('close', giveUp);
      work(request, response, next);
    };
    // A client that leaves while waiting gives up its turn.
    const giveUp = () => waiting.delete(admit);
    response.once('close', giveUp);
    waiting.add(admit);
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
