// The HTML check's own thread (html-checker.ts starts it): css-tree, htmlparser2 and caniemail's
// data are loaded here, and each check runs here, so the SMTP listener's thread only posts the
// HTML and gets the result back. Plain JavaScript, like the check itself (see index.js).
// first: a worker's start puts V8's flags back to their defaults (see heap-flags.js)
import '../../load/heap-flags.js';
import { parentPort } from 'node:worker_threads';
import { checkHtml } from './index.js';

// caniemail's data is read at the first check; read now, while the first check waits anyway, its
// time is the load's (html-checker.ts starts a check's time budget at 'ready')
checkHtml('');
parentPort.postMessage('ready');

// Checks arrive one message each, `{jobId, html}`, and are answered in the order they came.
parentPort.on('message', ({ jobId, html }) => {
  let reply;
  try {
    reply = { jobId, result: checkHtml(html) };
  } catch (err) {
    reply = { jobId, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort.postMessage(reply);
});
