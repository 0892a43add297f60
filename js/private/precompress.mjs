// Writes a .gz and a .br copy next to every compressible file of a
// directory tree, so the server can send them without compressing per
// request. Output bytes depend only on the input bytes.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = new Set(['.css', '.html', '.js', '.json', '.mjs', '.svg', '.txt', '.wasm', '.xml']);
// Smaller files gain too little to be worth a second request path.
const MIN_BYTES = 256;

function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
      continue;
    }
    if (!COMPRESSIBLE.has(extname(name)) || statSync(path).size < MIN_BYTES) {
      continue;
    }
    const data = readFileSync(path);
    // gzip headers from zlib carry no timestamp (MTIME 0).
    writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
    writeFileSync(
      `${path}.br`,
      brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
    );
  }
}

const root = process.argv[2];
if (!root) {
  console.error('usage: precompress.mjs DIRECTORY');
  process.exit(2);
}
walk(root);
