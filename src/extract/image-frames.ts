/**
 * Splits an image file into the frames to OCR (one, or one per TIFF/HEIC page) and turns each into
 * bytes tesseract reads: the original file when it can be used as is, else an upright, resized PNG.
 *
 * Untrusted bytes are only ever decoded by memory-safe code: tesseract's wasm leptonica, pure-JS pngjs,
 * jpeg-js and UTIF, and libheif's wasm. @napi-rs/canvas (Skia, native) only draws pixels we decoded:
 * its own decoder segfaulted the whole process on a PNG with a bad IHDR checksum.
 */
import { type Canvas, createCanvas, ImageData } from "@napi-rs/canvas";
import heicDecode from "heic-decode";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import UTIF from "utif2";
import { type Dimensions, jpegOrientation, readDimensions } from "./image-header.js";

export interface Frame {
  width: number;
  height: number;
  toOcrImage(): Promise<Uint8Array>;
  /** The frame upright, at most `maxSide` pixels wide or high, for a person to look at. */
  toDisplayImage(maxSide: number): Promise<DisplayImage>;
}

export interface DisplayImage {
  bytes: Uint8Array;
  /** image/png, or the original type for WebP, GIF and BMP (browsers decode those themselves). */
  mime: string;
}

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Above this, pages are scaled down before OCR: more pixels only cost time (a 300 dpi A3 is 17 MP). */
const MAX_OCR_PIXELS = 24_000_000;
/**
 * Screenshots and small exports have glyphs too small for tesseract; doubling them recovers text such as
 * a boxed invoice number that is lost at 1× (measured on invoice2data's FlipkartInvoice.png, 789×557).
 */
const SMALL_IMAGE_SIDE = 1000;
/** Kinds tesseract decodes itself (leptonica in wasm). */
const TESSERACT_READS = new Set(["png", "jpg", "webp", "gif", "bmp"]);

export async function framesOf(bytes: Uint8Array, kind: string, maxPixels: number): Promise<Frame[]> {
  if (kind === "tiff") return tiffFrames(bytes);
  if (kind === "heic") return heicFrames(bytes);
  const size = readDimensions(bytes, kind);
  if (!size || !TESSERACT_READS.has(kind)) throw new Error(`cannot read the ${kind} image header`);
  return [singleFrame(bytes, kind, size, maxPixels)];
}

function singleFrame(bytes: Uint8Array, kind: string, size: Dimensions, maxPixels: number): Frame {
  const orientation = kind === "jpg" ? jpegOrientation(bytes) : 1;
  const decode =
    kind === "png" ? decodePng : kind === "jpg" ? (b: Uint8Array) => decodeJpeg(b, maxPixels) : undefined;
  // WebP, GIF and BMP have no pure-JS decoder here: tesseract gets them as they are, unscaled.
  if (!decode) {
    return {
      ...size,
      toOcrImage: async () => bytes,
      toDisplayImage: async () => ({ bytes, mime: `image/${kind}` }),
    };
  }
  return {
    ...size,
    toOcrImage: async () =>
      orientation === 1 && ocrScale(size.width, size.height) === 1
        ? bytes
        : encodeForOcr(decode(bytes), orientation),
    toDisplayImage: async (maxSide) => displayImage(decode(bytes), orientation, maxSide),
  };
}

function decodePng(bytes: Uint8Array): Rgba {
  const { width, height, data } = PNG.sync.read(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  );
  return { width, height, data };
}

function decodeJpeg(bytes: Uint8Array, maxPixels: number): Rgba {
  return jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: Math.ceil(maxPixels / 1e6),
    maxMemoryUsageInMB: 2048,
  });
}

function tiffFrames(bytes: Uint8Array): Frame[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return UTIF.decode(buffer).map((ifd) => ({
    width: tagNumber(ifd.t256),
    height: tagNumber(ifd.t257),
    async toOcrImage() {
      UTIF.decodeImage(buffer, ifd);
      return encodeForOcr({ width: ifd.width, height: ifd.height, data: UTIF.toRGBA8(ifd) }, 1);
    },
    async toDisplayImage(maxSide: number) {
      UTIF.decodeImage(buffer, ifd);
      return displayImage({ width: ifd.width, height: ifd.height, data: UTIF.toRGBA8(ifd) }, 1, maxSide);
    },
  }));
}

async function heicFrames(bytes: Uint8Array): Promise<Frame[]> {
  const images = await heicDecode.all({ buffer: bytes });
  return images.map((image) => ({
    width: image.width,
    height: image.height,
    toOcrImage: async () => encodeForOcr(await image.decode(), 1),
    toDisplayImage: async (maxSide: number) => displayImage(await image.decode(), 1, maxSide),
  }));
}

function tagNumber(tag: unknown): number {
  const value = Array.isArray(tag) ? tag[0] : tag;
  return typeof value === "number" ? value : 0;
}

function ocrScale(width: number, height: number): number {
  if (width * height > MAX_OCR_PIXELS) return Math.sqrt(MAX_OCR_PIXELS / (width * height));
  if (Math.max(width, height) < SMALL_IMAGE_SIDE)
    return Math.min(2, Math.sqrt(MAX_OCR_PIXELS / (width * height)));
  return 1;
}

/** EXIF orientation 2-8 as a canvas transform for an image of w×h drawn at the origin. */
const ORIENTATION: Record<
  number,
  (w: number, h: number) => [number, number, number, number, number, number]
> = {
  2: (w) => [-1, 0, 0, 1, w, 0],
  3: (w, h) => [-1, 0, 0, -1, w, h],
  4: (_, h) => [1, 0, 0, -1, 0, h],
  5: () => [0, 1, 1, 0, 0, 0],
  6: (_, h) => [0, 1, -1, 0, h, 0],
  7: (w, h) => [0, -1, -1, 0, h, w],
  8: (w) => [0, -1, 1, 0, 0, w],
};

/** Draws decoded pixels upright (EXIF orientation 1-8), at the size tesseract reads best, as a PNG. */
function encodeForOcr(image: Rgba, orientation: number): Promise<Uint8Array> {
  return encodeUpright(image, orientation, ocrScale(image.width, image.height));
}

async function displayImage(image: Rgba, orientation: number, maxSide: number): Promise<DisplayImage> {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height, 1));
  return { bytes: await encodeUpright(image, orientation, scale), mime: "image/png" };
}

/** Draws decoded pixels upright (EXIF orientation 1-8), scaled by `scale`, as a PNG. */
async function encodeUpright(
  { width, height, data }: Rgba,
  orientation: number,
  scale: number,
): Promise<Uint8Array> {
  const source = createCanvas(width, height);
  const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, width * height * 4);
  source.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const swap = orientation >= 5 && orientation <= 8;
  const target: Canvas = createCanvas(swap ? h : w, swap ? w : h);
  const ctx = target.getContext("2d");
  // Transparent pixels would otherwise turn black.
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, target.width, target.height);
  const transform = ORIENTATION[orientation];
  if (transform) ctx.transform(...transform(w, h));
  ctx.drawImage(source, 0, 0, w, h);
  return target.encode("png");
}
