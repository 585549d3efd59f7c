// A relay through a stalling upstream with one message whose attempt is on the wire: the set-up
// of the tests that act on a message while it is being sent (suspend, delete, new settings).
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { eventually } from './eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from './relaydesk.js';
import type { StallingUpstream } from './stalling-upstream.js';

export interface MessageInAttempt {
  relay: TestRelaydesk;
  /** The relay's log lines from its start. */
  log: string[];
  id: string;
  delivery(): Promise<MessageDelivery>;
  transport: Transporter<SMTPTransport.SentMessageInfo>;
  /** The data folder, for a start again on it. */
  dataDir: string;
  /** The relay's settings, for a start again with them. */
  settings: Record<string, unknown>;
}

/**
 * Starts a relay (on `dataDir`, a fresh folder by default) that relays through `upstream`, sends
 * it one message from app@example.test to boss@example.net over SMTP, and waits until that
 * message's attempt is on the wire (its recipient `sending`). What it starts goes on `cleanups`.
 */
export async function messageInAttempt(
  upstream: StallingUpstream,
  cleanups: Array<() => Promise<void>>,
  dataDir?: string,
): Promise<MessageInAttempt> {
  const folder = dataDir ?? (await makeDataDir());
  const settings = {
    mode: 'relay',
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
  };
  const relay = await startTestRelaydesk(settings, folder);
  cleanups.push(() => relay.dispose());
  const log: string[] = [];
  relay.service.on('log', (line) => log.push(line));
  const transport = relay.transport();
  cleanups.push(async () => transport.close());
  const info = await transport.sendMail({
    from: 'app@example.test',
    to: 'boss@example.net',
    subject: 'weekly report',
    text: 'numbers',
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const delivery = () => relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
  await eventually(async () => (await delivery()).recipients[0]?.state).toBe('sending');
  return { relay, log, id, delivery, transport, dataDir: folder, settings };
}
