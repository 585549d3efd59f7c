// The webhook signing secret: from --webhook-secret-file, else RELAYDESK_WEBHOOK_SECRET. It is
// kept in memory only, never written to settings, logs or the delivery log.
import { readSecretLine } from '../policy/secret-file.js';

export async function loadWebhookSecret(
  file: string | null,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  if (file === null) {
    const fromEnv = env.RELAYDESK_WEBHOOK_SECRET;
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : null;
  }
  return readSecretLine(file, '--webhook-secret-file', 'the secret');
}
