/**
 * The Crosstalk icon, drawn in code so every platform's icon comes from the same geometry and
 * colour as the manifests: two white arrows passing each other (messages crossing between
 * platforms), on the brand colour or, for Teams' outline icon, on transparency.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32.js';

/** An RGBA image, 8 bits per channel, rows top to bottom. */
export interface RgbaImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** How an icon is painted. */
export interface IconStyle {
  /** `#rrggbb` fill behind the mark, or `null` for a transparent background. */
  background: string | null;
}

const SUPERSAMPLE = 4;

/** Whether the point (x, y), in units of the icon's side, lies on the white mark. */
function onMark(x: number, y: number): boolean {
  return onArrow(x, y, 0.37, 1) || onArrow(x, y, 0.63, -1);
}

/** An arrow across the icon at height `cy`, pointing right (`dir` 1) or left (-1). */
function onArrow(x: number, y: number, cy: number, dir: 1 | -1): boolean {
  // Mirror left-pointing arrows so one shape definition serves both.
  const u = dir === 1 ? x : 1 - x;
  const dy = Math.abs(y - cy);
  const shaft = u >= 0.2 && u <= 0.62 && dy <= 0.05;
  const headBase = 0.58;
  const tip = 0.82;
  const head = u >= headBase && u <= tip && dy <= 0.15 * ((tip - u) / (tip - headBase));
  return shaft || head;
}

function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`not a #rrggbb colour: ${color}`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** Draws the icon at `size`×`size` pixels, anti-aliased by supersampling. */
export function drawIcon(size: number, style: IconStyle): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  const bg = style.background ? parseHex(style.background) : null;
  const samples = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          if (onMark((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size)) covered++;
        }
      }
      const a = covered / samples;
      const o = (py * size + px) * 4;
      if (bg) {
        pixels[o] = Math.round(bg[0] + (255 - bg[0]) * a);
        pixels[o + 1] = Math.round(bg[1] + (255 - bg[1]) * a);
        pixels[o + 2] = Math.round(bg[2] + (255 - bg[2]) * a);
        pixels[o + 3] = 255;
      } else {
        // Colour stays pure white everywhere; only alpha carries the edge, as Teams asks of outline icons.
        pixels[o] = 255;
        pixels[o + 1] = 255;
        pixels[o + 2] = 255;
        pixels[o + 3] = Math.round(255 * a);
      }
    }
  }
  return { width: size, height: size, pixels };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes an image as a PNG file (8-bit RGBA, no interlace). */
export function encodePng(image: RgbaImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
