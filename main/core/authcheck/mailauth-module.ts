// mailauth, loaded on first use (it is the largest module of the relay, ~35 MB resident), with
// one line of its own output dropped.
//
// mailauth 4.x prints `TOTAL <n> EXPECTING <m>` with console.log whenever a DKIM signature's l=
// is longer than the body (a body cut after signing: a list or a scanner that dropped lines), a
// debugging line left in its dkim-verifier.js. In `relaydesk serve` it landed among the log lines
// with no time and nothing to say what it meant; the check's own reason already says the body was
// changed after signing. mailauth 5 dropped the line, but it needs Node 22. Only a call with
// exactly those words is dropped, so anything else printed through console.log is untouched.
type Mailauth = typeof import('mailauth');

let loading: Promise<Mailauth> | null = null;

export function loadMailauth(): Promise<Mailauth> {
  if (loading) return loading;
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (args.length === 4 && args[0] === 'TOTAL' && args[2] === 'EXPECTING') return;
    log.apply(console, args);
  };
  loading = import('mailauth');
  return loading;
}
