// The settings named in the core's messages, as the window shows them: every flag and
// settings-file key of the table gives way to the Settings screen's name, with its value kept,
// and the rest of a message stays as the core wrote it.
import { describe, expect, it } from 'vitest';
import {
  onScreen,
  settingName,
  settingNamedFrom,
  settingNameKeys,
} from '../../preload/setting-names.js';

describe('setting names on screen', () => {
  it.each(settingNameKeys)('%s: no flag, variable or settings key is left on screen', (key) => {
    const shown = onScreen(`before ${settingName(key, 'tls')} after`);
    expect(shown).toMatch(/^before .+ after$/);
    expect(shown).not.toMatch(
      /--[a-z]|RELAYDESK_|"[a-zA-Z]+" in the settings|relay\.allowInsecure/,
    );
  });

  it('keeps the value a phrase carries (the fingerprint to pin, the security to choose)', () => {
    const fingerprint = 'AB:CD:EF:01';
    expect(onScreen(`or pin this certificate (${settingName('pinSha256', fingerprint)})`)).toBe(
      `or pin this certificate (“Trust exactly this certificate (SHA-256)” under Settings → Upstream: ${fingerprint})`,
    );
    expect(onScreen(`${settingName('security', 'starttls')}, or use port 465`)).toBe(
      'choose “STARTTLS (port 587)” as Security under Settings → Upstream, or use port 465',
    );
  });

  it('names the flag, or the variable, where the upstream is pinned for this run', () => {
    const fingerprint = 'AB:CD:EF:01';
    const fix = `give its CA certificate (${settingName('caFile')}), or pin this certificate (${settingName('pinSha256', fingerprint)})`;
    const byFlags = { relay: '--relay-host, --relay-user, --relay-password-file' };
    expect(onScreen(fix, byFlags)).toBe(
      `give its CA certificate (start Relaydesk with --relay-ca FILE), or pin this certificate (start Relaydesk with --relay-pin-sha256 ${fingerprint})`,
    );
    expect(onScreen(fix, { relay: 'RELAYDESK_RELAY_HOST' })).toBe(
      `give its CA certificate (set RELAYDESK_RELAY_CA=FILE where Relaydesk is started), or pin this certificate (set RELAYDESK_RELAY_PIN_SHA256=${fingerprint} where Relaydesk is started)`,
    );
    expect(onScreen(settingName('security', 'tls'), byFlags)).toBe(
      'start Relaydesk with --relay-security tls',
    );
    // another setting pinned leaves the upstream's boxes named; a pinned box without a phrase of
    // its own keeps the core's words, which name the flag
    expect(onScreen(fix, { smtp: '--smtp' })).toContain('under Settings → Upstream');
    expect(onScreen(settingName('clamd'), { clamd: '--clamd' })).toBe('correct --clamd');
  });

  it('names the scanner, spamd and the HTTP host by their boxes, and says who gives a UI password', () => {
    expect(
      onScreen(
        `Start clamd, ${settingName('clamd')}, or choose ${settingName('clamdUnavailable', 'accept')}`,
      ),
    ).toBe(
      'Start clamd, correct “clamd address (HOST:PORT or Unix socket)” under Settings → Filtering & senders, or choose “Accept, tagged not-scanned” as “When clamd cannot be reached” under Settings → Filtering & senders',
    );
    expect(onScreen(`start spamd and ${settingName('spamassassin')}, e.g. 127.0.0.1:783`)).toBe(
      'start spamd and fill in “SpamAssassin spamd” under Settings → Checks & POP3, e.g. 127.0.0.1:783',
    );
    // the password file has no box: the screen says what its user can do instead
    expect(onScreen(`need a password: ${settingName('uiPasswordFile')}`)).toBe(
      'need a password: keep 127.0.0.1 in “Web UI and API address” under Settings → Listener; a UI password has no box here (the window must not be able to turn off its own), so whoever starts Relaydesk gives it one first (“UI and API password file”, holding a hash from relaydesk user hash)',
    );
  });

  it('leaves a message without such a phrase as it is', () => {
    const text = 'connection refused: nothing listens on 127.0.0.1:25 (--verbose "x")';
    expect(onScreen(text)).toBe(text);
  });

  // the Logs view shows log lines as written: a relay set up in the window read "correct --clamd"
  it('names a setting in a log line by where it came from: its flag, its variable, or its box', () => {
    expect(settingNamedFrom('clamdUnavailable', 'accept', '--clamd-unavailable')).toBe(
      '--clamd-unavailable accept',
    );
    expect(settingNamedFrom('clamdUnavailable', 'accept', 'RELAYDESK_CLAMD_UNAVAILABLE')).toBe(
      'RELAYDESK_CLAMD_UNAVAILABLE=accept',
    );
    expect(settingNamedFrom('clamd', '', 'RELAYDESK_CLAMD')).toBe('correct RELAYDESK_CLAMD');
    expect(settingNamedFrom('clamd', '', undefined)).toBe(
      'correct “clamd address (HOST:PORT or Unix socket)” under Settings → Filtering & senders ("clamd" in the settings)',
    );
  });
});
