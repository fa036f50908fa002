import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** Path and query as the sender called them. */
  url: string;
  body: unknown;
  receivedAt: number;
  headers: http.IncomingHttpHeaders;
}

/** How to answer one webhook: a status, or 'hang' to never answer. */
export type Responder = (hook: ReceivedWebhook, index: number) => number | 'hang';

export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:41235 */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Default: 200 for everything. */
  respond(responder: Responder): void;
  /** Resolves once `count` webhooks have arrived in total. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint on 127.0.0.1 that records what the sandbox delivers: for the sandbox's own
 * tests, and for app tests that want to see raw deliveries.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let responder: Responder = () => 200;
  const waiters = new Set<() => void>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: a test may want to see what a malformed delivery looked like.
      }
      const hook: ReceivedWebhook = { url: req.url ?? '/', body, receivedAt: Date.now(), headers: req.headers };
      received.push(hook);
      const answer = responder(hook, received.length - 1);
      for (const waiter of [...waiters]) waiter();
      if (answer === 'hang') return;
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respond(next: Responder): void {
      responder = next;
    },
    waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedWebhook[]> {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${count} webhooks, got ${received.length}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
