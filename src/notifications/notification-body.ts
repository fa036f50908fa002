import type { Notification } from '../generated/prisma/client';
import { NotificationBody, NotificationData, NotificationType } from './notification.types';

/** The JSON a notification is sent as: the same on every attempt, since everything in it was fixed when it was recorded. */
export function notificationBody(n: Notification): NotificationBody {
  return { id: n.id, type: n.type as NotificationType, occurredAt: n.occurredAt.toISOString(), ...(n.data as unknown as NotificationData) };
}
