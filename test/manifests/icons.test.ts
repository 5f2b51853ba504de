import { describe, expect, it } from 'vitest';
import { APP } from '../../manifests/source.js';
import { decodePng, readManifestFile } from './formats.js';

const ACCENT = [parseInt(APP.accentColor.slice(1, 3), 16), parseInt(APP.accentColor.slice(3, 5), 16), parseInt(APP.accentColor.slice(5, 7), 16)];

function pixel(png: { width: number; rgba: Uint8Array }, x: number, y: number): number[] {
  const o = (y * png.width + x) * 4;
  return Array.from(png.rgba.subarray(o, o + 4));
}

describe('icons', () => {
  it.each([
    ['teams/color.png', 192],
    ['teams/outline.png', 32],
    ['slack/icon.png', 512],
    ['webex/icon.png', 512],
    ['zoom/icon.png', 160],
  ])('%s is a %ipx square PNG', async (path, size) => {
    const png = decodePng(await readManifestFile(path));
    expect([png.width, png.height]).toEqual([size, size]);
    expect([png.bitDepth, png.colorType]).toEqual([8, 6]);
  });

  it('the Teams outline icon is white on transparent, as Teams requires', async () => {
    const png = decodePng(await readManifestFile('teams/outline.png'));
    let coloured = 0;
    let opaque = 0;
    let clear = 0;
    for (let i = 0; i < png.rgba.length; i += 4) {
      if (png.rgba[i] !== 255 || png.rgba[i + 1] !== 255 || png.rgba[i + 2] !== 255) coloured++;
      if (png.rgba[i + 3] === 255) opaque++;
      if (png.rgba[i + 3] === 0) clear++;
    }
    expect(coloured, 'pixels that are not white').toBe(0);
    expect(opaque, 'the mark is visible').toBeGreaterThan(50);
    expect(clear, 'most of the icon is transparent').toBeGreaterThan(png.width * png.height * 0.5);
    expect(pixel(png, 0, 0)[3]).toBe(0);
  });

  it.each(['teams/color.png', 'slack/icon.png', 'webex/icon.png', 'zoom/icon.png'])(
    '%s is an opaque brand-colour square with a white mark',
    async (path) => {
      const png = decodePng(await readManifestFile(path));
      let seeThrough = 0;
      for (let i = 3; i < png.rgba.length; i += 4) if (png.rgba[i] !== 255) seeThrough++;
      expect(seeThrough, 'pixels that are not fully opaque').toBe(0);
      for (const [x, y] of [[0, 0], [png.width - 1, 0], [0, png.height - 1], [png.width - 1, png.height - 1]]) {
        expect(pixel(png, x, y)).toEqual([...ACCENT, 255]);
      }
      let white = 0;
      for (let i = 0; i < png.rgba.length; i += 4) if (png.rgba[i] === 255 && png.rgba[i + 1] === 255 && png.rgba[i + 2] === 255) white++;
      expect(white).toBeGreaterThan(png.width * png.height * 0.08);
    },
  );
});
