/**
 * Readers for what the manifests tests inspect: PNG files, zip archives, and the committed
 * manifests, written independently of the writers in manifests/ (CRCs come from `zlib.crc32`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';

/** The repository's manifests folder. */
export const MANIFESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../manifests');

/** A decoded PNG. */
export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** RGBA bytes, only for the 8-bit RGBA, unfiltered-row images the generator writes. */
  rgba: Uint8Array;
}

const SIGNATURE = '89504e470d0a1a0a';

/** Decodes a PNG, checking its signature and every chunk's CRC. */
export function decodePng(file: Buffer): DecodedPng {
  if (file.subarray(0, 8).toString('hex') !== SIGNATURE) throw new Error('not a PNG signature');
  let pos = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos < file.length) {
    const length = file.readUInt32BE(pos);
    const type = file.toString('latin1', pos + 4, pos + 8);
    const data = file.subarray(pos + 8, pos + 8 + length);
    const crc = file.readUInt32BE(pos + 8 + length);
    if (crc32(file.subarray(pos + 4, pos + 8 + length)) !== crc) throw new Error(`bad CRC in ${type} chunk`);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    pos += 12 + length;
  }
  if (!ihdr || !ended) throw new Error('PNG without IHDR or IEND');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colorType = ihdr[9];
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (bitDepth !== 8 || colorType !== 6 || raw.length !== (stride + 1) * height) throw new Error('not an 8-bit RGBA image');
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error(`row ${y} uses a PNG filter this reader does not decode`);
    rgba.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, bitDepth, colorType, rgba };
}

/** One entry of a zip archive as its central directory lists it. */
export interface ZipListing {
  name: string;
  method: number;
  crc: number;
  data: Buffer;
}

/** Lists a zip archive through its end record and central directory, reading each entry's data. */
export function readZip(zip: Buffer): ZipListing[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  let pos = zip.readUInt32LE(eocd + 16);
  if (pos + dirSize !== eocd) throw new Error('central directory does not end where the end record starts');
  const entries: ZipListing[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(pos) !== 0x02014b50) throw new Error(`central directory entry ${i} has a bad signature`);
    const method = zip.readUInt16LE(pos + 10);
    const crc = zip.readUInt32LE(pos + 16);
    const compressed = zip.readUInt32LE(pos + 20);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    const localOffset = zip.readUInt32LE(pos + 42);
    const name = zip.toString('utf8', pos + 46, pos + 46 + nameLength);
    if (zip.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    const localName = zip.toString('utf8', localOffset + 30, localOffset + 30 + zip.readUInt16LE(localOffset + 26));
    if (localName !== name) throw new Error(`${name}: local header names ${localName}`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const stored = zip.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(stored) : method === 8 ? inflateRawSync(stored) : Buffer.alloc(0);
    entries.push({ name, method, crc, data });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Reads a committed manifest file. */
export function readManifestFile(path: string): Promise<Buffer> {
  return readFile(join(MANIFESTS_DIR, path));
}

/** Parses a committed JSON manifest. */
export async function readJsonManifest(path: string): Promise<Record<string, unknown>> {
  return JSON.parse((await readManifestFile(path)).toString('utf8')) as Record<string, unknown>;
}

/** Parses the committed Slack YAML manifest. */
export async function readSlackManifest(): Promise<Record<string, unknown>> {
  return parseYaml((await readManifestFile('slack/manifest.yaml')).toString('utf8')) as Record<string, unknown>;
}

/** Validates `value` against a schema in test/manifests/schemas; answers the errors, empty when valid. */
export async function schemaErrors(schemaFile: string, value: unknown): Promise<string[]> {
  const schema = JSON.parse(await readFile(join(dirname(fileURLToPath(import.meta.url)), 'schemas', schemaFile), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.dataPath || '/'} ${e.message ?? 'is invalid'}`);
}

/** Every string in a JSON-like value that is an http(s) URL, with where it was found. */
export function urlsIn(value: unknown, at = ''): Array<{ at: string; url: string }> {
  if (typeof value === 'string') return value.match(/^https?:\/\//i) ? [{ at, url: value }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => urlsIn(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => urlsIn(v, at ? `${at}.${k}` : k));
  return [];
}
