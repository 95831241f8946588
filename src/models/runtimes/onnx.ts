/**
 * The ONNX runtime: an .onnx file as "tensor in, tensor out", through
 * onnxruntime-node. The package is an optional dependency and is imported
 * only here, only when an ONNX file is named, so a checkout without it runs
 * everything else. Sessions use every core (intra-op threads), and the CUDA
 * execution provider first where onnxruntime has it; the provider that
 * created the session is returned for the report.
 *
 * Feature extractors (src/features/onnx-extractor.ts) and ONNX model bundles
 * both run through this module and never import onnxruntime themselves.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { inputError } from '../../core/errors.ts';
import { countInitializerElements } from './onnx-parameters.ts';

type OnnxModule = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

/** One input or output as the file declares it; a string dimension is symbolic (e.g. "batch"). */
export interface OnnxValueInfo {
  name: string;
  /** Element type, e.g. 'float32'; 'non-tensor' for sequences and maps. */
  type: string;
  /** Empty when the file does not declare a shape. */
  shape: (number | string)[];
}

export type OnnxProvider = 'cuda' | 'cpu';

export interface OnnxTensor {
  dims: number[];
  data: Float32Array;
}

export interface OnnxModel {
  file: string;
  /** sha256 of the file's bytes. */
  sha256: string;
  provider: OnnxProvider;
  threads: number;
  /** onnxruntime-node's version, for the report. */
  runtimeVersion: string;
  /** Elements of the graph's initializers (its weights); null where the protobuf could not be read for them. */
  parameters: number | null;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Runs one batch; float32 tensors in, the named outputs (all by default) out as float32. */
  run(feeds: Record<string, OnnxTensor>, outputs?: string[]): Promise<Record<string, OnnxTensor>>;
  dispose(): Promise<void>;
}

export const ONNX_INSTALL_HINT = 'npm install onnxruntime-node@1.30.0 --onnxruntime-node-install=skip';

type Importer = () => Promise<OnnxModule>;
const defaultImporter: Importer = () => import('onnxruntime-node');

/** onnxruntime-node, or an input error naming the file that needed it and how to install it. */
export async function loadOnnxRuntime(file: string, importer: Importer = defaultImporter): Promise<OnnxModule> {
  try {
    const mod = await importer();
    return ((mod as { default?: OnnxModule }).default ?? mod) as OnnxModule;
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    throw inputError(
      file,
      `is an ONNX model, and onnxruntime-node (an optional dependency) could not be loaded (${reason}); install it with \`${ONNX_INSTALL_HINT}\``,
    );
  }
}

/**
 * Providers to try, in order. CUDA comes first where onnxruntime lists it
 * and its provider library was installed beside the binding (the package
 * ships without it; `--onnxruntime-node-install=cuda12` adds it).
 */
function providerOrder(ort: OnnxModule): OnnxProvider[] {
  const listed = (ort.listSupportedBackends?.() ?? []).some((b) => b.name === 'cuda');
  return listed && cudaLibraryPresent() ? ['cuda', 'cpu'] : ['cpu'];
}

function cudaLibraryPresent(): boolean {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const dir = join(root, 'bin', 'napi-v6', process.platform, process.arch);
    return readdirSync(dir).some((f) => f.includes('providers_cuda'));
  } catch {
    return false;
  }
}

export interface OpenOnnxOptions {
  threads?: number;
  importer?: Importer;
}

export async function openOnnxModel(file: string, options: OpenOnnxOptions = {}): Promise<OnnxModel> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError(
      file,
      code === 'ENOENT' ? 'model file not found' : `cannot read the model file (${code ?? (e as Error).message})`,
    );
  }
  if (bytes.length === 0) throw inputError(file, 'is empty, not an ONNX model');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const ort = await loadOnnxRuntime(file, options.importer);
  const threads = options.threads ?? availableParallelism();
  let session: Session | undefined;
  let provider: OnnxProvider = 'cpu';
  let lastError: unknown;
  for (const candidate of providerOrder(ort)) {
    try {
      session = await ort.InferenceSession.create(file, {
        executionProviders: [candidate],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      provider = candidate;
      break;
    } catch (e) {
      lastError = e;
    }
  }
  if (!session) {
    const reason = ((lastError as Error)?.message ?? String(lastError)).split('\n')[0];
    throw inputError(file, `is not a model onnxruntime can load (${reason})`);
  }
  const describe = (m: import('onnxruntime-node').InferenceSession.ValueMetadata): OnnxValueInfo =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
  const live = session;
  return {
    file,
    sha256,
    provider,
    threads,
    runtimeVersion: ort.env?.versions?.node ?? 'unknown version',
    parameters: countInitializerElements(bytes),
    inputs: live.inputMetadata.map(describe),
    outputs: live.outputMetadata.map(describe),
    async run(feeds, outputs) {
      const ortFeeds: Record<string, import('onnxruntime-node').Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', t.data, t.dims);
      const result = outputs ? await live.run(ortFeeds, outputs) : await live.run(ortFeeds);
      const out: Record<string, OnnxTensor> = {};
      for (const [name, t] of Object.entries(result)) {
        if (t.type !== 'float32')
          throw inputError(file, `output "${name}" is ${t.type}; genreport reads float32 outputs`, `outputs.${name}`);
        out[name] = { dims: t.dims.map(Number), data: t.data as Float32Array };
      }
      return out;
    },
    dispose: () => live.release(),
  };
}
