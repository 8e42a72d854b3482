/**
 * Lets a spec send a value the command's type forbids (a wrong enum, a missing field), as a mis-built HTTP
 * request could, to prove the decider still refuses it.
 */
export function untyped<T>(value: unknown): T {
  return value as T;
}
