import type { FilterVerdictView, RelaydeskApi } from '../api/contract';
import { serverWords } from '../api/http-transport';

/**
 * Release on several selected messages means two things, as Postfix's `postsuper -H` releases
 * both what was put on hold and what a milter quarantined into the hold queue: a message the
 * filter holds goes through the quarantine's release (one request each, so each answers for
 * itself), the rest through the queue's release of held recipients, as before. Asked of the
 * relay first, not of the list's rows: a row may be stale, and only the verdict says virus.
 */
export interface ReleasePlan {
  /** Held in the quarantine: released from it, a virus only with the tick. */
  quarantined: Array<{ id: string; filter: FilterVerdictView }>;
  /** Everything else: the queue's release (held recipients). */
  queued: string[];
  /** Of `queued`, those released from the quarantine already: a second release is refused. */
  releasedBefore: Set<string>;
}

/** Each message's answer; `why` is a whole phrase, for the line that names the message. */
export type ReleaseOutcome =
  | { id: string; result: 'released' }
  | { id: string; result: 'already released' | 'not held' | 'failed'; why: string };

const isVirus = (filter: FilterVerdictView): boolean => filter.scan === 'infected';

export function virusesIn(plan: ReleasePlan): Array<{ id: string; filter: FilterVerdictView }> {
  return plan.quarantined.filter((held) => isVirus(held.filter));
}

/** What the relay's filter says of each selected message. */
export async function planRelease(api: RelaydeskApi, ids: string[]): Promise<ReleasePlan> {
  const decisions = await Promise.all(ids.map((id) => api.messageDecisions(id)));
  const plan: ReleasePlan = { quarantined: [], queued: [], releasedBefore: new Set() };
  for (const decision of decisions) {
    const filter = decision.Filter;
    if (filter?.action === 'quarantined' && filter.released === undefined) {
      plan.quarantined.push({ id: decision.ID, filter });
      continue;
    }
    plan.queued.push(decision.ID);
    if (filter?.action === 'quarantined') plan.releasedBefore.add(decision.ID);
  }
  return plan;
}

/**
 * One message's part of the queue's refusal ("message ID is already delivered; only held
 * messages can be released; message ID2 is …"): its state, for the line naming it.
 */
function refusalOf(id: string, refusal: string | null): string {
  if (refusal === null) return 'not held: nothing of it waits to be released';
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const state = new RegExp(`message ${escaped} is ([^;]+)`).exec(refusal)?.[1];
  return state ? `not held: it is ${state}` : refusal;
}

/**
 * Releases what the plan found, each message on its own answer: one refused (released a moment
 * ago in another window, say) does not stop the others. `confirmVirus` is the tick; without it
 * nothing is released when any is a virus, which the caller's confirm already keeps from
 * happening (the relay would refuse those one by one).
 */
export async function runRelease(
  api: RelaydeskApi,
  plan: ReleasePlan,
  confirmVirus: boolean,
): Promise<ReleaseOutcome[]> {
  const outcomes: ReleaseOutcome[] = [];
  for (const { id, filter } of plan.quarantined) {
    try {
      await api.releaseQuarantined(id, isVirus(filter) && confirmVirus);
      outcomes.push({ id, result: 'released' });
    } catch (failure) {
      const why = serverWords(failure);
      outcomes.push({
        id,
        result: /already released/.test(why) ? 'already released' : 'failed',
        why,
      });
    }
  }
  if (plan.queued.length === 0) return outcomes;
  // the queue releases what it can of several and names those; it refuses (409) only when it
  // can release none, naming each message and its state
  let changed: string[] = [];
  let refusal: string | null = null;
  try {
    changed = (await api.releaseMessages(plan.queued)).IDs;
  } catch (failure) {
    refusal = serverWords(failure);
  }
  for (const id of plan.queued) {
    if (changed.includes(id)) outcomes.push({ id, result: 'released' });
    else if (plan.releasedBefore.has(id))
      outcomes.push({
        id,
        result: 'already released',
        why: 'already released from the quarantine, before this; nothing of it is held now',
      });
    else outcomes.push({ id, result: 'not held', why: refusalOf(id, refusal) });
  }
  return outcomes;
}

/** "2 released, 1 already released": each outcome counted, in the order they matter. */
export function outcomeSummary(outcomes: readonly ReleaseOutcome[]): string {
  const order = ['released', 'already released', 'not held', 'failed'] as const;
  return order
    .map((result) => [result, outcomes.filter((o) => o.result === result).length] as const)
    .filter(([, count]) => count > 0)
    .map(([result, count]) => `${count} ${result}`)
    .join(', ');
}
