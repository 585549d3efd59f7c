// The delivery state of a recipient under any sequence of events, any clock and any retry
// policy: only the table's changes happen, final states stay final, a deferred recipient always
// has its next attempt inside its lifetime, and nothing recorded is ever lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryAttemptView, RecipientState } from '../../preload/api-contract.js';
import type { RecipientDelivery } from '../../main/core/message-record.js';
import {
  allows,
  applicableActions,
  applyDelivery,
  deliveryTransitions,
  DeliveryTransitionError,
  finalStates,
  initialStates,
  newRecipient,
  type DeliveryEvent,
} from '../../main/core/queue/delivery-transition.js';
import type { RetrySchedule } from '../../main/core/queue/retry-schedule.js';

const HOUR = 3_600_000;
const minutes = (n: number): number => n * 60_000;
const t0 = Date.parse('2026-11-28T10:00:00Z');

const attemptView = (at: number): DeliveryAttemptView => ({
  startedAt: new Date(at).toISOString(),
  endedAt: new Date(at).toISOString(),
  upstream: { host: 'smtp.example.com', ip: '192.0.2.25', port: 587 },
  tls: null,
  authMechanism: null,
  reply: { code: 451, enhanced: '4.3.0', text: 'try later' },
  upstreamQueueId: null,
  transcript: '',
});

const policyArb: fc.Arbitrary<RetrySchedule> = fc.record({
  // the settings speak in whole minutes
  delaysMs: fc.array(fc.integer({ min: 1, max: 360 }).map(minutes), { maxLength: 6 }),
  thenEveryMs: fc.integer({ min: 1, max: 720 }).map(minutes),
  lifetimeMs: fc.integer({ min: 0, max: 96 * HOUR }),
});

/** An event, made at the moment it happens (an attempt and a gate need the time). */
type EventAt = (now: number) => DeliveryEvent;

const eventArb: fc.Arbitrary<EventAt> = fc.oneof(
  fc.constant<EventAt>(() => ({ type: 'start' })),
  fc
    .tuple(
      fc.constantFrom('relayed', 'bounced', 'deferred', 'deferred', 'deferred'),
      fc.constantFrom(undefined, 'session', 'mail'),
    )
    .map<EventAt>(([outcome, upstreamWide]) => (now) => ({
      type: 'attempt',
      attempt: attemptView(now),
      outcome,
      reason: `upstream said ${outcome}`,
      ...(upstreamWide ? { upstreamWide } : {}),
    })),
  fc.integer({ min: 0, max: 100 * HOUR }).map<EventAt>((wait) => (now) => ({
    type: 'gate',
    until: new Date(now + wait),
    reason: 'warm-up cap',
  })),
  ...(['interrupt', 'hold', 'release', 'retry', 'upstream-back', 'cancel', 'resend'] as const).map(
    (type) => fc.constant<EventAt>(() => ({ type, reason: `${type} by test` })),
  ),
);

const runArb = fc.record({
  policy: policyArb,
  steps: fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 30 * HOUR })), {
    minLength: 20,
    maxLength: 120,
  }),
});

const knownStates = new Set<RecipientState>([
  ...initialStates,
  ...Object.values(deliveryTransitions).flatMap((rule) => [...rule.from, ...rule.to]),
]);

