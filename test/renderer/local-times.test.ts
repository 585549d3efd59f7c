// The relay's words with a UTC time in them (a reason, a fix, an audit line) read on screen in
// local time, in the GUI's one form for a full date; the rest of the words are left as they are.
import { describe, expect, it } from 'vitest';
import { localTimes } from '../../renderer/src/format/local-times.js';
import { formatFullDate } from '../../renderer/src/format/mail-format.js';

describe('localTimes', () => {
  it('shows RFC 3339 UTC and the pause banner’s "… UTC" in local time', () => {
    const at = '2026-12-07T13:02:11.000Z';
    const shown = formatFullDate(at);
    expect(localTimes(`cap of 1 reached (1 sent); goes at ${at}`)).toBe(
      `cap of 1 reached (1 sent); goes at ${shown}`,
    );
    expect(localTimes('delay until=2026-12-07T13:02:11Z reason="x"')).toBe(
      `delay until=${shown} reason="x"`,
    );
    expect(localTimes('it took mail at 2026-12-07 13:02:11 UTC with these same settings')).toBe(
      `it took mail at ${shown} with these same settings`,
    );
  });

  it('leaves dates without a time, versions and words alone', () => {
    for (const text of ['start 2026-12-07', 'day 2 cap of 10', 'id 20261207T130211', ''])
      expect(localTimes(text)).toBe(text);
  });
});
