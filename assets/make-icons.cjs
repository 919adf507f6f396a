#!/usr/bin/env node
// Generates the AI Labor Ledger add-in icons (green rounded square, white ledger bars)
// as RGBA PNGs using only node's zlib. Run: node assets/make-icons.cjs
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

const GREEN = [0x10, 0x7c, 0x41, 255]; // Excel-ish green
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

function pixel(x, y, s) {
  // Rounded-corner square background.
  const r = Math.max(1, Math.round(s * 0.16));
  const cx = x < r ? r : x >= s - r ? s - r - 1 : x;
  const cy = y < r ? r : y >= s - r ? s - r - 1 : y;
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return CLEAR;
  // Ledger glyph: three horizontal white bars of decreasing length, left-aligned.
  const m = s * 0.2; // margin
  const inner = s - 2 * m;
  const barH = Math.max(1, Math.round(inner / 5));
  const lengths = [1, 0.75, 0.5];
  for (let i = 0; i < 3; i++) {
    const top = Math.round(m + i * 2 * barH);
    if (y >= top && y < top + barH && x >= Math.round(m) && x < Math.round(m + inner * lengths[i])) return WHITE;
  }
  return GREEN;
}

function png(size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  let o = 0;
  for (let y = 0; y < size; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < size; x++) for (const v of pixel(x, y, size)) raw[o++] = v;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outputs = { 'icon-16.png': 16, 'icon-32.png': 32, 'icon-64.png': 64, 'icon-80.png': 80, 'logo-filled.png': 300 };
for (const [name, size] of Object.entries(outputs)) {
  fs.writeFileSync(path.join(__dirname, name), png(size));
  console.log(`wrote assets/${name} (${size}x${size})`);
}