describe('the delivery transition function', () => {
  it('keeps every invariant under any sequence of events', () => {
    fc.assert(
      fc.property(runArb, ({ policy, steps }) => {
        let now = t0;
        let r: RecipientDelivery = newRecipient({
          address: 'bob@rcpt.example',
          state: 'pending',
          rule: 'relay everything',
          at: new Date(now),
        });
        for (const [makeEvent, wait] of steps) {
          now += wait;
          const event = makeEvent(now);
          const before = r;
          if (!allows(before.state, event.type)) {
            // refused with a message naming the recipient, its state and the event
            expect(() => applyDelivery(before, event, new Date(now), policy)).toThrow(
              DeliveryTransitionError,
            );
            expect(() => applyDelivery(before, event, new Date(now), policy)).toThrow(
              `bob@rcpt.example is ${before.state}: "${event.type}"`,
            );
            continue;
          }
          r = applyDelivery(before, event, new Date(now), policy);

          // only the table's changes, to states the table knows
          expect(deliveryTransitions[event.type].to).toContain(r.state);
          expect(knownStates.has(r.state)).toBe(true);
          // final states stay final: only a resend by hand (a new delivery) leaves one
          if (finalStates.has(before.state)) expect(event.type).toBe('resend');
          // attempts only grow, by one per attempt; history by one per change, at its time
          expect(r.attempts.length).toBe(
            before.attempts.length + (event.type === 'attempt' ? 1 : 0),
          );
          expect(r.attempts.slice(0, before.attempts.length)).toEqual(before.attempts);
          expect(r.history.slice(0, -1)).toEqual(before.history);
          expect(r.history.at(-1)).toMatchObject({
            state: r.state,
            at: new Date(now).toISOString(),
          });
          // a deferred recipient has its next attempt in the future, inside its lifetime
          if (r.state === 'deferred') {
            expect(r.nextAttemptAt).not.toBeNull();
            const next = Date.parse(r.nextAttemptAt as string);
            expect(next).toBeGreaterThanOrEqual(now);
            if (r.firstAttemptAt !== null)
              expect(next - Date.parse(r.firstAttemptAt)).toBeLessThan(policy.lifetimeMs);
          }
          // the lifetime counts from the first attempt, which a new attempt never moves
          if (before.firstAttemptAt !== null && event.type !== 'resend')
            expect(r.firstAttemptAt).toBe(before.firstAttemptAt);
          if (r.state === 'sending') expect(r.firstAttemptAt).not.toBeNull();
          // an attempt decides whether the recipient waits for the upstream: only a deferral
          // for every recipient alike, and a 4xx to MAIL FROM only when not just released for it
          if (event.type === 'attempt') {
            const waits =
              r.state === 'deferred' &&
              (event.upstreamWide === 'session' ||
                (event.upstreamWide === 'mail' && before.upstreamWait !== 'released'));
            expect(r.upstreamWait).toBe(waits ? 'waiting' : undefined);
          } else if (event.type === 'upstream-back') expect(r.upstreamWait).toBe('released');
          else if (event.type === 'resend') expect(r.upstreamWait).toBeUndefined();
          // held back by a gate (the warm-up's day cap), it waits for the gate's time instead
          else if (
            event.type === 'gate' &&
            r.state === 'deferred' &&
            before.upstreamWait === 'waiting'
          )
            expect(r.upstreamWait).toBeUndefined();
          else expect(r.upstreamWait).toBe(before.upstreamWait);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives a recipient that is only ever deferred its last attempt inside its lifetime, then expires it', () => {
    fc.assert(
      fc.property(policyArb, (policy) => {
        let now = t0;
        let r = newRecipient({
          address: 'a@b.example',
          state: 'pending',
          rule: 'x',
          at: new Date(now),
        });
        for (let i = 0; i < 10_000 && r.state !== 'expired'; i++) {
          r = applyDelivery(r, { type: 'start' }, new Date(now), policy);
          r = applyDelivery(
            r,
            { type: 'attempt', attempt: attemptView(now), outcome: 'deferred', reason: '451' },
            new Date(now),
            policy,
          );
          if (r.state === 'deferred') now = Date.parse(r.nextAttemptAt as string);
        }
        expect(r.state).toBe('expired');
        expect(now - t0).toBeLessThanOrEqual(policy.lifetimeMs);
        expect(r.history.at(-1)?.reason).toMatch(/^lifetime of [\d.]+ h exceeded: 451/);
      }),
    );
  });

  it('names every state in the table, and only a resend leaves a final state', () => {
    const all: RecipientState[] = [
      'pending',
      'sending',
      'relayed',
      'deferred',
      'bounced',
      'expired',
      'held',
      'cancelled',
      'captured',
      'quarantined',
    ];
    expect([...knownStates].sort()).toEqual([...all].sort());
    // the quarantine's stand-in is left by no queue event and offers no action: only the
    // quarantine's release, which plans a new delivery, sends such a message
    for (const rule of Object.values(deliveryTransitions)) {
      expect(rule.from).not.toContain('quarantined');
    }
    expect(applicableActions([{ state: 'quarantined' }])).toEqual([]);
    for (const [event, rule] of Object.entries(deliveryTransitions)) {
      if (event === 'resend') continue;
      for (const state of finalStates) expect(rule.from).not.toContain(state);
    }
    // a captured recipient is sent only by hand: a release through the upstream (MailDev's Relay)
    expect(allows('captured', 'resend')).toBe(true);
    expect(applicableActions([{ state: 'captured' }])).toEqual([]);
  });

  it('offers the hand actions that would move a recipient, and none once all are final', () => {
    const states = (...list: RecipientState[]) => list.map((state) => ({ state }));
    expect(applicableActions(states('relayed', 'relayed'))).toEqual([]);
    expect(applicableActions(states('captured'))).toEqual([]);
    expect(applicableActions(states('bounced', 'cancelled', 'expired'))).toEqual([]);
    // one recipient deferred beside one delivered: the message can still be retried, held or cancelled
    expect(applicableActions(states('relayed', 'deferred'))).toEqual(['retry', 'hold', 'cancel']);
    expect(applicableActions(states('held'))).toEqual(['release', 'cancel']);
    expect(applicableActions(states('held', 'pending'))).toEqual([
      'retry',
      'hold',
      'release',
      'cancel',
    ]);
    // on its way to the upstream: nothing to do by hand until the attempt ends
    expect(applicableActions(states('sending'))).toEqual([]);
  });
});
