// Hooks for the kill -9 tests of the queue and its journal, off unless their variables are set:
// RELAYDESK_TEST_CRASH_AT names a point where the process kills itself, at the Nth pass
// (RELAYDESK_TEST_CRASH_HIT, default 1); RELAYDESK_TEST_JOURNAL_HOLD=1 keeps the journal from
// writing anything, so a test can crash the relay while a state change is not on disk yet.

let hits = 0;

export function crashPoint(name: string): void {
  if (process.env.RELAYDESK_TEST_CRASH_AT !== name) return;
  if (++hits >= Number(process.env.RELAYDESK_TEST_CRASH_HIT ?? 1))
    process.kill(process.pid, 'SIGKILL');
}

/** True when the next pass of `name` kills the process (to leave half a write before it). */
export function crashesNext(name: string): boolean {
  return (
    process.env.RELAYDESK_TEST_CRASH_AT === name &&
    hits + 1 >= Number(process.env.RELAYDESK_TEST_CRASH_HIT ?? 1)
  );
}

export function journalHeld(): boolean {
  return process.env.RELAYDESK_TEST_JOURNAL_HOLD === '1';
}
