// The webhook signing secret: from --webhook-secret-file, else RELAYDESK_WEBHOOK_SECRET. It is
// kept in memory only, never written to settings, logs or the delivery log.
import { readFile } from 'node:fs/promises';
import { SettingsError } from '../settings/settings-schema.js';

export async function loadWebhookSecret(
  file: string | null,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  if (file === null) {
    const fromEnv = env.RELAYDESK_WEBHOOK_SECRET;
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : null;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SettingsError(
      `--webhook-secret-file: cannot read ${JSON.stringify(file)} (${code}); give a file holding the secret`,
    );
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '' || secret.includes('\n')) {
    throw new SettingsError(
      `--webhook-secret-file: ${JSON.stringify(file)} must hold one line, the secret`,
    );
  }
  return secret;
}
