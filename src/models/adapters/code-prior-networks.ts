/**
 * A hybrid's prior over its code grid in the two shapes the autoregressive
 * family allows (autoregressive-networks.ts), on codes instead of levels:
 *   prior:                 code grid [m, h, w, 1] (indices as float) → K
 *                          logits per position [m, h, w, K], one pass.
 *   priorAbove + priorRow: priorAbove maps rows of codes [m, rows, w, 1] to
 *                          features [m, rows, w, F] of the rows strictly above;
 *                          priorRow maps (code rows, their features) to logits
 *                          [m, rows, w, K], position (r, c) seeing only the
 *                          codes before it in its row. Sampling runs priorAbove
 *                          once per row and priorRow on one row per position.
 * Either runtime (tfjs or ONNX) through Component.run.
 */
import { assertFinite, GenreportError, inputError } from '../../core/errors.ts';
import { dims } from '../../core/indexed.ts';
import type { Bundle } from '../bundle.ts';
import { checkComponentShapes, type Axis } from '../component-shapes.ts';
import { expectValuesShape, requireRunnable } from '../generative-model.ts';
import type { ComponentTensor } from '../runtimes/onnx-component.ts';

export interface CodeGrid {
  height: number;
  width: number;
  /** Codebook vectors K. */
  size: number;
}

export interface CodePriorNetwork {
  /** The component whose output holds the logits (named when it is wrong). */
  readonly component: 'prior' | 'priorRow';
  /** Every position's K logits [m, h·w, K] for m code grids. */
  logits(codes: Uint16Array, m: number): Promise<Float32Array>;
  /** Row r's conditionals for m grids whose rows above r are final. */
  forRow(codes: Uint16Array, m: number, r: number): Promise<RowLogits>;
}

export interface RowLogits {
  /** The K logits of position (r, c) for each grid, [m · K]; positions before it must be final. */
  position(c: number): Promise<Float32Array>;
}

export function codePriorNetwork(bundle: Bundle, grid: CodeGrid): CodePriorNetwork {
  return bundle.runnable.priorAbove ? new RowCachedPrior(bundle, grid) : new OnePassPrior(bundle, grid);
}

/** Rows [from, to) of m code grids as float indices [m, rows, w, 1]. */
function codeRows(codes: Uint16Array, m: number, grid: CodeGrid, from: number, to: number): ComponentTensor {
  const { height, width } = grid;
  const rows = to - from;
  const data = new Float32Array(m * rows * width);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < rows * width; j++) data[i * rows * width + j] = codes[(i * height + from) * width + j]!;
  return { data, shape: [m, rows, width, 1] };
}

/** The logits of column c of a [m, 1, w, K] output, [m · K]. */
function columnOf(values: Float32Array, m: number, width: number, size: number, c: number): Float32Array {
  const out = new Float32Array(m * size);
  for (let i = 0; i < m; i++) out.set(values.subarray((i * width + c) * size, (i * width + c + 1) * size), i * size);
  return out;
}

class OnePassPrior implements CodePriorNetwork {
  readonly component = 'prior';

  constructor(
    private readonly bundle: Bundle,
    private readonly grid: CodeGrid,
  ) {
    requireRunnable(bundle, 'prior');
    checkComponentShapes(bundle, [
      {
        component: 'prior',
        inputs: [gridAxes(grid, { size: 1 })],
        output: gridAxes(grid, { size: grid.size, field: 'codes.size', says: `is ${grid.size}` }),
      },
    ]);
  }

  async logits(codes: Uint16Array, m: number): Promise<Float32Array> {
    const { height, width, size } = this.grid;
    const [output] = await requireRunnable(this.bundle, 'prior').run([codeRows(codes, m, this.grid, 0, height)], {
      inputs: ['image'],
      outputs: ['image'],
    });
    expectValuesShape(
      output.shape,
      [m, height, width, size],
      this.bundle,
      'prior',
      `${size} logits per code position (codes.size)`,
    );
    assertFinite(output.data, this.bundle.manifestFile, 'components.prior');
    return output.data;
  }

  async forRow(codes: Uint16Array, m: number, r: number): Promise<RowLogits> {
    const { width, size } = this.grid;
    return {
      position: async (c) => {
        const all = await this.logits(codes, m);
        const out = new Float32Array(m * size);
        const per = this.grid.height * width;
        for (let i = 0; i < m; i++)
          out.set(all.subarray((i * per + r * width + c) * size, (i * per + r * width + c + 1) * size), i * size);
        return out;
      },
    };
  }
}

