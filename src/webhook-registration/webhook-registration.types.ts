import { PlumWebhookConfig } from '../plum/plum.types';

/** What the `webhook_registration.state` column holds. */
export enum RegistrationState {
  /** Plum does not hold the desired configuration yet (start-up, or an operator changed it); a sync will apply it. */
  Pending = 'pending',
  InSync = 'in-sync',
  /** The last attempt failed (reason in lastError); retried in the background with backoff. */
  Failed = 'failed',
  /** WEBHOOK_REGISTRATION=off: the configuration is managed by hand. */
  Disabled = 'disabled',
}

/** The registration as stored and shown; configurations always with the webhook secret redacted. */
export interface RegistrationStatus {
  desired: PlumWebhookConfig | null;
  remote: PlumWebhookConfig | null;
  state: RegistrationState;
  lastError: string | null;
  syncedAt: Date | null;
}

export type SyncAction = 'unchanged' | 'registered';
