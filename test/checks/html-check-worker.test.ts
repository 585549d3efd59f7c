// The HTML check runs in a worker thread of its own (html-checker.ts): while a long check runs,
// the relay keeps taking mail; checks asked for at once are each answered with their own result;
// a worker that dies fails its check with a clear error and the next check gets a fresh one; a
// stopping relay does not wait for checks in flight.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkHtml } from '../../main/core/checks/html-check/index.js';
import { HtmlCheckFailure, HtmlChecker } from '../../main/core/checks/html-check/html-checker.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

interface CheckAnswer {
  Warnings: Array<{ Slug: string }>;
  Total: { Nodes: number };
}

/** About 1.8 MB of table rows, each using several features: its check takes a second or more
 * (an SMTP transaction, tens of ms). */
function slowHtml(): string {
  const row =
    '<tr><td style="display:flex;padding-left:1px;color:rgb(1,2,3);background:linear-gradient(red,blue);border-radius:2px;width:calc(100% - 2px)" class="c"><a href="#x">x</a></td></tr>\n';
  return `<html><head><style>.c{display:grid}</style></head><body><table>${row.repeat(10_000)}</table></body></html>`;
}

const workerStarted = /html-check.*worker started/;

describe('the HTML check in its own thread, in a running relay', () => {
  let relay: TestRelaydesk | undefined;
  const lines: string[] = [];

  async function send(subject: string, html: string): Promise<string> {
    const info = await (relay as TestRelaydesk).transport().sendMail({
      from: 'news@sender.example',
      to: 'bob@rcpt.example',
      subject,
      text: 'The text part',
      html,
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  }

  beforeAll(async () => {
    relay = await startTestRelaydesk({}, undefined, { log: (line) => lines.push(line) });
  });
  afterAll(async () => relay?.dispose());

  it('takes a whole SMTP transaction, 250 and all, while a long check runs', async () => {
    const r = relay as TestRelaydesk;
    const id = await send('A very long newsletter', slowHtml());
    const order: string[] = [];
    const checking = r.fetch(`/api/v1/message/${id}/html-check`).then(async (res) => {
      order.push('check answered');
      return { status: res.status, body: (await res.json()) as CheckAnswer };
    });
    // the worker has the HTML once it says it has started (it runs the check next); on the
    // relay's own thread the check would be over, and answered, before anything else ran
    await waitFor(
      'the check in the worker, or answered',
      () => order.length > 0 || lines.some((line) => workerStarted.test(line)),
      { timeout: 60_000 },
    );
    await send('Sent while the check runs', '<p>Hello</p>');
    order.push('SMTP 250');
    // deleted while its check runs: the check answers from the HTML it was given, as before
    const deleted = await r.fetch('/api/v1/messages', {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    expect(deleted.status).toBe(200);
    const check = await checking;
    expect(order).toEqual(['SMTP 250', 'check answered']);
    expect(check.status).toBe(200);
    expect(check.body.Total.Nodes).toBeGreaterThan(20_000);
    expect(check.body.Warnings.map((w) => w.Slug)).toContain('css-display-flex');
  });

  it('answers several checks asked for at once each with its own message', async () => {
    const r = relay as TestRelaydesk;
    const bodies = {
      flex: '<div style="display:flex"><p>one</p></div>',
      form: '<form action="https://app.example/vote"><input type="checkbox"><p>two</p><p>2</p></form>',
      script: '<p>three</p><p>3</p><p>3</p><p>3</p><script>track()</script>',
    };
    const ids = {
      flex: await send('flex', bodies.flex),
      form: await send('form', bodies.form),
      script: await send('script', bodies.script),
    };
    const names = ['flex', 'form', 'script', 'flex', 'script', 'form'] as const;
    const answers = await Promise.all(
      names.map((name) => r.api<CheckAnswer>(`/api/v1/message/${ids[name]}/html-check`)),
    );
    names.forEach((name, n) => {
      const direct = checkHtml(bodies[name]);
      expect(answers[n]?.Total.Nodes, name).toBe(direct.Total.Nodes);
      expect(answers[n]?.Warnings.map((w) => w.Slug).sort(), name).toEqual(
        direct.Warnings.map((w) => w.Slug).sort(),
      );
    });
    expect(answers[0]?.Warnings.map((w) => w.Slug)).toContain('css-display-flex');
    expect(answers[1]?.Warnings.map((w) => w.Slug)).toContain('html-form');
    expect(answers[2]?.Warnings.map((w) => w.Slug)).toContain('html-script');
  });

  it('stops without waiting for a check in flight, which gets no result', async () => {
    const stoppingLines: string[] = [];
    const stopping = await startTestRelaydesk({}, undefined, {
      log: (line) => stoppingLines.push(line),
    });
    let stopped = false;
    try {
      const info = await stopping.transport().sendMail({
        from: 'news@sender.example',
        to: 'bob@rcpt.example',
        subject: 'Long',
        text: 'The text part',
        html: slowHtml(),
      });
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      const order: string[] = [];
      const checking = stopping.fetch(`/api/v1/message/${id}/html-check`).then(
        (res) => {
          order.push(`check answered ${res.status}`);
          return res.status;
        },
        () => {
          order.push('check cut off');
          return 0;
        },
      );
      await waitFor(
        'the check in the worker, or answered',
        () => order.length > 0 || stoppingLines.some((line) => workerStarted.test(line)),
        { timeout: 60_000 },
      );
      await stopping.dispose();
      stopped = true;
      order.push('stopped');
      await checking;
      // its connection ends with the API, before or as the stop resolves: never with a result
      expect(order.sort()).toEqual(['check cut off', 'stopped']);
    } finally {
      if (!stopped) await stopping.dispose();
    }
  });
});

describe('the HTML checker', () => {
  let checker: HtmlChecker | undefined;
  afterEach(async () => checker?.close());

  it('fails a check whose worker dies with a clear error, and the next check gets a fresh worker', async () => {
    // a small heap, so that a large HTML part really exhausts it (ERR_WORKER_OUT_OF_MEMORY)
    checker = new HtmlChecker({ heapMb: 32 });
    const small = '<div style="display:flex"><p>one</p></div>';
    expect(await checker.check(small)).toEqual(checkHtml(small));
    const huge = '<td style="display:flex;padding-left:1px">x</td>'.repeat(300_000);
    // asked for at once: the one queued behind the crash goes to the next worker
    const [crashed, queued] = await Promise.allSettled([checker.check(huge), checker.check(small)]);
    expect(crashed.status).toBe('rejected');
    const err = (crashed as PromiseRejectedResult).reason as HtmlCheckFailure;
    expect(err).toBeInstanceOf(HtmlCheckFailure);
    expect(err.message).toMatch(/worker crashed: .*memory limit/);
    expect(err.userMessage).toBe('The HTML check stopped unexpectedly on this message');
    expect(queued).toEqual({ status: 'fulfilled', value: checkHtml(small) });
    expect(await checker.check('<p>again</p>')).toEqual(checkHtml('<p>again</p>'));
  });

  it('stops a check that overruns its budget, and its worker', async () => {
    // (the next check's fresh worker is the crash's case above: the same path; here it would
    // have to finish within the same tight budget)
    checker = new HtmlChecker({ budgetMs: 50 });
    await expect(checker.check(slowHtml())).rejects.toThrow(/longer than 50 ms and was stopped/);
    expect(checker.workerRunning).toBe(false);
  });

  it('ends its worker once idle, and starts another for the next check', async () => {
    checker = new HtmlChecker({ idleMs: 20 });
    expect(checker.workerRunning).toBe(false);
    await checker.check('<p>one</p>');
    await eventually(() => checker?.workerRunning).toBe(false);
    expect(await checker.check('<p>two</p>')).toEqual(checkHtml('<p>two</p>'));
    expect(checker.workerRunning).toBe(true);
  });

  it('ends its worker at close, failing the check in flight at once', async () => {
    checker = new HtmlChecker();
    const order: string[] = [];
    const checking = checker.check(slowHtml()).then(
      () => order.push('answered'),
      (err: Error) => order.push(`failed: ${err.message}`),
    );
    await checker.close();
    order.push('closed');
    await checking;
    expect(order).toEqual([
      'failed: the HTML check was not finished: the relay is stopping',
      'closed',
    ]);
    expect(checker.workerRunning).toBe(false);
    await expect(checker.check('<p>late</p>')).rejects.toBeInstanceOf(HtmlCheckFailure);
  });
});
