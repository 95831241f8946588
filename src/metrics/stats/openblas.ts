/**
 * The few OpenBLAS / LAPACK routines the metrics need, bound through koffi
 * (FFI) to the system library (Debian: libopenblas0-pthread). Everything
 * that calls here has a plain-JS route to fall back on, so a machine
 * without the library or without koffi gets correct (slower) results.
 *
 * All matrices are row-major Float64Arrays. The LAPACK routines are Fortran
 * (column-major); they are only given symmetric matrices, whose row- and
 * column-major layouts coincide. Fortran routines take their character
 * arguments' lengths as hidden size_t arguments after the others.
 */
import { createRequire } from 'node:module';

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;
const UPPER = 121;

/** Names tried in order: the Debian soname first, then generic ones. */
const LIBRARY_NAMES = ['libopenblas.so.0', 'libopenblas.so', 'libopenblas.dylib', 'libopenblas.dll'];

// koffi's function handles are untyped at this boundary.
type NativeFunction = (...args: unknown[]) => unknown;

export interface Blas {
  /** Which library was loaded, for logs and the report. */
  readonly library: string;
  /** C (d × d, upper triangle) += Aᵀ·A for A (k × d): a scatter matrix. */
  addColumnGramUpper(a: Float64Array, k: number, d: number, c: Float64Array): void;
  /** out (m × m, upper triangle only) = A·Aᵀ for A (m × d): inner products of rows. */
  rowGramUpper(a: Float64Array, m: number, d: number, out: Float64Array): void;
  /** out (m × n) = alpha · A·Bᵀ for A (m × d), B (n × d). */
  productWithTranspose(
    a: Float64Array,
    m: number,
    b: Float64Array,
    n: number,
    d: number,
    alpha: number,
    out: Float64Array,
  ): void;
  /** out (m × n) = A·B for A (m × k), B (k × n). */
  product(a: Float64Array, m: number, k: number, b: Float64Array, n: number, out: Float64Array): void;
  /** In place: lower triangle of a (n × n, symmetric PD) becomes L with a = L·Lᵀ. False when a is not positive definite. */
  choleskyLower(a: Float64Array, n: number): boolean;
  /** In place: a (symmetric) becomes Lᵀ·a·L, L the lower Cholesky factor in `l` (LAPACK dsygst, itype 2). */
  congruenceByCholesky(a: Float64Array, l: Float64Array, n: number): void;
  /** Eigenvalues (ascending) of symmetric a; with vectors, a's row j becomes the eigenvector of value j. Overwrites a. */
  symmetricEigen(a: Float64Array, n: number, vectors: boolean): Float64Array;
  /**
   * Runs `work` with OpenBLAS on one thread per call, then restores the count:
   * for when two of our threads call it at once (each call would otherwise
   * queue on OpenBLAS's one thread pool, one after the other).
   */
  oneThreadEach<T>(work: () => T): T;
}

let cached: Blas | null | undefined;
let loadError = '';

/** The system OpenBLAS, or null where it (or koffi) is missing; `GENREPORT_NO_BLAS=1` forces null. */
export function openBlas(): Blas | null {
  if (cached !== undefined) return cached;
  cached = process.env.GENREPORT_NO_BLAS === '1' ? null : tryLoad();
  if (process.env.GENREPORT_NO_BLAS === '1') loadError = 'disabled by GENREPORT_NO_BLAS=1';
  return cached;
}

/** Why openBlas() returned null ('' when it did not). */
export function openBlasUnavailableReason(): string {
  openBlas();
  return loadError;
}

