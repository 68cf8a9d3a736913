// `npm start`: the standalone server, with the data folder pinned to this checkout's .data/
// (the server changes its working directory to its own bundle when it starts).
import { resolve } from 'node:path';

process.env.DATA_DIR = resolve(process.env.DATA_DIR ?? '.data');
await import('../.next/standalone/server.js');
