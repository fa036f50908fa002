/**
 * Fails with `message` when `work` has not settled within `ms`, instead of waiting on a dependency
 * that never answers (a Redis that hangs rather than refuses, a Plum that stalls).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
