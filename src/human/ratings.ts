/**
 * ratings.jsonl: one JSON object per answer, appended as it arrives and
 * fsynced before the answer is acknowledged, so an answer the page saw
 * accepted survives a killed server. The file is self-contained (each line
 * names the model or "real" behind the image), so a report needs nothing else.
 *
 *   {"v":1,"kind":"single","rater":"rater-1","item":"…","image":"…","source":"gan-dcgan","answer":"real","at":"…"}
 *   {"v":1,"kind":"pair","rater":"rater-2","item":"…","left":"vae-conv","right":"gan-dcgan","leftImage":"…","rightImage":"…","answer":"right","at":"…"}
 *
 * Reading back checks every line and names the file and line of each problem;
 * a last line without its newline (a write cut short) is left out and said so.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { GenreportError, type Problem } from '../core/errors.ts';

export const RATINGS_VERSION = 1;

const common = {
  v: z.literal(RATINGS_VERSION),
  rater: z.string().min(1),
  item: z.string().min(1),
  at: z.string().min(1),
};

export const ratingSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...common,
      kind: z.literal('single'),
      image: z.string().min(1),
      /** A model's name, or "real". */
      source: z.string().min(1),
      answer: z.enum(['real', 'generated', 'unsure']),
    })
    .strict(),
  z
    .object({
      ...common,
      kind: z.literal('pair'),
      left: z.string().min(1),
      right: z.string().min(1),
      leftImage: z.string().min(1),
      rightImage: z.string().min(1),
      /** Which side looked more real. */
      answer: z.enum(['left', 'right', 'unsure']),
    })
    .strict(),
]);

export type Rating = z.infer<typeof ratingSchema>;
export type SingleRating = Extract<Rating, { kind: 'single' }>;
export type PairRating = Extract<Rating, { kind: 'pair' }>;

export interface ReadRatings {
  ratings: Rating[];
  /** Bytes of the file up to the end of the last complete line. */
  completeBytes: number;
  /** Set when the last line had no newline and was left out. */
  partialTail: string | null;
}

/** Parse ratings.jsonl text; every bad line is reported at once, with `file` and line named. */
export function parseRatings(text: string, file: string): ReadRatings {
  const lastNewline = text.lastIndexOf('\n');
  const complete = text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const ratings: Rating[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  complete.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const field = `line ${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.push({ file, field, message: 'is not JSON' });
      return;
    }
    const parsed = ratingSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ file, field: [field, ...issue.path.map(String)].join(': '), message: issue.message });
      return;
    }
    const key = `${parsed.data.rater}\u0000${parsed.data.item}`;
    if (seen.has(key)) {
      problems.push({ file, field, message: `${parsed.data.rater} answered item ${parsed.data.item} twice` });
      return;
    }
    seen.add(key);
    ratings.push(parsed.data);
  });
  if (problems.length > 0) throw new GenreportError(problems);
  return { ratings, completeBytes: Buffer.byteLength(complete), partialTail: tail.trim() === '' ? null : tail };
}

export function readRatings(file: string): ReadRatings {
  if (!existsSync(file)) throw new GenreportError({ file, message: 'ratings file not found' });
  return parseRatings(readFileSync(file, 'utf8'), file);
}

/**
 * The ratings of a session, open for appending. A cut-short last line found
 * on opening is cut off, so the next answer starts on a line of its own.
 */
export class RatingsStore {
  readonly file: string;
  private fd: number;
  private readonly answered = new Map<string, Set<string>>();
  readonly ratings: Rating[];

  constructor(file: string) {
    this.file = file;
    const read = existsSync(file) ? readRatings(file) : { ratings: [], completeBytes: 0, partialTail: null };
    this.ratings = read.ratings;
    for (const r of read.ratings) this.answeredBy(r.rater).add(r.item);
    this.fd = openSync(file, 'a');
    if (read.partialTail !== null) {
      ftruncateSync(this.fd, read.completeBytes);
      fsyncSync(this.fd);
    }
  }

  has(rater: string, item: string): boolean {
    return this.answered.get(rater)?.has(item) ?? false;
  }

  count(rater: string): number {
    return this.answered.get(rater)?.size ?? 0;
  }

  /** Append one answer and fsync it; returns once it is on disk. */
  append(rating: Rating): void {
    const checked = ratingSchema.parse(rating);
    if (this.has(checked.rater, checked.item)) throw new Error(`${checked.rater} already answered ${checked.item}`);
    const line = Buffer.from(`${JSON.stringify(checked)}\n`);
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    fsyncSync(this.fd);
    this.answeredBy(checked.rater).add(checked.item);
    this.ratings.push(checked);
  }

  close(): void {
    closeSync(this.fd);
  }

  private answeredBy(rater: string): Set<string> {
    let set = this.answered.get(rater);
    if (!set) {
      set = new Set();
      this.answered.set(rater, set);
    }
    return set;
  }
}
