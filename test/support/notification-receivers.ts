import { once } from 'node:events';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyNotificationSignature } from '../../src/notifications/notification-signature';
import type { NotificationBody } from '../../src/notifications/notification.types';

/** One POST the test's webhook receiver got, with what it answered. */
export interface ReceivedNotification {
  headers: IncomingHttpHeaders;
  raw: string;
  body: NotificationBody;
  /** Checked the way the README tells receivers to: HMAC over "<timestamp>.<body>", constant-time, recent timestamp. */
  signatureValid: boolean;
  answered: number;
}

export interface NotificationReceiver {
  url: string;
  received: ReceivedNotification[];
  /** The next `count` deliveries are answered with `status` (e.g. 500) instead of 204. */
  failNext(count: number, status?: number): void;
  /** Deliveries it answered 2xx: what the host actually got. */
  accepted(): ReceivedNotification[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for the property manager's notification endpoint. */
export async function startNotificationReceiver(secret: string): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const failures: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const answered = failures.shift() ?? 204;
      received.push({
        headers: req.headers,
        raw,
        body: JSON.parse(raw) as NotificationBody,
        signatureValid: verifyNotificationSignature(secret, { signature: header('x-plumline-signature'), timestamp: header('x-plumline-timestamp') }, raw),
        answered,
      });
      res.statusCode = answered;
      res.end(answered >= 400 ? 'receiver is down' : undefined);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/plumline?token=receiver-token`,
    received,
    failNext(count, status = 500) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    accepted: () => received.filter((r) => r.answered < 300),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedEmail {
  from: string;
  to: string[];
  /** The message as sent, headers unfolded and quoted-printable decoded, so plain text can be searched. */
  text: string;
}

export interface SmtpReceiver {
  url: string;
  messages: ReceivedEmail[];
  close(): Promise<void>;
}

function readable(raw: string): string {
  return raw
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps every message. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          text: readable(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
