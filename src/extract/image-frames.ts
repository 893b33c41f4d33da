/**
 * Splits an image file into the frames to OCR (one, or one per TIFF/HEIC page) and turns each into
 * bytes tesseract reads: the original PNG/JPEG/BMP when it can be used as is, else an upright PNG.
 */
import { type Canvas, createCanvas, type Image, ImageData, loadImage } from "@napi-rs/canvas";
import heicDecode from "heic-decode";
import UTIF from "utif2";
import { jpegOrientation, readDimensions } from "./image-header.js";

export interface Frame {
  width: number;
  height: number;
  toOcrImage(): Promise<Uint8Array>;
}

/** Above this, pages are scaled down before OCR: more pixels only cost time (a 300 dpi A3 is 17 MP). */
const MAX_OCR_PIXELS = 24_000_000;

export async function framesOf(bytes: Uint8Array, kind: string): Promise<Frame[]> {
  if (kind === "tiff") return tiffFrames(bytes);
  if (kind === "heic") return heicFrames(bytes);
  return [await singleFrame(bytes, kind)];
}

async function singleFrame(bytes: Uint8Array, kind: string): Promise<Frame> {
  const header = readDimensions(bytes, kind);
  const orientation = kind === "jpg" ? jpegOrientation(bytes) : 1;
  const passThrough = (kind === "png" || kind === "jpg" || kind === "bmp") && orientation === 1;
  if (header && passThrough && header.width * header.height <= MAX_OCR_PIXELS) {
    return { ...header, toOcrImage: async () => bytes };
  }
  if (header) {
    return {
      ...header,
      toOcrImage: async () => drawUpright(await loadImage(Buffer.from(bytes)), orientation),
    };
  }
  // No header parser for this kind (AVIF): decode to learn the size; such files are rare and small.
  const image = await loadImage(Buffer.from(bytes));
  return {
    width: image.width,
    height: image.height,
    toOcrImage: async () => drawUpright(image, orientation),
  };
}

function tiffFrames(bytes: Uint8Array): Frame[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return UTIF.decode(buffer).map((ifd) => ({
    width: tagNumber(ifd.t256),
    height: tagNumber(ifd.t257),
    async toOcrImage() {
      UTIF.decodeImage(buffer, ifd);
      return rgbaToPng(UTIF.toRGBA8(ifd), ifd.width, ifd.height);
    },
  }));
}

async function heicFrames(bytes: Uint8Array): Promise<Frame[]> {
  const images = await heicDecode.all({ buffer: bytes });
  return images.map((image) => ({
    width: image.width,
    height: image.height,
    async toOcrImage() {
      const { data, width, height } = await image.decode();
      return rgbaToPng(data, width, height);
    },
  }));
}

function tagNumber(tag: unknown): number {
  const value = Array.isArray(tag) ? tag[0] : tag;
  return typeof value === "number" ? value : 0;
}

async function rgbaToPng(rgba: ArrayLike<number> & ArrayBufferView, width: number, height: number) {
  const canvas = createCanvas(width, height);
  const pixels = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, width * height * 4);
  canvas.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
  return encodeForOcr(canvas);
}

/** Draws the image the right way up (EXIF orientation 1-8) and no larger than MAX_OCR_PIXELS. */
async function drawUpright(image: Image, orientation: number): Promise<Uint8Array> {
  const { width, height } = image;
  const scale = Math.min(1, Math.sqrt(MAX_OCR_PIXELS / (width * height)));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const swap = orientation >= 5;
  const canvas = createCanvas(swap ? h : w, swap ? w : h);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const transforms: Record<number, [number, number, number, number, number, number]> = {
    2: [-1, 0, 0, 1, w, 0],
    3: [-1, 0, 0, -1, w, h],
    4: [1, 0, 0, -1, 0, h],
    5: [0, 1, 1, 0, 0, 0],
    6: [0, 1, -1, 0, h, 0],
    7: [0, -1, -1, 0, h, w],
    8: [0, -1, 1, 0, 0, w],
  };
  const matrix = transforms[orientation];
  if (matrix) ctx.transform(...matrix);
  ctx.drawImage(image, 0, 0, w, h);
  return encodeForOcr(canvas);
}

async function encodeForOcr(canvas: Canvas): Promise<Uint8Array> {
  if (canvas.width * canvas.height <= MAX_OCR_PIXELS) return canvas.encode("png");
  const scale = Math.sqrt(MAX_OCR_PIXELS / (canvas.width * canvas.height));
  const small = createCanvas(Math.round(canvas.width * scale), Math.round(canvas.height * scale));
  small.getContext("2d").drawImage(canvas, 0, 0, small.width, small.height);
  return small.encode("png");
}
