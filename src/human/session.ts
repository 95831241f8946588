/**
 * A rating session as a pure plan: which images exist (each under an opaque
 * id), which screens ("items") a rater answers, and each rater's seeded order.
 * session.json holds the plan and stays on the server: it is the only place
 * an opaque id is tied to a model. Side effects (drawing images, writing
 * files) live in draw.ts and the rate command.
 *
 * Items: every image alone ("real or generated?"), and for every two models
 * `pairs` screens with one image of each side by side ("which looks more
 * real?"). Every rater sees every item, in an order and with sides of their own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GenreportError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/atomic-file.ts';
import { Rng } from '../core/rng.ts';

export const SESSION_FORMAT = 'genreport-rating-session/1';
export const SESSION_FILE = 'session.json';
export const RATINGS_FILE = 'ratings.jsonl';
/** The source name of the real images; no model may take it. */
export const REAL_SOURCE = 'real';

const imageSchema = z.object({ id: z.string(), source: z.string(), index: z.number().int().nonnegative() }).strict();
const itemSchema = z.discriminatedUnion('kind', [
  z.object({ id: z.string(), kind: z.literal('single'), image: z.string() }).strict(),
  z.object({ id: z.string(), kind: z.literal('pair'), left: z.string(), right: z.string() }).strict(),
]);
const raterSchema = z
  .object({
    name: z.string(),
    token: z.string().min(16),
    /** Item ids in the order this rater sees them; `swap` puts a pair's right image on the left. */
    order: z.array(z.object({ item: z.string(), swap: z.boolean() }).strict()),
  })
  .strict();

export const sessionSchema = z
  .object({
    format: z.literal(SESSION_FORMAT),
    /** The run config the images were drawn from, as given. */
    config: z.string(),
    seed: z.number().int().nonnegative(),
    createdAt: z.string(),
    /** Models in config order, then "real". */
    sources: z.array(z.string()),
    images: z.array(imageSchema),
    items: z.array(itemSchema),
    raters: z.array(raterSchema),
  })
  .strict();

export type SessionPlan = z.infer<typeof sessionSchema>;
export type SessionImage = SessionPlan['images'][number];
export type SessionItem = SessionPlan['items'][number];
export type SessionRater = SessionPlan['raters'][number];

export interface PlanInput {
  config: string;
  seed: number;
  createdAt: string;
  /** Images per source, models first; the real images last under REAL_SOURCE. */
  sources: { name: string; count: number }[];
  /** Pair screens per two models. */
  pairs: number;
  raters: number;
  /** Opaque ids and tokens; random by default, injectable for tests. */
  newId?: () => string;
  newToken?: () => string;
}

export function opaqueId(): string {
  return randomBytes(9).toString('base64url');
}

export function raterToken(): string {
  return randomBytes(18).toString('base64url');
}

export function planSession(input: PlanInput): SessionPlan {
  const newId = input.newId ?? opaqueId;
  const rng = new Rng(input.seed).fork('human-session');
  const images: SessionImage[] = [];
  const bySource = new Map<string, SessionImage[]>();
  for (const source of input.sources) {
    const list: SessionImage[] = [];
    for (let index = 0; index < source.count; index++) list.push({ id: newId(), source: source.name, index });
    bySource.set(source.name, list);
    images.push(...list);
  }
  // Images are listed in a seeded shuffle, so neither ids nor their order in the file follow the sources.
  shuffle(images, rng.fork('images'));
  const items: SessionItem[] = images.map((image) => ({ id: newId(), kind: 'single', image: image.id }));
  const models = input.sources.map((s) => s.name).filter((name) => name !== REAL_SOURCE);
  const pairRng = rng.fork('pairs');
  for (let a = 0; a < models.length; a++) {
    for (let b = a + 1; b < models.length; b++) {
      const left = bySource.get(models[a]!)!;
      const right = bySource.get(models[b]!)!;
      if (left.length === 0 || right.length === 0) continue;
      for (let p = 0; p < input.pairs; p++) {
        items.push({
          id: newId(),
          kind: 'pair',
          left: left[pairRng.int(left.length)]!.id,
          right: right[pairRng.int(right.length)]!.id,
        });
      }
    }
  }
  const plan: SessionPlan = {
    format: SESSION_FORMAT,
    config: input.config,
    seed: input.seed,
    createdAt: input.createdAt,
    sources: input.sources.map((s) => s.name),
    images,
    items,
    raters: [],
  };
  return withRaters(plan, input.raters, input.newToken);
}

/** The plan with raters added up to `count` (never removed); each new rater's order seeded by name. */
export function withRaters(plan: SessionPlan, count: number, newToken: () => string = raterToken): SessionPlan {
  const raters = [...plan.raters];
  for (let k = raters.length; k < count; k++) {
    const name = `rater-${k + 1}`;
    const rng = new Rng(plan.seed).fork('human-session').fork(name);
    const order = plan.items.map((item) => ({ item: item.id, swap: false }));
    shuffle(order, rng);
    for (const entry of order) entry.swap = rng.uniform() < 0.5;
    raters.push({ name, token: newToken(), order });
  }
  return { ...plan, raters };
}

function shuffle<T>(list: T[], rng: Rng): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

export function readSession(dir: string): SessionPlan | null {
  const file = join(dir, SESSION_FILE);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new GenreportError({ file, message: 'is not JSON' });
  }
  const parsed = sessionSchema.safeParse(raw);
  if (!parsed.success) {
    throw new GenreportError(
      parsed.error.issues.slice(0, 10).map((issue) => ({
        file,
        field: issue.path.join('.') || undefined,
        message: issue.path[0] === 'format' ? `is not a rating session (expected ${SESSION_FORMAT})` : issue.message,
      })),
    );
  }
  return parsed.data;
}

export function writeSession(dir: string, plan: SessionPlan): void {
  writeFileAtomic(join(dir, SESSION_FILE), `${JSON.stringify(plan, null, 1)}\n`);
}

export function imageFile(dir: string, imageId: string): string {
  return join(dir, 'images', `${imageId}.png`);
}
