/** The SMTP listener as `host` and `port`, from "127.0.0.1:1025" or "[::1]:1025". */
export function splitListen(address: string): { host: string; port: string } {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!match) return { host: '127.0.0.1', port: '1025' };
  const host =
    match[1] === '0.0.0.0' || match[1] === '::' || match[1] === '' ? '127.0.0.1' : match[1];
  return { host: host as string, port: match[2] as string };
}

/**
 * No mail yet: how to send some, to the port Relaydesk really listens on. `describes` is the id
 * of its gist (the sentence under the heading), which the empty list it stands for points to.
 */
export function EmptyInbox({
  smtp,
  down,
  describes,
}: {
  smtp: string | null;
  down?: string | null;
  describes?: string;
}) {
  if (down) {
    // pointing an app at a port someone else holds would only send its mail elsewhere
    return (
      <section
        className="empty-inbox list-empty"
        data-testid="list-empty"
        aria-label="No messages yet"
      >
        <h2>No messages yet</h2>
        <p id={describes}>
          Nothing can arrive while SMTP is not listening on <strong>{down}</strong>: see the message
          above for why and what to change.
        </p>
      </section>
    );
  }
  if (smtp === null) {
    // the status is still on its way: a guessed port (1025) would send the user's app elsewhere
    return (
      <section
        className="empty-inbox list-empty"
        data-testid="list-empty"
        aria-label="No messages yet"
      >
        <h2>No messages yet</h2>
        <p id={describes}>Looking up the address Relaydesk listens on…</p>
      </section>
    );
  }
  const { host, port } = splitListen(smtp);
  const swaks = `swaks --server ${host} --port ${port} --to test@example.com --from me@example.com`;
  const curl =
    // the headers too: curl sends only what it is given, and a message without From lists with
    // no sender
    `printf 'From: me@example.com\\r\\nTo: test@example.com\\r\\nSubject: Hello\\r\\n\\r\\nIt works.\\r\\n' | curl smtp://${host}:${port} ` +
    '--mail-from me@example.com --mail-rcpt test@example.com --upload-file -';
  const nodemailer =
    `nodemailer.createTransport({ host: '${host}', port: ${port} })\n` +
    "  .sendMail({ from: 'me@example.com', to: 'test@example.com', subject: 'Hello', text: 'It works.' })";
  return (
    <section
      className="empty-inbox list-empty"
      data-testid="list-empty"
      aria-label="No messages yet"
    >
      <h2>No messages yet</h2>
      <p id={describes}>
        Point your app at <strong data-testid="smtp-address">{`${host}:${port}`}</strong> (SMTP, no
        password needed from this machine), or send a test message:
      </p>
      <h3>swaks</h3>
      <pre tabIndex={0}>{swaks}</pre>
      <h3>curl</h3>
      <pre tabIndex={0}>{curl}</pre>
      <h3>Node.js (nodemailer)</h3>
      <pre tabIndex={0}>{nodemailer}</pre>
    </section>
  );
}
