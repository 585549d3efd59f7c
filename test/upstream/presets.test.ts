import { describe, expect, test } from 'vitest';
import {
  amazonSesPreset,
  getPreset,
  presetIds,
  settingsFromPreset,
} from '../../main/core/upstream/presets.js';
import { upstreamSettingsSchema } from '../../main/core/upstream/upstream-settings.js';

describe('provider presets', () => {
  test('facts from relay-anchors.md §1B', () => {
    expect(amazonSesPreset('eu-west-1')).toMatchObject({
      host: 'email-smtp.eu-west-1.amazonaws.com',
      port: 587,
      security: 'starttls',
    });
    expect(amazonSesPreset().alternativePorts).toEqual(
      expect.arrayContaining([
        { port: 2465, security: 'tls' },
        { port: 2587, security: 'starttls' },
      ]),
    );
    expect(getPreset('sendgrid')).toMatchObject({ host: 'smtp.sendgrid.net', user: 'apikey' });
    expect(getPreset('postmark').alternativePorts.map((p) => p.port)).not.toContain(465);
    expect(getPreset('mailgun-us').host).toBe('smtp.mailgun.org');
    expect(getPreset('mailgun-eu').host).toBe('smtp.eu.mailgun.org');
    expect(getPreset('gmail')).toMatchObject({ host: 'smtp.gmail.com', port: 587 });
    expect(getPreset('microsoft-365')).toMatchObject({ host: 'smtp.office365.com', port: 587 });
  });

  test('a bad SES region is refused with an example', () => {
    expect(() => amazonSesPreset('Frankfurt')).toThrow(/use e\.g\. "eu-west-1"/);
  });

  test.each(presetIds)('%s gives valid settings', (id) => {
    const preset = getPreset(id, { sesRegion: 'us-west-2' });
    expect(preset.notes.length).toBeGreaterThan(0);
    const settings = upstreamSettingsSchema.parse(
      settingsFromPreset(preset, { user: 'u', password: 'p' }),
    );
    expect(settings.host).toBe(preset.host);
    for (const alt of preset.alternativePorts) {
      expect(upstreamSettingsSchema.parse({ host: preset.host, port: alt.port }).security).toBe(
        alt.security,
      );
    }
  });

  test('SendGrid fills in its fixed user name', () => {
    expect(settingsFromPreset(getPreset('sendgrid'), { password: 'SG.key' }).auth).toEqual({
      user: 'apikey',
      password: 'SG.key',
    });
  });
});
