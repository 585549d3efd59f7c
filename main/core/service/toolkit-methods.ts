// The facade's capture toolkit: tags, chaos (failures on purpose), webhooks, the Send API and
// imports.
import type { SendMessageAnswer, WebhookLogView } from '../../../preload/api-contract.js';
import { ChaosError, triggersFromJson, type ChaosTriggers } from '../chaos/chaos-triggers.js';
import * as messageTags from '../tags/index.js';
import type { TaggedStore } from '../tags/index.js';
import {
  displayUrl,
  loadWebhookSecret,
  WebhookSender,
  type WebhookEvent,
} from '../webhooks/index.js';
import type { SendClient } from './message-arrival.js';
import { relaydeskVersion } from './message-store.js';
import type { ServiceParts } from './service-parts.js';

/**
 * Starts sending webhooks when URLs are set; resolves with the sender, or null. What to send is
 * the HTTP side's: it follows the service's events and shapes their bodies
 * (main/server/webhooks/webhook-events.ts), as the WebSocket does.
 */
export async function startWebhooks({
  settings,
  log,
}: ServiceParts): Promise<WebhookSender | null> {
  if (settings.webhookUrls.length === 0) return null;
  const webhooks = new WebhookSender({
    urls: settings.webhookUrls,
    secret: await loadWebhookSecret(settings.webhookSecretFile, process.env),
    timeoutMs: settings.webhookTimeoutMs,
    retries: settings.webhookRetries,
    retryDelayMs: settings.webhookRetryDelayMs,
    userAgent: `Relaydesk/${relaydeskVersion}`,
    label: () => settings.label,
    log,
  });
  return webhooks;
}

export function toolkitMethods(
  { settings, store, chaos, arrival, log }: ServiceParts,
  webhooks: () => WebhookSender | null,
) {
  const tagged: TaggedStore = {
    records: () => store.index.tagged(),
    knownTags: () => store.index.tags().spellings,
    get: (id) => store.index.get(id),
    save: (record) => store.saveRecord(record),
    publish: (event) => store.publish(event),
  };
  return {
    /** Every tag in use, sorted (Mailpit's GET /api/v1/tags). */
    tags: (): string[] => [...store.index.tags().counts.keys()].sort(),

    /** Replaces the tags of messages; an empty list removes them (Mailpit's PUT /api/v1/tags). */
    setTags: (ids: string[], tags: string[]): Promise<void> =>
      messageTags.setMessageTags(tagged, ids, tags),

    renameTag: (from: string, to: string): Promise<void> => messageTags.renameTag(tagged, from, to),

    deleteTag: (tag: string): Promise<void> => messageTags.deleteTag(tagged, tag),

    /** Whether failures on purpose can be set (--enable-chaos or triggers given at start). */
    chaosEnabled: (): boolean => chaos.enabled,

    /** Mailpit's GET /api/v1/chaos; a ChaosError when chaos is not enabled. */
    chaosTriggers(): ChaosTriggers {
      if (!chaos.enabled)
        throw new ChaosError('Chaos is not enabled; start Relaydesk with --enable-chaos');
      return chaos.triggers;
    },

    /** Mailpit's PUT /api/v1/chaos: triggers left out are reset to probability 0. */
    setChaosTriggers(body: unknown): ChaosTriggers {
      const triggers = chaos.set(triggersFromJson(body));
      log(chaos.describe());
      store.publish({ Type: 'chaos', Data: { Active: chaos.active, Triggers: triggers } });
      return triggers;
    },

    /** Whether webhook URLs are set, so that events are worth shaping into webhook bodies. */
    get webhooksOn(): boolean {
      return settings.webhookUrls.length > 0;
    },

    /** Queues one POST of `payload` to every webhook URL; returns at once (none when off). */
    queueWebhook(event: WebhookEvent, messageId: string, payload: unknown): void {
      webhooks()?.enqueue(event, messageId, payload);
    },

    /** The webhook URLs and delivery log, newest first (empty when no --webhook-url is set). */
    webhookLog: (): WebhookLogView => ({
      URLs: settings.webhookUrls.map(displayUrl),
      Deliveries: webhooks()?.deliveries() ?? [],
    }),

    /**
     * Mailpit's POST /api/v1/send: builds the message and takes it in as if it had come over
     * SMTP from `client`, through the same routing rules (so it may be relayed). Resolves with
     * its ID once it is on disk, and `Discarded` when a content rule dropped it.
     */
    sendMessage: (body: unknown, client: SendClient): Promise<SendMessageAnswer> =>
      arrival.send(body, client),

    /**
     * Imports one message from an archive (`relaydesk ingest`): captured into `mailbox`, never
     * relayed, received at `receivedAt`, else at its Date header, else now.
     */
    ingest: (
      raw: Buffer,
      options: { receivedAt?: Date; mailbox?: string; clientIp: string; source?: string },
    ): Promise<string> => arrival.ingest(raw, options),
  };
}

export type ToolkitMethods = ReturnType<typeof toolkitMethods>;
