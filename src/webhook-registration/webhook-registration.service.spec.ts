import { BadGatewayException, ConflictException, Logger, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { PlumClient } from '../plum/plum.client';
import { PlumPermanentError, PlumTransientError } from '../plum/plum.errors';
import { PlumWebhookConfig } from '../plum/plum.types';
import { buildDesiredConfig } from './webhook-config';
import { LockOutcome, RegistrationPatch, WebhookRegistrationRepository } from './webhook-registration.repository';
import { RETRY_BASE_MS, RETRY_CAP_MS, retryDelayMs, WebhookRegistrationService } from './webhook-registration.service';
import { RegistrationState } from './webhook-registration.types';

const SECRET = 'unit-webhook-secret-0123456789';
const PUBLIC_URL = 'https://plumline.example.com';
const desired = buildDesiredConfig({ publicUrl: PUBLIC_URL, secret: SECRET });

describe('retryDelayMs', () => {
  it('doubles from 1 s up to 5 min, with at most 20 % jitter taken off', () => {
    expect(retryDelayMs(1, undefined, () => 1)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(2, undefined, () => 1)).toBe(2 * RETRY_BASE_MS);
    expect(retryDelayMs(5, undefined, () => 1)).toBe(16 * RETRY_BASE_MS);
    expect(retryDelayMs(40, undefined, () => 1)).toBe(RETRY_CAP_MS);
    expect(retryDelayMs(1, undefined, () => 0)).toBe(0.8 * RETRY_BASE_MS);
  });

  it("never retries sooner than Plum's Retry-After", () => {
    expect(retryDelayMs(1, 30_000, () => 1)).toBe(30_000);
  });
});

describe('WebhookRegistrationService', () => {
  let plum: jest.Mocked<Pick<PlumClient, 'getWebhookConfig' | 'saveWebhookConfig' | 'toggleWebhookConfig' | 'deleteWebhookConfig'>>;
  let saved: RegistrationPatch[];
  let lockFree: boolean;
  let repository: jest.Mocked<Pick<WebhookRegistrationRepository, 'find' | 'save' | 'withLock'>>;
  let sut: WebhookRegistrationService;

  function create(env: Partial<Environment> = {}): WebhookRegistrationService {
    const values: Partial<Environment> = {
      WEBHOOK_REGISTRATION: 'on',
      APP_ROLE: 'all' as Environment['APP_ROLE'],
      WEBHOOK_SECRET: SECRET,
      PUBLIC_URL,
      PLUM_TIMEOUT_MS: 1_000,
      ...env,
    };
    const config = { get: (key: keyof Environment) => values[key] } as unknown as ConfigService<Environment, true>;
    return new WebhookRegistrationService(config, plum as unknown as PlumClient, repository as unknown as WebhookRegistrationRepository);
  }

  const lastState = () => saved.filter((patch) => patch.state).at(-1);

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    jest.useFakeTimers();
    saved = [];
    lockFree = true;
    plum = {
      getWebhookConfig: jest.fn(),
      saveWebhookConfig: jest.fn().mockResolvedValue(undefined),
      toggleWebhookConfig: jest.fn().mockResolvedValue(undefined),
      deleteWebhookConfig: jest.fn().mockResolvedValue(undefined),
    };
    repository = {
      find: jest.fn().mockResolvedValue(null),
      save: jest.fn(async (patch: RegistrationPatch) => {
        saved.push(patch);
      }),
      withLock: jest.fn(async <T>(fn: () => Promise<T>, _timeoutMs: number): Promise<LockOutcome<T>> => (lockFree ? { acquired: true, value: await fn() } : { acquired: false })),
    } as unknown as typeof repository;
  });

  afterEach(async () => {
    await sut?.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('registers when Plum holds nothing, without making start-up wait', async () => {
    let answer!: (config: PlumWebhookConfig | null) => void;
    plum.getWebhookConfig.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    sut = create();
    expect(sut.onApplicationBootstrap()).toBeUndefined();
    await jest.advanceTimersByTimeAsync(0);
    expect(plum.saveWebhookConfig).not.toHaveBeenCalled();
    answer(null);
    await jest.advanceTimersByTimeAsync(0);
    expect(plum.saveWebhookConfig).toHaveBeenCalledWith(desired);
    expect(lastState()).toMatchObject({ state: RegistrationState.InSync, lastError: null });
  });

  it('changes nothing when Plum already holds the desired configuration', async () => {
    plum.getWebhookConfig.mockResolvedValue(structuredClone(desired));
    sut = create();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(plum.saveWebhookConfig).not.toHaveBeenCalled();
    expect(lastState()?.state).toBe(RegistrationState.InSync);
  });

  it('records the failure without the secret and retries with growing delays until Plum answers', async () => {
    plum.getWebhookConfig
      .mockRejectedValueOnce(new PlumTransientError('Plum GET /v2/webhooks/config failed: ECONNREFUSED'))
      .mockRejectedValueOnce(new PlumPermanentError(`Plum POST answered 400: bad url https://x/webhooks/bookings?token=${SECRET}`, 400))
      .mockResolvedValue(null);
    jest.spyOn(Math, 'random').mockReturnValue(1);
    sut = create();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(lastState()).toMatchObject({ state: RegistrationState.Failed, lastError: expect.stringContaining('ECONNREFUSED') });

    await jest.advanceTimersByTimeAsync(RETRY_BASE_MS - 1);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(2);
    expect(lastState()?.lastError).toContain('token=[redacted]');
    expect(JSON.stringify(saved)).not.toContain(SECRET);

    await jest.advanceTimersByTimeAsync(2 * RETRY_BASE_MS);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(3);
    expect(plum.saveWebhookConfig).toHaveBeenCalledTimes(1);
    expect(lastState()?.state).toBe(RegistrationState.InSync);
    await jest.advanceTimersByTimeAsync(RETRY_CAP_MS);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(3);
  });

  it('stops retrying on shutdown', async () => {
    plum.getWebhookConfig.mockRejectedValue(new PlumTransientError('down'));
    sut = create();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(RETRY_CAP_MS);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('looks again shortly when another instance holds the lock', async () => {
    plum.getWebhookConfig.mockResolvedValue(structuredClone(desired));
    lockFree = false;
    sut = create();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(plum.getWebhookConfig).not.toHaveBeenCalled();
    lockFree = true;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(plum.getWebhookConfig).toHaveBeenCalledTimes(1);
    expect(plum.saveWebhookConfig).not.toHaveBeenCalled();
  });

  it('records "disabled" and leaves Plum alone when registration is off', async () => {
    sut = create({ WEBHOOK_REGISTRATION: 'off' });
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(lastState()?.state).toBe(RegistrationState.Disabled);
    expect(plum.getWebhookConfig).not.toHaveBeenCalled();
    await expect(sut.syncNow()).rejects.toBeInstanceOf(ConflictException);
  });

  it('does nothing in a worker process', async () => {
    sut = create({ APP_ROLE: 'worker' as Environment['APP_ROLE'] });
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(repository.save).not.toHaveBeenCalled();
    expect(plum.getWebhookConfig).not.toHaveBeenCalled();
  });

  it('answers Plum failures of admin calls as 502, a missing configuration as 404, a held lock as 409', async () => {
    sut = create();
    plum.getWebhookConfig.mockRejectedValueOnce(new PlumTransientError('Plum answered 503'));
    await expect(sut.syncNow()).rejects.toBeInstanceOf(BadGatewayException);
    plum.toggleWebhookConfig.mockRejectedValueOnce(new PlumPermanentError('Plum answered 404', 404));
    await expect(sut.toggle(true)).rejects.toBeInstanceOf(NotFoundException);
    lockFree = false;
    await expect(sut.remove()).rejects.toBeInstanceOf(ConflictException);
  });

  it('records a toggle that leaves Plum inactive as pending, and stops a retry from undoing it', async () => {
    plum.getWebhookConfig.mockRejectedValueOnce(new PlumTransientError('down')).mockResolvedValue({ ...desired, isActive: false });
    sut = create();
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.toggle(false);
    expect(plum.toggleWebhookConfig).toHaveBeenCalledWith(false);
    expect(lastState()).toMatchObject({ state: RegistrationState.Pending, remote: { isActive: false } });
    await jest.advanceTimersByTimeAsync(RETRY_CAP_MS);
    expect(plum.saveWebhookConfig).not.toHaveBeenCalled();
  });
});
