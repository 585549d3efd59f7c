// Each tag in a colour of its own, made from its name as Mailpit makes it (color-hash with
// Mailpit's lightness and saturations), so a tag looks the same here as there and a list of
// tagged mail can be scanned by colour. On by default, as in Mailpit; Settings → Appearance
// turns it off.
import ColorHash from 'color-hash';
import { storedChoice, useStoredChoice } from '../use-stored-choice';

const mailpitHash = new ColorHash({ lightness: 0.3, saturation: [0.35, 0.5, 0.65] });

function luminance([r, g, b]: readonly number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r ?? 0) + 0.7152 * linear(g ?? 0) + 0.0722 * linear(b ?? 0);
}

const contrastWithWhite = (rgb: readonly number[]): number => 1.05 / (luminance(rgb) + 0.05);

function hslToRgb(h: number, s: number, l: number): number[] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)].map((v) => Math.round(v * 255));
}

const cache = new Map<string, string>();

/**
 * The tag's background, for white text. Mailpit's colour, but darker where its yellows and
 * greens would leave white text under WCAG's 4.5:1 (its own chips are, in those hues).
 */
export function tagColour(tag: string): string {
  const known = cache.get(tag);
  if (known) return known;
  let hex = mailpitHash.hex(tag);
  if (contrastWithWhite(mailpitHash.rgb(tag)) < 4.5) {
    const [h, s, l] = mailpitHash.hsl(tag);
    let lightness = l;
    let rgb: number[];
    do {
      lightness -= 0.02;
      rgb = hslToRgb(h, s, lightness);
    } while (contrastWithWhite(rgb) < 4.5 && lightness > 0.05);
    hex = `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  }
  cache.set(tag, hex);
  return hex;
}

const colouring = storedChoice<boolean>(
  'relaydesk.tagColours',
  (stored) => stored !== 'off',
  (on) => (on ? null : 'off'),
);

export function useTagColours(): { on: boolean; set(on: boolean): void } {
  return { on: useStoredChoice(colouring), set: colouring.choose };
}

/** A chip's style: its colour, or nothing when colours are off. */
export function tagChipStyle(
  tag: string,
  on: boolean,
): { backgroundColor: string; borderColor: string } | undefined {
  if (!on) return undefined;
  const colour = tagColour(tag);
  return { backgroundColor: colour, borderColor: colour };
}
