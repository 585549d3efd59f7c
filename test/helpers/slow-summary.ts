// A message whose summary takes the parse worker about two seconds on the build machine when it
// is quiet: 9,000 attachments of one byte each (0.9 MB), each part costing mailparser its own
// streams and headers. The tests that stop a parse for overrunning give it a budget of 800 ms:
// room on both sides on a loaded machine. With the budget at 250 ms, a quick message run alone in
// a fresh worker after the stop overran it once under load (its first parse compiles mailparser's
// code); and the slow message before this one, 32 MB of one HTML part, took only 0.4–0.6 s.

/** The parse budget the tests that use slowSummaryMessage give the worker. */
export const overrunBudgetMs = 800;

export function slowSummaryMessage(): Buffer {
  const parts = Array.from(
    { length: 9_000 },
    (_, i) =>
      `--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="f${i}.bin"\r\n\r\nx\r\n`,
  ).join('');
  return Buffer.from(
    `Subject: slow one\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`,
  );
}
