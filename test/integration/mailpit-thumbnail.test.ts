// Mailpit's GET /api/v1/message/{ID}/part/{PartID}/thumb (server/apiv1/thumbnails.go): a 180×120
// JPEG of an image attachment, on white; a white one for a part that is not an image, cannot be
// decoded, or declares more pixels than Mailpit's limit. Images are made here with sharp itself,
// sent over SMTP, and the answers decoded again.
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let id: string;
const partIds = new Map<string, string>();

const red = { r: 220, g: 0, b: 0 };
const blue = { r: 0, g: 0, b: 220 };
const green = { r: 0, g: 200, b: 0 };

/** A PNG of two halves, red then blue. */
async function twoHalves(width: number, height: number): Promise<Buffer> {
  const half = (colour: typeof red) =>
    sharp({ create: { width: width / 2, height, channels: 3, background: colour } })
      .png()
      .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: red } })
    .composite([{ input: await half(blue), left: width / 2, top: 0 }])
    .png()
    .toBuffer();
}

/** A PNG chunk: length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, data: Buffer): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  let crc = 0xffffffff;
  for (const byte of body) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A PNG of a few hundred bytes whose header declares 100000×100000 RGBA pixels. */
function pngBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(100 * 4 + 1))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

interface Thumb {
  status: number;
  type: string | null;
  disposition: string | null;
  format?: string;
  width?: number;
  height?: number;
  /** The RGB of a pixel of the decoded answer. */
  pixel(x: number, y: number): [number, number, number];
}

async function thumb(partId: string, messageId = id): Promise<Thumb> {
  const res = await relay.fetch(`/api/v1/message/${messageId}/part/${partId}/thumb`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const answer = {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
  };
  if (res.status !== 200) return { ...answer, pixel: () => [0, 0, 0] };
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    ...answer,
    format: meta.format,
    width: meta.width,
    height: meta.height,
    pixel: (x, y) => {
      const at = (y * info.width + x) * info.channels;
      return [data[at] as number, data[at + 1] as number, data[at + 2] as number];
    },
  };
}

/** Within JPEG's error of a colour. */
function near(actual: [number, number, number], colour: { r: number; g: number; b: number }) {
  const [r, g, b] = actual;
  return Math.max(Math.abs(r - colour.r), Math.abs(g - colour.g), Math.abs(b - colour.b)) <= 40;
}

const whiteRgb = { r: 255, g: 255, b: 255 };

beforeAll(async () => {
  relay = await startTestRelaydesk();
  const attachments = {
    'halves.png': await twoHalves(400, 200),
    'clear.png': await sharp({
      create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer(),
    'small.gif': await sharp({ create: { width: 60, height: 40, channels: 3, background: green } })
      .gif()
      .toBuffer(),
    'photo.jpg': await sharp({ create: { width: 360, height: 240, channels: 3, background: blue } })
      .jpeg()
      .toBuffer(),
    'bomb.png': pngBomb(),
    'broken.png': Buffer.from('not a PNG at all, only its name and type say so'),
    'notes.txt': Buffer.from('a text attachment'),
  };
  const info = await relay.transport().sendMail({
    from: 'ada@sender.example',
    to: 'bob@rcpt.example',
    subject: 'Pictures',
    text: 'see attached',
    attachments: Object.entries(attachments).map(([filename, content]) => ({
      filename,
      content,
      contentType: filename.endsWith('.txt') ? 'text/plain' : undefined,
    })),
  });
  id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const message = (await (await relay.fetch(`/api/v1/message/${id}`)).json()) as {
    Attachments: { FileName: string; PartID: string }[];
  };
  for (const part of message.Attachments) partIds.set(part.FileName, part.PartID);
}, 30_000);
afterAll(async () => relay?.dispose());

const part = (name: string): string => partIds.get(name) as string;

describe('GET /api/v1/message/{ID}/part/{PartID}/thumb', () => {
  it('crops a larger image to fill 180×120 from its centre, as a JPEG named after the part', async () => {
    const t = await thumb(part('halves.png'));
    expect(t.status).toBe(200);
    expect(t.type).toBe('image/jpeg');
    expect(t.disposition).toBe('filename="halves.png"');
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 180, 120]);
    // 400×200 scaled to 240×120, its middle 180 kept: red left, blue right, nothing padded
    expect(near(t.pixel(5, 60), red)).toBe(true);
    expect(near(t.pixel(174, 60), blue)).toBe(true);
    expect(near(t.pixel(5, 2), red)).toBe(true);
  });

  it('puts a transparent PNG on white, not black', async () => {
    const t = await thumb(part('clear.png'));
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), whiteRgb)).toBe(true);
  });

  it('centres an image smaller than the thumbnail on white without enlarging it', async () => {
    const t = await thumb(part('small.gif'));
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), green)).toBe(true);
    // 60×40 in the middle: x 60–119, y 40–79
    expect(near(t.pixel(64, 44), green)).toBe(true);
    expect(near(t.pixel(50, 60), whiteRgb)).toBe(true);
    expect(near(t.pixel(90, 30), whiteRgb)).toBe(true);
  });

  it('scales a JPEG photo', async () => {
    const t = await thumb(part('photo.jpg'));
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), blue)).toBe(true);
  });

  it('answers a white thumbnail for a part that is not an image, as Mailpit', async () => {
    const t = await thumb(part('notes.txt'));
    expect(t.status).toBe(200);
    expect(t.type).toBe('image/jpeg');
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), whiteRgb)).toBe(true);
  });

  it('answers a white thumbnail for an image that cannot be decoded', async () => {
    const t = await thumb(part('broken.png'));
    expect([t.status, t.format, t.width, t.height]).toEqual([200, 'jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), whiteRgb)).toBe(true);
  });

  it('refuses to decode a PNG declaring 100000×100000 pixels: white, at once, and the server goes on', async () => {
    const started = performance.now();
    const t = await thumb(part('bomb.png'));
    expect(performance.now() - started).toBeLessThan(3000);
    expect([t.status, t.format, t.width, t.height]).toEqual([200, 'jpeg', 180, 120]);
    expect(near(t.pixel(90, 60), whiteRgb)).toBe(true);
    const log = await (await relay.fetch('/api/v1/service/log')).text();
    expect(log).toContain('100000×100000 pixels');
    expect((await relay.fetch('/livez')).status).toBe(200);
  });

  it("answers an unknown message or part with Mailpit's 400 and words, as text", async () => {
    for (const [path, words] of [
      ['/api/v1/message/no-such-id/part/2/thumb', 'message not found'],
      [`/api/v1/message/${id}/part/99/thumb`, 'attachment not found'],
    ] as const) {
      const res = await relay.fetch(path);
      expect(res.status, path).toBe(400);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/plain/);
      expect(await res.text(), path).toBe(words);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await relay.fetch('/api/v1/openapi.json')).json()) as {
      paths: Record<string, { get?: { tags?: string[] } }>;
    };
    expect(doc.paths['/api/v1/message/{id}/part/{partId}/thumb']?.get?.tags).toEqual(['Mailpit']);
  });
});
