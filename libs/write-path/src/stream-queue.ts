/**
 * Runs work for one stream at a time within this process, so concurrent commands to a busy stream queue up
 * instead of colliding on the expected revision and burning retries. Other processes are still caught by
 * the store's optimistic concurrency.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(streamName: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(streamName) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(streamName, tail);
    void tail.then(() => {
      if (this.tails.get(streamName) === tail) this.tails.delete(streamName);
    });
    return result;
  }
}
