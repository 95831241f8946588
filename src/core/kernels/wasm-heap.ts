/** The parts of the wasm backend that our JS kernels use: outputs on its heap, views of them, shared data. */
import type * as tf from '@tensorflow/tfjs';

export interface WasmHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a tensor's data on the heap (no copy). */
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  /** One more tensor shares this data. */
  incRef(dataId: tf.DataId): void;
}
