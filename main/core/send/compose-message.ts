// The MIME message of a Send API request, built by nodemailer's MailComposer (the same code
// that builds what nodemailer sends over SMTP), so it is what an application would have sent.
import { onFirstUse } from '../load/first-use.js';
import type { SendAddress, SendRequest } from './send-request.js';

const mailbox = (a: SendAddress): { name: string; address: string } => ({
  name: a.Name,
  address: a.Email,
});

// loaded by the first Send API call: capture over SMTP never builds a message
const mailComposerModule = onFirstUse(
  "nodemailer's MailComposer",
  () => import('nodemailer/lib/mail-composer'),
);

export interface ComposedMessage {
  raw: Buffer;
  mailFrom: string;
  /** To, Cc and Bcc: the envelope recipients. Bcc is not in the headers (it is not sent). */
  rcptTo: string[];
}

export async function composeMessage(request: SendRequest): Promise<ComposedMessage> {
  const { default: MailComposer } = await mailComposerModule();
  const composer = new MailComposer({
    from: mailbox(request.From),
    to: request.To.map(mailbox),
    cc: request.Cc.map(mailbox),
    bcc: request.Bcc,
    replyTo: request.ReplyTo.map(mailbox),
    subject: request.Subject,
    text: request.Text,
    ...(request.HTML !== '' ? { html: request.HTML } : {}),
    attachments: request.Attachments.map((a) => ({
      filename: a.Filename,
      content: a.content,
      ...(a.ContentType !== '' ? { contentType: a.ContentType } : {}),
      ...(a.ContentID !== '' ? { cid: a.ContentID, contentDisposition: 'inline' as const } : {}),
    })),
    headers: {
      ...request.Headers,
      ...(request.Tags.length > 0 ? { 'X-Tags': request.Tags.join(', ') } : {}),
    },
  });
  const raw = await composer.compile().build();
  const rcptTo = [
    ...request.To.map((a) => a.Email),
    ...request.Cc.map((a) => a.Email),
    ...request.Bcc,
  ].filter((a, i, all) => all.findIndex((b) => b.toLowerCase() === a.toLowerCase()) === i);
  return { raw, mailFrom: request.From.Email, rcptTo };
}
