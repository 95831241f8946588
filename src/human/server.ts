/**
 * The rating server: Node's own HTTP, one page, a small JSON API and images
 * by opaque id. Everything a rater reaches sits under /r/<token>/, so an
 * unknown token reaches nothing. No response names a model or says whether an
 * image is real: the page gets image URLs made of random ids and nothing else.
 *
 *   GET  /r/<token>/              the rating page (self-contained HTML)
 *   GET  /r/<token>/api/state     { rater, done, total, item: { id, kind, images } | null }
 *   POST /r/<token>/api/answer    { item, answer } → the next state; 409 if already answered
 *   GET  /r/<token>/img/<id>.png  an image of the session
 *
 * A bad request (unknown token, item or image; a repeated answer; an answer
 * that does not fit the item; a body over MAX_BODY_BYTES or not JSON; a wrong
 * method) gets a 4xx and changes nothing. An answer is acknowledged only after
 * it is fsynced to ratings.jsonl.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { RATING_PAGE } from './page.ts';
import type { Rating, RatingsStore } from './ratings.ts';
import { imageFile, type SessionItem, type SessionPlan, type SessionRater } from './session.ts';

export const MAX_BODY_BYTES = 4096;

export interface RaterState {
  rater: string;
  done: number;
  total: number;
  item: { id: string; kind: 'single' | 'pair'; images: string[] } | null;
}

const SINGLE_ANSWERS = ['real', 'generated', 'unsure'];
const PAIR_ANSWERS = ['left', 'right', 'unsure'];

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface RatingServerOptions {
  dir: string;
  plan: SessionPlan;
  store: RatingsStore;
  /** The clock for each answer's `at`; injectable for tests. */
  now?: () => Date;
}

export function createRatingServer(options: RatingServerOptions): Server {
  const { dir, plan, store } = options;
  const now = options.now ?? (() => new Date());
  const raters = new Map(plan.raters.map((r) => [r.token, r]));
  const items = new Map(plan.items.map((i) => [i.id, i]));
  const images = new Map(plan.images.map((i) => [i.id, i]));

  const stateOf = (rater: SessionRater): RaterState => {
    const next = rater.order.find((entry) => !store.has(rater.name, entry.item));
    const base = `/r/${rater.token}/img/`;
    let item: RaterState['item'] = null;
    if (next) {
      const it = items.get(next.item)!;
      const ids = it.kind === 'single' ? [it.image] : next.swap ? [it.right, it.left] : [it.left, it.right];
      item = { id: it.id, kind: it.kind, images: ids.map((id) => `${base}${id}.png`) };
    }
    return { rater: rater.name, done: store.count(rater.name), total: rater.order.length, item };
  };

  const ratingFor = (rater: SessionRater, item: SessionItem, answer: string): Rating => {
    const at = now().toISOString();
    if (item.kind === 'single') {
      if (!SINGLE_ANSWERS.includes(answer))
        throw new HttpError(400, `answer must be one of ${SINGLE_ANSWERS.join(', ')}`);
      return {
        v: 1,
        kind: 'single',
        rater: rater.name,
        item: item.id,
        image: item.image,
        source: images.get(item.image)!.source,
        answer: answer as 'real',
        at,
      };
    }
    if (!PAIR_ANSWERS.includes(answer)) throw new HttpError(400, `answer must be one of ${PAIR_ANSWERS.join(', ')}`);
    const swap = rater.order.find((e) => e.item === item.id)!.swap;
    const [leftImage, rightImage] = swap ? [item.right, item.left] : [item.left, item.right];
    return {
      v: 1,
      kind: 'pair',
      rater: rater.name,
      item: item.id,
      left: images.get(leftImage)!.source,
      right: images.get(rightImage)!.source,
      leftImage,
      rightImage,
      answer: answer as 'left',
      at,
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/r\/([A-Za-z0-9_-]+)(\/.*)?$/.exec(url.pathname);
    if (!match) throw new HttpError(404, 'open the link you were given: it holds your rater token');
    const rater = raters.get(match[1]!);
    if (!rater) throw new HttpError(404, 'unknown rater link');
    const rest = match[2] ?? '';
    const method = request.method ?? 'GET';
    const allow = (...methods: string[]) => {
      if (!methods.includes(method))
        throw new HttpError(405, `use ${methods.join(' or ')}`, { Allow: methods.join(', ') });
    };
    if (rest === '' || rest === '/') {
      allow('GET', 'HEAD');
      if (rest === '') {
        response.writeHead(308, { Location: `/r/${rater.token}/` }).end();
        return;
      }
      send(response, 200, 'text/html; charset=utf-8', RATING_PAGE, method === 'HEAD');
      return;
    }
    if (rest === '/api/state') {
      allow('GET');
      sendJson(response, 200, stateOf(rater));
      return;
    }
    if (rest === '/api/answer') {
      allow('POST');
      const body = await readBody(request);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new HttpError(400, 'the body must be JSON: { "item": "…", "answer": "…" }');
      }
      const { item: itemId, answer } = (parsed ?? {}) as { item?: unknown; answer?: unknown };
      if (typeof itemId !== 'string' || typeof answer !== 'string')
        throw new HttpError(400, 'the body must be { "item": "…", "answer": "…" }');
      const item = items.get(itemId);
      if (!item || !rater.order.some((e) => e.item === itemId)) throw new HttpError(404, 'unknown item');
      if (store.has(rater.name, itemId)) throw new HttpError(409, 'this item is already answered');
      store.append(ratingFor(rater, item, answer));
      sendJson(response, 200, stateOf(rater));
      return;
    }
    const image = /^\/img\/([A-Za-z0-9_-]+)\.png$/.exec(rest);
    if (image) {
      allow('GET', 'HEAD');
      const id = image[1]!;
      if (!images.has(id)) throw new HttpError(404, 'unknown image');
      const png = await readFile(imageFile(dir, id));
      send(response, 200, 'image/png', png, method === 'HEAD', { 'Cache-Control': 'private, max-age=3600' });
      return;
    }
    throw new HttpError(404, 'not found');
  };

  return createServer((request, response) => {
    handle(request, response).catch((e: unknown) => {
      const error = e instanceof HttpError ? e : new HttpError(500, 'internal error');
      if (!(e instanceof HttpError)) process.stderr.write(`rating server: ${(e as Error).stack ?? e}\n`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // An oversized body is not read to its end; the connection closes after the answer.
      const close: Record<string, string> = error.status === 413 ? { Connection: 'close' } : {};
      sendJson(response, error.status, { error: error.message }, { ...error.headers, ...close });
      if (error.status === 413) request.resume();
    });
  });
}

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The token is in the path: never send it on as a referrer.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headOnly = false,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(headOnly ? undefined : body);
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value), false, headers);
}

function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES)
    return Promise.reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', (e) => {
      if (!done) reject(e);
    });
  });
}
