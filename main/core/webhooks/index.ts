// Webhooks: JSON POSTs about new messages and delivery changes, signed, retried, logged.
export { displayUrl, parseWebhookUrls } from './webhook-urls.js';
export {
  signatureHeader,
  signBody,
  WebhookSender,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookSenderOptions,
} from './webhook-sender.js';
export { loadWebhookSecret } from './webhook-secret.js';