class RowCachedPrior implements CodePriorNetwork {
  readonly component = 'priorRow';

  constructor(
    private readonly bundle: Bundle,
    private readonly grid: CodeGrid,
  ) {
    requireRunnable(bundle, 'priorAbove');
    requireRunnable(bundle, 'priorRow');
    // Rows are free: sampling runs priorAbove on the first r + 1 rows and priorRow on one.
    const rows = (axes: Axis[]): Axis[] => axes.map((a, i) => (i === 1 ? { size: null } : a));
    const codes = rows(gridAxes(grid, { size: 1 }));
    checkComponentShapes(bundle, [
      { component: 'priorAbove', inputs: [codes] },
      {
        component: 'priorRow',
        inputs: [codes, rows(gridAxes(grid, { size: null }))],
        output: rows(gridAxes(grid, { size: grid.size, field: 'codes.size', says: `is ${grid.size}` })),
      },
    ]);
  }

  async logits(codes: Uint16Array, m: number): Promise<Float32Array> {
    const rows = codeRows(codes, m, this.grid, 0, this.grid.height);
    return this.runRow(rows, await this.runAbove(rows));
  }

  async forRow(codes: Uint16Array, m: number, r: number): Promise<RowLogits> {
    const { width, size } = this.grid;
    let features: ComponentTensor;
    try {
      features = await this.runAbove(codeRows(codes, m, this.grid, 0, r + 1));
    } catch (e) {
      if (e instanceof GenreportError) throw e;
      throw inputError(
        this.bundle.manifestFile,
        `cannot run on the first ${r + 1} rows of the code grid (${(e as Error).message}); sampling needs a priorAbove that takes any number of rows`,
        'components.priorAbove',
      );
    }
    // Row r's features come from the rows above it alone.
    const [, , , f] = dims(features.shape, 4, 'priorAbove features');
    const rowFeatures = new Float32Array(m * width * f);
    for (let i = 0; i < m; i++)
      rowFeatures.set(
        features.data.subarray((i * (r + 1) + r) * width * f, (i * (r + 1) + r + 1) * width * f),
        i * width * f,
      );
    const featureRow = { data: rowFeatures, shape: [m, 1, width, f] };
    return {
      position: async (c) =>
        columnOf(await this.runRow(codeRows(codes, m, this.grid, r, r + 1), featureRow), m, width, size, c),
    };
  }

  /** priorAbove: [m, rows, w, 1] → [m, rows, w, F], any F. */
  private async runAbove(rows: ComponentTensor): Promise<ComponentTensor> {
    const [m, n, width] = dims(rows.shape, 3, 'code rows');
    const [features] = await requireRunnable(this.bundle, 'priorAbove').run([rows], {
      inputs: ['image'],
      outputs: ['image'],
    });
    expectValuesShape(
      features.shape,
      [m, n, width, features.shape[3] ?? 0],
      this.bundle,
      'priorAbove',
      `${n} rows of codes (any number of features)`,
    );
    assertFinite(features.data, this.bundle.manifestFile, 'components.priorAbove');
    return features;
  }

  /** priorRow: ([m, rows, w, 1], [m, rows, w, F]) → [m, rows, w, K]. */
  private async runRow(rows: ComponentTensor, features: ComponentTensor): Promise<Float32Array> {
    const [m, n, width] = dims(rows.shape, 3, 'code rows');
    const [output] = await requireRunnable(this.bundle, 'priorRow').run([rows, features], {
      inputs: ['image', 'image'],
      outputs: ['image'],
    });
    expectValuesShape(
      output.shape,
      [m, n, width, this.grid.size],
      this.bundle,
      'priorRow',
      `${this.grid.size} logits per code position (codes.size)`,
    );
    assertFinite(output.data, this.bundle.manifestFile, 'components.priorRow');
    return output.data;
  }
}

/** [n, codes.height, codes.width, last]. */
function gridAxes(grid: CodeGrid, last: Axis): Axis[] {
  return [
    { size: null },
    { size: grid.height, field: 'codes.height' },
    { size: grid.width, field: 'codes.width' },
    last,
  ];
}
