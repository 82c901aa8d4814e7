// Serves the built site (dist/) on a local port and prints the URL: what `npm start` ends with.
import { preview } from 'vite';

const port = Number(process.env.PORT ?? 4173);
const server = await preview({ preview: { port, strictPort: false, host: '127.0.0.1', open: false } });
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`;
console.log(`\nHopScope is running at ${url}  (Ctrl+C to stop)\n`);
