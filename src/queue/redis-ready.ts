import type { Queue } from 'bullmq';

/**
 * Throws at once while the queue's Redis connection is not ready. Without it, a command would wait
 * in the client's offline queue until Redis returns: callers that can fall back (the relay, a 503,
 * a skipped scrape) should fail fast instead.
 */
export async function assertRedisReady(queue: Queue): Promise<void> {
  const client = await queue.getBackend().client;
  if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
}