function tryLoad(): Blas | null {
  let koffi: typeof import('koffi');
  try {
    koffi = createRequire(import.meta.url)('koffi');
  } catch (e) {
    loadError = `koffi did not load (${(e as Error).message})`;
    return null;
  }
  const failures: string[] = [];
  for (const name of LIBRARY_NAMES) {
    try {
      return bind(koffi.load(name), name);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  loadError = `no OpenBLAS library found (install libopenblas0-pthread): ${failures.join('; ')}`;
  return null;
}

function bind(lib: ReturnType<typeof import('koffi').load>, library: string): Blas {
  const fn = (name: string, result: string, args: string[]) =>
    lib.func(name, result, args) as unknown as NativeFunction;
  const dsyrk = fn('cblas_dsyrk', 'void', [
    'int',
    'int',
    'int',
    'int',
    'int',
    'double',
    'double *',
    'int',
    'double',
    '_Inout_ double *',
    'int',
  ]);
  const dgemm = fn('cblas_dgemm', 'void', [
    'int',
    'int',
    'int',
    'int',
    'int',
    'int',
    'double',
    'double *',
    'int',
    'double *',
    'int',
    'double',
    '_Inout_ double *',
    'int',
  ]);
  const dpotrf = fn('dpotrf_', 'void', ['str', 'int *', '_Inout_ double *', 'int *', '_Inout_ int *', 'size_t']);
  const dsygst = fn('dsygst_', 'void', [
    'int *',
    'str',
    'int *',
    '_Inout_ double *',
    'int *',
    'double *',
    'int *',
    '_Inout_ int *',
    'size_t',
  ]);
  const dsyevd = fn('dsyevd_', 'void', [
    'str',
    'str',
    'int *',
    '_Inout_ double *',
    'int *',
    '_Inout_ double *',
    '_Inout_ double *',
    'int *',
    '_Inout_ int *',
    'int *',
    '_Inout_ int *',
    'size_t',
    'size_t',
  ]);

  // Thread control is OpenBLAS's own API, not BLAS: where a build lacks it, calls keep their count.
  const optional = (name: string, result: string, args: string[]): NativeFunction | null => {
    try {
      return fn(name, result, args);
    } catch {
      return null;
    }
  };
  const getThreads = optional('openblas_get_num_threads', 'int', []);
  const setThreads = optional('openblas_set_num_threads', 'void', ['int']);
  const int = (v: number) => Int32Array.of(v);
  const check = (routine: string, info: Int32Array) => {
    if (info[0]! < 0) throw new Error(`${routine}: argument ${-info[0]!} was illegal`);
  };

  return {
    library,
    addColumnGramUpper(a, k, d, c) {
      if (k > 0) dsyrk(ROW_MAJOR, UPPER, TRANS, d, k, 1, a, d, 1, c, d);
    },
    rowGramUpper(a, m, d, out) {
      dsyrk(ROW_MAJOR, UPPER, NO_TRANS, m, d, 1, a, d, 0, out, m);
    },
    productWithTranspose(a, m, b, n, d, alpha, out) {
      dgemm(ROW_MAJOR, NO_TRANS, TRANS, m, n, d, alpha, a, d, b, d, 0, out, n);
    },
    product(a, m, k, b, n, out) {
      dgemm(ROW_MAJOR, NO_TRANS, NO_TRANS, m, n, k, 1, a, k, b, n, 0, out, n);
    },
    choleskyLower(a, n) {
      const info = int(0);
      dpotrf('L', int(n), a, int(n), info, 1);
      check('dpotrf', info);
      return info[0] === 0;
    },
    congruenceByCholesky(a, l, n) {
      const info = int(0);
      dsygst(int(2), 'L', int(n), a, int(n), l, int(n), info, 1);
      check('dsygst', info);
    },
    oneThreadEach(work) {
      if (!getThreads || !setThreads) return work();
      const before = getThreads() as number;
      setThreads(1);
      try {
        return work();
      } finally {
        setThreads(before);
      }
    },
    symmetricEigen(a, n, vectors) {
      const jobz = vectors ? 'V' : 'N';
      const w = new Float64Array(n);
      const info = int(0);
      // Workspace query first (lwork = liwork = −1), then the call.
      const workSize = new Float64Array(1);
      const iworkSize = new Int32Array(1);
      dsyevd(jobz, 'L', int(n), a, int(n), w, workSize, int(-1), iworkSize, int(-1), info, 1, 1);
      check('dsyevd', info);
      const lwork = Math.max(1, Math.ceil(workSize[0]!));
      const liwork = Math.max(1, iworkSize[0]!);
      dsyevd(
        jobz,
        'L',
        int(n),
        a,
        int(n),
        w,
        new Float64Array(lwork),
        int(lwork),
        new Int32Array(liwork),
        int(liwork),
        info,
        1,
        1,
      );
      check('dsyevd', info);
      if (info[0]! > 0) throw new Error(`dsyevd: ${info[0]} eigenvalues did not converge`);
      return w;
    },
  };
}
