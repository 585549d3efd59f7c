// A 180×120 JPEG of an image attachment, as Mailpit's GET /api/v1/message/{ID}/part/{PartID}/thumb
// makes it (server/apiv1/thumbnails.go): the image turned upright (EXIF), then cropped to fill
// 180×120 from its centre, or, when either side is smaller than that, scaled down to fit and
// centred; always on white, so a transparent PNG or GIF is not black; quality 70. A part that is
// not an image, or cannot be decoded, or is too large, gets a white 180×120 JPEG, not an error.
//
// sharp (libvips) decodes in libuv's thread pool, so a large photo does not hold up the SMTP
// thread. It is loaded at the first thumbnail: most sessions never ask for one.
import type { Sharp, SharpOptions } from 'sharp';

export const thumbnailWidth = 180;
export const thumbnailHeight = 120;

/**
 * Mailpit's maxDecodedPixels: a PNG of a few KB may declare 100000×100000 pixels (a
 * decompression bomb); libvips refuses to decode past this, from the header alone.
 */
export const thumbnailPixelLimit = 20_000_000;
/** A decode that takes longer is given up (libvips' own timeout), and the answer is blank. */
const thumbnailSeconds = 5;
const jpegQuality = 70;
const white = { r: 255, g: 255, b: 255, alpha: 1 };

interface SharpModule {
  (input: Uint8Array, options?: SharpOptions): Sharp;
  (options: SharpOptions): Sharp;
}
let loaded: Promise<SharpModule> | null = null;

function loadSharp(): Promise<SharpModule> {
  loaded ??= import('sharp').then(({ default: sharp }) => {
    // one libvips thread per image and no cache of decoded images: a thumbnail is asked for once
    // in a while, and the machine's cores belong to the relay
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}

function whiteCanvas(sharp: SharpModule): Sharp {
  return sharp({
    create: { width: thumbnailWidth, height: thumbnailHeight, channels: 3, background: white },
  });
}

let blank: Promise<Buffer> | null = null;

/** The white 180×120 JPEG Mailpit answers for a part it cannot make a thumbnail of. */
function blankThumbnail(sharp: SharpModule): Promise<Buffer> {
  blank ??= whiteCanvas(sharp).jpeg({ quality: jpegQuality }).toBuffer();
  return blank;
}

export interface ThumbnailResult {
  jpeg: Buffer;
  /** False when the answer is the blank image (not an image, undecodable, too large). */
  fromImage: boolean;
  /** Why it is blank, for the log. */
  reason?: string;
}

async function imageThumbnail(sharp: SharpModule, content: Uint8Array): Promise<Buffer> {
  const options: SharpOptions = { limitInputPixels: thumbnailPixelLimit, failOn: 'error' };
  // the header alone, whatever size it declares (libvips decodes no pixel for it), so the log
  // can say how large a refused image is
  const meta = await sharp(content, { ...options, limitInputPixels: false }).metadata();
  if (!meta.width || !meta.height) throw new Error('the image has no size');
  if (meta.width * meta.height > thumbnailPixelLimit)
    throw new Error(
      `the image is ${meta.width}×${meta.height} pixels, more than ${thumbnailPixelLimit}`,
    );
  // EXIF orientations 5 to 8 turn the image a quarter: its sides swap
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const upright = sharp(content, options).autoOrient().timeout({ seconds: thumbnailSeconds });
  if (width < thumbnailWidth || height < thumbnailHeight) {
    // Mailpit's imaging.Fit: scaled down to fit, never up, then centred on white
    const fitted = await upright
      .resize(thumbnailWidth, thumbnailHeight, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
    return whiteCanvas(sharp)
      .composite([{ input: fitted, gravity: 'centre' }])
      .jpeg({ quality: jpegQuality })
      .toBuffer();
  }
  // Mailpit's imaging.Fill with imaging.Center: scaled to cover, the middle kept
  return upright
    .resize(thumbnailWidth, thumbnailHeight, { fit: 'cover', position: 'centre' })
    .flatten({ background: white })
    .jpeg({ quality: jpegQuality })
    .toBuffer();
}

/** The thumbnail of a part: of its image, or blank (see the file's comment). */
export async function partThumbnail(
  contentType: string,
  content: Uint8Array,
): Promise<ThumbnailResult> {
  const sharp = await loadSharp();
  if (!contentType.toLowerCase().startsWith('image/'))
    return { jpeg: await blankThumbnail(sharp), fromImage: false };
  try {
    return { jpeg: await imageThumbnail(sharp, content), fromImage: true };
  } catch (err) {
    return { jpeg: await blankThumbnail(sharp), fromImage: false, reason: (err as Error).message };
  }
}
