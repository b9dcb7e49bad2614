/**
 * Wraps an async task so runs never overlap: a call during a run gets that run's promise and
 * asks for one more run after it, so no request is lost and none runs twice at once.
 */
export function coalesce<T>(task: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  let again = false;

  const runUntilSettled = async (): Promise<T> => {
    let result: T;
    do {
      again = false;
      result = await task();
    } while (again);
    return result;
  };

  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = runUntilSettled().finally(() => {
      running = null;
    });
    return running;
  };
}
