// Relaydesk's icon, drawn: an envelope on a rounded square, with a state dot for the tray
// (green: receiving, amber: paused, red: the upstream fails). The 512 px version is the app
// icon electron-builder derives the .icns and .ico from (scripts/make-icons.js writes it).
import { encodePng, type Rgba } from './png-image.js';
import type { TrayIconState } from './tray-state.js';

const clear: Rgba = [0, 0, 0, 0];
const tile: Rgba = [37, 99, 235, 255];
const paper: Rgba = [255, 255, 255, 255];
const fold: Rgba = [147, 180, 250, 255];
const dots: Record<TrayIconState, Rgba> = {
  receiving: [22, 163, 74, 255],
  paused: [217, 119, 6, 255],
  failing: [220, 38, 38, 255],
};

export function relayIconPng(size: number, state?: TrayIconState): Buffer {
  const s = size;
  const radius = s * 0.18;
  const inTile = (x: number, y: number): boolean => {
    const cx = Math.min(Math.max(x, radius), s - 1 - radius);
    const cy = Math.min(Math.max(y, radius), s - 1 - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
  };
  const left = s * 0.2;
  const right = s * 0.8;
  const top = s * 0.3;
  const bottom = s * 0.72;
  const line = Math.max(1, s * 0.03);
  const dotCentre = s * 0.78;
  const dotRadius = s * 0.2;
  return encodePng(s, (x, y) => {
    if (state && (x - dotCentre) ** 2 + (y - dotCentre) ** 2 <= dotRadius ** 2) return dots[state];
    if (!inTile(x, y)) return clear;
    if (x < left || x > right || y < top || y > bottom) return tile;
    // the envelope's flap: two lines from the top corners to the middle
    const u = (x - left) / (right - left);
    const flapY = top + (bottom - top) * 0.55 * (1 - Math.abs(u - 0.5) * 2);
    return Math.abs(y - flapY) <= line ? fold : paper;
  });
}
