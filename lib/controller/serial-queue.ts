/**
 * Runs decisions one at a time in this process: a later signal waits for the earlier decision to
 * commit, then re-reads the repository, so it decides on fresh state (and finds nothing to do when the
 * earlier decision already covered it — that is how bursts coalesce).
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
