/**
 * A hybrid's codebook: K vectors of dimension D, read from the JSON file that
 * `components.codebook` names ({ "vectors": [[...D values], ... K rows] }).
 * It is data, not a network: genreport does the quantisation itself, so an
 * encoder may give either code indices or pre-quantisation vectors and both
 * land on the same codes.
 */
import { z } from 'zod';
import { GenreportError, type Problem } from '../core/errors.ts';
import { at } from '../core/indexed.ts';
import { readJsonInput } from '../core/input-file.ts';

const codebookSchema = z.object({
  vectors: z
    .array(z.array(z.number().finite('must be a finite number')).min(1, 'a code vector has at least one value'))
    .min(2, 'a codebook has at least 2 vectors'),
  /** How it was made, for people. */
  fit: z.string().optional(),
});

/** A hybrid's codebook use over the code grids of the invertibility test images. */
export interface CodebookUsage {
  /** Codebook vectors K. */
  size: number;
  /** Test images encoded, and the codes they gave (images × grid positions). */
  images: number;
  codes: number;
  /** Vectors used at least once, and never (dead codes). */
  used: number;
  dead: number;
  /** exp(entropy) of the code distribution, nats: K for uniform use, 1 for a single code. */
  perplexity: number;
}

export class Codebook {
  private constructor(
    /** K × D values, row-major. */
    readonly vectors: Float32Array,
    readonly size: number,
    readonly dim: number,
  ) {}

  /**
   * The codebook in `file`, refused with the file and field named when it is
   * not K rows of D finite numbers, K being the manifest's codes.size.
   */
  static read(file: string, size: number, manifestFile: string): Codebook {
    const raw = readJsonInput(file, 'codebook file not found (genmodel.json components.codebook)');
    const parsed = codebookSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GenreportError(
        parsed.error.issues.map((issue) => ({
          file,
          field: issue.path.join('.') || undefined,
          message: issue.message,
        })),
      );
    }
    const rows = parsed.data.vectors;
    const dim = at(rows, 0, `codebook ${file} vectors`).length;
    const problems: Problem[] = [];
    if (rows.length !== size)
      problems.push({
        file: manifestFile,
        field: 'codes.size',
        message: `is ${size}, but the codebook ${file} has ${rows.length} vectors`,
      });
    rows.forEach((row, k) => {
      if (row.length !== dim)
        problems.push({
          file,
          field: `vectors.${k}`,
          message: `must have ${dim} values, as vector 0 has, not ${row.length}`,
        });
    });
    if (problems.length > 0) throw new GenreportError(problems);
    return new Codebook(Float32Array.from(rows.flat()), rows.length, dim);
  }

  static fromVectors(vectors: number[][]): Codebook {
    return new Codebook(Float32Array.from(vectors.flat()), vectors.length, at(vectors, 0, 'codebook vectors').length);
  }

  /** The index of the codebook vector nearest (squared Euclidean) to the D values at `offset`; ties go to the lower index. */
  nearest(values: ArrayLike<number>, offset: number): number {
    let best = 0;
    let bestDistance = Infinity;
    for (let k = 0; k < this.size; k++) {
      let d = 0;
      for (let j = 0; j < this.dim; j++) {
        const diff = values[offset + j]! - this.vectors[k * this.dim + j]!;
        d += diff * diff;
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best;
  }

  /** z_q: the codebook vectors of `codes`, laid out [codes.length, D] (NHWC over the grid). */
  lookup(codes: ArrayLike<number>): Float32Array {
    const out = new Float32Array(codes.length * this.dim);
    for (let i = 0; i < codes.length; i++)
      out.set(this.vectors.subarray(codes[i]! * this.dim, (codes[i]! + 1) * this.dim), i * this.dim);
    return out;
  }
}
