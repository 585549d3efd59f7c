// MailHog's Jim (its chaos monkey, `/api/v2/jim`: docs/JIM.md, api/v2.go, monkey/jim.go) on
// Relaydesk's chaos triggers, so a suite that calls cypress-mailhog's `mhSetJimMode` gets what
// Jim did at MAIL, RCPT and AUTH: each refused at random with the chance given, with the reply
// MailHog's protocol gives (550 sender, 550 recipient, 535 AUTH). Jim's connection chaos
// (refused or dropped connections, slowed links) has no counterpart here: its fields are kept
// and answered back, and the log says they are not simulated.
import { ChaosError, type ChaosTriggers } from '../../core/chaos/chaos-triggers.js';
import type { RelayService } from '../../core/relay-service.js';

export interface Jim {
  DisconnectChance: number;
  AcceptChance: number;
  LinkSpeedAffect: number;
  LinkSpeedMin: number;
  LinkSpeedMax: number;
  RejectSenderChance: number;
  RejectRecipientChance: number;
  RejectAuthChance: number;
}

const fields: readonly (keyof Jim)[] = [
  'DisconnectChance',
  'AcceptChance',
  'LinkSpeedAffect',
  'LinkSpeedMin',
  'LinkSpeedMax',
  'RejectSenderChance',
  'RejectRecipientChance',
  'RejectAuthChance',
];

const chances = new Set<keyof Jim>(
  fields.filter((f) => f.endsWith('Chance') || f === 'LinkSpeedAffect'),
);

/** MailHog's `-jim-*` flag defaults: what `POST /api/v2/jim` without a body invites. */
export function defaultJim(): Jim {
  return {
    DisconnectChance: 0.005,
    AcceptChance: 0.99,
    LinkSpeedAffect: 0.1,
    LinkSpeedMin: 1024,
    LinkSpeedMax: 10240,
    RejectSenderChance: 0.05,
    RejectRecipientChance: 0.05,
    RejectAuthChance: 0.05,
  };
}

/**
 * A Jim from a request body as MailHog decodes one (into a zero Jim: a field left out is 0);
 * null when there is no JSON object to read (MailHog's POST then keeps the defaults). A field
 * of the wrong kind is refused, naming it.
 */
export function jimFromBody(body: unknown): Jim | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const given = body as Record<string, unknown>;
  const jim = Object.fromEntries(fields.map((f) => [f, 0])) as unknown as Jim;
  for (const field of fields) {
    const value = given[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new ChaosError(
        `${field}: ${JSON.stringify(value)} is not valid; give a number${chances.has(field) ? ' from 0 to 1' : ' of bytes per second'}`,
      );
    }
    if (chances.has(field) && value > 1) {
      throw new ChaosError(
        `${field}: ${value} is not valid; a chance is a number from 0 to 1 (0.05 is 5 %)`,
      );
    }
    jim[field] = value;
  }
  return jim;
}

/** The chaos triggers that do what this Jim does at MAIL, RCPT and AUTH. */
export function jimTriggers(jim: Jim): ChaosTriggers {
  const percent = (chance: number): number => Math.round(chance * 100);
  return {
    Sender: { ErrorCode: 550, Probability: percent(jim.RejectSenderChance) },
    Recipient: { ErrorCode: 550, Probability: percent(jim.RejectRecipientChance) },
    Authentication: { ErrorCode: 535, Probability: percent(jim.RejectAuthChance) },
  };
}

/** What of a Jim Relaydesk cannot do, for the log; null when it all applies. */
export function jimNotSimulated(jim: Jim): string | null {
  const missing = [
    jim.DisconnectChance > 0 && `DisconnectChance ${jim.DisconnectChance}`,
    jim.AcceptChance < 1 && `AcceptChance ${jim.AcceptChance}`,
    jim.LinkSpeedAffect > 0 && `LinkSpeedAffect ${jim.LinkSpeedAffect}`,
  ].filter((part): part is string => typeof part === 'string');
  return missing.length > 0
    ? `MailHog Jim: ${missing.join(', ')} not simulated (Relaydesk's chaos fails MAIL, RCPT and AUTH only)`
    : null;
}

export interface JimState {
  /** The Jim invited, while the chaos triggers are still the ones it set; else null. */
  current(): Jim | null;
  invite(jim: Jim): void;
  leave(): void;
}

/** Jim as invited through the API, kept while the chaos triggers are still the ones it set. */
export function jimState(
  service: Pick<RelayService, 'chaosTriggers' | 'setChaosTriggers'>,
): JimState {
  let invited: Jim | null = null;
  const sameTriggers = (a: ChaosTriggers, b: ChaosTriggers): boolean =>
    JSON.stringify(a) === JSON.stringify(b);
  return {
    current() {
      // chaos set since through /api/v1/chaos or the GUI means Jim has left
      if (invited && !sameTriggers(service.chaosTriggers(), jimTriggers(invited))) invited = null;
      return invited;
    },
    invite(jim) {
      service.setChaosTriggers(jimTriggers(jim));
      invited = jim;
    },
    leave() {
      service.setChaosTriggers({});
      invited = null;
    },
  };
}
