// Chaos (Mailpit's internal/smtpd/chaos): the SMTP listener fails on purpose at MAIL FROM
// (Sender), RCPT TO (Recipient) or AUTH (Authentication), each with its own reply code and a
// probability in percent, so an application's retry logic can be tested against real failures.
// Off unless --enable-chaos (or --chaos-triggers) is given; the API refuses changes otherwise.
import { CallerError } from '../caller-error.js';
import { randomInt } from 'node:crypto';

export interface ChaosTrigger {
  /** The SMTP reply code, 400–599. */
  ErrorCode: number;
  /** Chance of failing, in percent, 0–100. */
  Probability: number;
}

/** Mailpit's ChaosTriggers JSON shape. */
export interface ChaosTriggers {
  Sender: ChaosTrigger;
  Recipient: ChaosTrigger;
  Authentication: ChaosTrigger;
}

export type ChaosStage = keyof ChaosTriggers;

export const chaosStages: readonly ChaosStage[] = ['Sender', 'Recipient', 'Authentication'];

/** Mailpit's defaults: 451 at MAIL and RCPT, 535 at AUTH, never triggered. */
export function defaultChaosTriggers(): ChaosTriggers {
  return {
    Sender: { ErrorCode: 451, Probability: 0 },
    Recipient: { ErrorCode: 451, Probability: 0 },
    Authentication: { ErrorCode: 535, Probability: 0 },
  };
}

export class ChaosError extends CallerError {
  override name = 'ChaosError';
}

function checkTrigger(stage: ChaosStage, trigger: ChaosTrigger): void {
  const { ErrorCode: code, Probability: chance } = trigger;
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new ChaosError(
      `${stage}.ErrorCode: ${JSON.stringify(code)} is not valid; the error code must be between 400 and 599`,
    );
  }
  if (!Number.isInteger(chance) || chance < 0 || chance > 100) {
    throw new ChaosError(
      `${stage}.Probability: ${JSON.stringify(chance)} is not valid; the probability must be a whole number between 0 and 100`,
    );
  }
}

/**
 * Mailpit's SetFromStruct: each trigger left out is reset to its default with probability 0, an
 * ErrorCode of 0 or missing takes the default code. Anything else wrong names the field.
 */
export function triggersFromJson(body: unknown): ChaosTriggers {
  if (body === undefined || body === null) return defaultChaosTriggers();
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ChaosError(
      'body: give an object such as {"Sender": {"ErrorCode": 451, "Probability": 50}}',
    );
  }
  const out = defaultChaosTriggers();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const stage = chaosStages.find((s) => s.toLowerCase() === key.toLowerCase());
    if (!stage) {
      throw new ChaosError(
        `${key}: unknown trigger; the triggers are Sender, Recipient and Authentication`,
      );
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ChaosError(`${stage}: give {"ErrorCode": 451, "Probability": 50}`);
    }
    const v = value as Record<string, unknown>;
    const code =
      v.ErrorCode === undefined || v.ErrorCode === 0 ? out[stage].ErrorCode : v.ErrorCode;
    const chance = v.Probability === undefined ? 0 : v.Probability;
    const trigger = { ErrorCode: code as number, Probability: chance as number };
    checkTrigger(stage, trigger);
    out[stage] = trigger;
  }
  return out;
}

/**
 * Mailpit's --chaos-triggers: `Sender:451:50,Recipient:452:10,Authentication:535:5`
 * (keys case-insensitive; also `recipients`, `auth`). Undefined when not valid.
 */
export function parseChaosTriggers(raw: unknown): ChaosTriggers | undefined {
  if (typeof raw === 'object' && raw !== null) {
    try {
      return triggersFromJson(raw);
    } catch {
      return undefined;
    }
  }
  if (typeof raw !== 'string') return undefined;
  const out = defaultChaosTriggers();
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-zA-Z]+):(\d{3}):(\d{1,3})$/.exec(part);
    if (!match) return undefined;
    const key = (match[1] as string).toLowerCase();
    const stage: ChaosStage | undefined =
      key === 'sender'
        ? 'Sender'
        : key === 'recipient' || key === 'recipients'
          ? 'Recipient'
          : key === 'auth' || key === 'authentication'
            ? 'Authentication'
            : undefined;
    if (!stage) return undefined;
    const trigger = { ErrorCode: Number(match[2]), Probability: Number(match[3]) };
    try {
      checkTrigger(stage, trigger);
    } catch {
      return undefined;
    }
    out[stage] = trigger;
  }
  return out;
}

/** The live chaos switch the listener asks at each SMTP step. */
export class Chaos {
  private current: ChaosTriggers;

  constructor(
    readonly enabled: boolean,
    triggers: ChaosTriggers | null,
    /** 0–99; replaceable so a test can make the dice certain. */
    private readonly roll: () => number = () => randomInt(100),
  ) {
    this.current = triggers ?? defaultChaosTriggers();
  }

  get triggers(): ChaosTriggers {
    return structuredClone(this.current);
  }

  /** Whether any trigger can fire now: what the info API and the GUI show as "chaos is on". */
  get active(): boolean {
    return this.enabled && chaosStages.some((s) => this.current[s].Probability > 0);
  }

  set(triggers: ChaosTriggers): ChaosTriggers {
    if (!this.enabled)
      throw new ChaosError('Chaos is not enabled; start Relaydesk with --enable-chaos');
    this.current = structuredClone(triggers);
    return this.triggers;
  }

  /** The reply code to fail this step with, or null to carry on. */
  fire(stage: ChaosStage): number | null {
    if (!this.enabled) return null;
    const trigger = this.current[stage];
    if (trigger.Probability === 0) return null;
    // roll() is 0–99, so probability 100 always fires and 1 fires one time in a hundred
    return this.roll() < trigger.Probability ? trigger.ErrorCode : null;
  }

  /** One line for the log: what fails, with which code, how often. */
  describe(): string {
    if (!this.enabled) return 'chaos: off';
    const parts = chaosStages
      .filter((s) => this.current[s].Probability > 0)
      .map((s) => `${s} ${this.current[s].ErrorCode} at ${this.current[s].Probability}%`);
    return parts.length === 0
      ? 'chaos: enabled, no trigger set (PUT /api/v1/chaos to set one)'
      : `chaos: ON, the SMTP listener fails on purpose: ${parts.join(', ')}`;
  }
}
