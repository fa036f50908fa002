// The Plum sandbox's public surface: start it in-process, drive one in another process, run scenarios.
export { startSandbox } from './sandbox';
export { SandboxClient } from './client';
export { SandboxError } from './errors';
export { startWebhookReceiver } from './receiver';
export type { ReceivedWebhook, Responder, WebhookReceiver } from './receiver';
export { formatReport, runScenario, SCENARIO_FLOWS } from './scenario';
export type { ScenarioBooking, ScenarioFlow, ScenarioOperation, ScenarioOptions, ScenarioReport, ScenarioTarget } from './scenario';
export type {
  ApiKnobs,
  CreateBookingInput,
  CreateListingInput,
  DateChange,
  DeleteBookingOptions,
  DeliveryFilter,
  DeliveryKnobs,
  DeliveryLogEntry,
  DeliveryStats,
  EventKind,
  FaultKind,
  RequestFilter,
  RequestLogEntry,
  ResetOptions,
  RunningSandbox,
  SandboxControl,
  SandboxEvent,
  SandboxEventType,
  SandboxOptions,
  ScriptedFault,
  SetBookingOptions,
  WaitForDeliveriesOptions,
} from './types';
