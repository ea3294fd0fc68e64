import { fileURLToPath } from 'node:url';
import { SUPERGRAPH_PATH, writeSupergraph } from '../gateway/src/compose.ts';

const sdl = writeSupergraph();
console.log(`Wrote ${fileURLToPath(SUPERGRAPH_PATH)} (${sdl.length} bytes).`);
