// Serves the console's bundled browser app (built by `npm run build` into dist/console-app/) from the
// package itself: no CDN at run time. The bundle is flat, so only plain file names are served,
// which also rules out path traversal.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestContext } from '../server/context.js';
import { packageRoot } from '../paths.js';
import { NotFound, Unavailable } from './errors.js';

export const consoleDistDir = join(packageRoot, 'dist', 'console-app');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** `file` is the part after `/_nimbus/` ('' for the app's entry page). */
export function serveStatic(ctx: RequestContext, file: string, dir = consoleDistDir): void {
  const name = file === '' ? 'index.html' : file;
  const dot = name.lastIndexOf('.');
  const type = dot > 0 ? TYPES[name.slice(dot)] : undefined;
  if (!FILE_NAME.test(name) || type === undefined) throw NotFound(`No console file ${file}`);
  const path = join(dir, name);
  if (!existsSync(path)) {
    if (!existsSync(join(dir, 'index.html'))) {
      throw Unavailable('The console bundle is missing: run `npm run build` to produce dist/console-app/.');
    }
    throw NotFound(`No console file ${file}`);
  }
  const size = statSync(path).size;
  ctx.res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': size,
    // The entry page must always be fresh; bundles are small and rebuilt in place, so revalidate too.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (ctx.method === 'HEAD') {
    ctx.res.end();
    return;
  }
  ctx.res.stream(createReadStream(path));
}
