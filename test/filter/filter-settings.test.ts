// The filter's settings as flags, environment variables and settings-file keys, with the
// message a wrong value gets.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';

describe('filter settings', () => {
  it('takes --clamd as HOST:PORT or a socket path, and the two actions', () => {
    const settings = resolveSettings({
      env: {},
      flags: {
        '--clamd': '127.0.0.1:3310',
        '--virus-action': 'quarantine',
        '--clamd-unavailable': 'accept',
      },
    });
    expect(settings.clamd).toEqual({ host: '127.0.0.1', port: 3310 });
    expect(settings.virusAction).toBe('quarantine');
    expect(settings.clamdUnavailable).toBe('accept');
    expect(resolveSettings({ env: { RELAYDESK_CLAMD: '/run/clamav/clamd.ctl' } }).clamd).toEqual({
      path: '/run/clamav/clamd.ctl',
    });
  });

  it('defaults to no scanner, reject, and defer', () => {
    const settings = resolveSettings({ env: {} });
    expect(settings).toMatchObject({
      clamd: null,
      virusAction: 'reject',
      clamdUnavailable: 'defer',
      attachments: null,
      quotas: [],
      warmup: [],
      anomalyPause: false,
    });
  });

  it('names the flag, the value and what is allowed', () => {
    expect(() => resolveSettings({ env: {}, flags: { '--virus-action': 'delete' } })).toThrow(
      '--virus-action: "delete" is not valid; use "reject" (554 at end of DATA), "quarantine" (kept, never relayed) or "tag"',
    );
    expect(() => resolveSettings({ env: {}, flags: { '--clamd': 'clamd' } })).toThrow(
      '--clamd: "clamd" has no port; give HOST:PORT with clamd.conf\'s TCPSocket, e.g. clamd:3310',
    );
    expect(() =>
      resolveSettings({
        env: {},
        overrides: {
          mode: 'rules',
          rules: [{ action: { type: 'capture' }, filter: { virusAction: 'drop' } }],
        },
      }),
    ).toThrow(
      'rules[0].filter.virusAction: "drop" is not valid; use "reject", "quarantine", "tag"',
    );
    expect(() =>
      resolveSettings({
        env: {},
        overrides: { warmup: [{ upstream: 'smtp.example.net', start: 'soon', preset: 'x' }] },
      }),
    ).toThrow('warmup[0].start: "soon" is not a date');
    // a schedule without its upstream or start: zod's "expected nonoptional" came out before
    expect(() =>
      resolveSettings({ env: {}, flags: { '--warmup': '[{"preset": "dedicated-ip"}]' } }),
    ).toThrow(
      '--warmup: warmup[0].upstream is missing; give the upstream\'s host name as in the relay settings, e.g. "smtp.sendgrid.net"\n--warmup: warmup[0].start is missing; give the first day as "2026-12-01" or a full ISO time',
    );
  });
});
