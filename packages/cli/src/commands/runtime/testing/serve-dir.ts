import { createReadStream, existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { httpServer } from '@runway/test-utils';

/** Serves a folder over HTTP on 127.0.0.1 for the duration of the test; `hits` lists the paths requested. */
export async function serveDir(root: string): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = await httpServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const path = normalize(join(root, decodeURIComponent(pathname)));
    hits.push(decodeURIComponent(pathname));
    if (!path.startsWith(root) || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200);
    createReadStream(path).pipe(res);
  });
  return { url: server.url, hits };
}
