// The HTML check's own thread (html-checker.ts starts it): css-tree, htmlparser2 and caniemail's
// data are loaded here, and each check runs here, so the SMTP listener's thread only posts the
// HTML and gets the result back. Plain JavaScript, like the check itself (see index.js); its
// messages are typed by html-checker.ts, which tsc checks this file against (checkJs).
// first: a worker's start puts V8's flags back to their defaults (see heap-flags.js)
import '../../load/heap-flags.js';
import { parentPort } from 'node:worker_threads';
import { checkHtml } from './index.js';

/** @import { HtmlCheckRequest, WorkerReply } from './html-checker.js' */

// only ever run as a worker (html-checker.ts), so there is a port to the thread that started it
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/** What this thread tells html-checker.ts: the type it reads, checked here. */
const send = (/** @type {WorkerReply} */ reply) => port.postMessage(reply);

// caniemail's data is read at the first check; read now, while the first check waits anyway, its
// time is the load's (html-checker.ts starts a check's time budget at 'ready')
checkHtml('');
send('ready');

// Checks arrive one message each, `{jobId, html}`, and are answered in the order they came.
port.on('message', (/** @type {HtmlCheckRequest} */ { jobId, html }) => {
  let reply;
  try {
    reply = { jobId, result: checkHtml(html) };
  } catch (err) {
    reply = { jobId, error: err instanceof Error ? err.message : String(err) };
  }
  send(reply);
});
