// The app's icon at the fixed paths a browser or a Mailpit user's bookmarks ask for: a browser
// asks every site for /favicon.ico whatever the page links, Safari and iOS for
// /apple-touch-icon.png, and Mailpit serves its icons at /favicon.svg, /mailpit.svg and
// /notification.png (server/server.go). The icon is the built renderer's own (the one its
// index.html links, drawn by scripts/make-icons.js), so there is one icon, not a copy per path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/** Where the built index.html links its icon (`./assets/icon-HASH.png`), read as a PNG. */
export function rendererIcon(rendererDir: string): Buffer | null {
  try {
    const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
    const href = /<link\b[^>]*\brel="icon"[^>]*\bhref="\.?\/?([^"?#]+)"/.exec(html)?.[1];
    if (href === undefined || href.includes('..')) return null;
    const png = readFileSync(join(rendererDir, href));
    return isPng(png) ? png : null;
  } catch {
    return null;
  }
}

function isPng(data: Buffer): boolean {
  return data.length > 24 && data.subarray(0, 8).equals(pngSignature);
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * An .ico file holding the PNG as its one image (the ICO format has carried PNG images since
 * Windows Vista; every browser reads them). A side of 256 or more is written as 0, as the format
 * says; the PNG's own header gives the real size.
 */
export function icoOf(png: Buffer): Buffer {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // an icon, not a cursor
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(width >= 256 ? 0 : width, 6);
  header.writeUInt8(height >= 256 ? 0 : height, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9); // reserved
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, png]);
}

/** The PNG's paths: Mailpit's (its .svg ones too: a browser goes by the Content-Type) and Apple's. */
export const iconPngPaths = [
  '/favicon.svg',
  '/mailpit.svg',
  '/notification.png',
  '/apple-touch-icon.png',
  '/apple-touch-icon-precomposed.png',
] as const;

export function registerIconRoutes(app: FastifyInstance, png: Buffer): void {
  const ico = icoOf(png);
  // the icon changes only with a new build: a day spares the browser asking at every page
  const cache = 'public, max-age=86400';
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('image/x-icon').header('cache-control', cache).send(ico),
  );
  for (const path of iconPngPaths) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) =>
      reply.type('image/png').header('cache-control', cache).send(png),
    );
  }
}
