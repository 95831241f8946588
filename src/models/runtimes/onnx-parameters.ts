/**
 * The parameter count of an ONNX file: the elements of its graph's
 * initializers (the weights torch.onnx.export stores; buffers such as masks
 * count too, as they do in a PyTorch state dict). onnxruntime does not expose
 * initializers, so the few protobuf fields needed are read here:
 * ModelProto.graph (7) → GraphProto.initializer (5) and sparse_initializer
 * (15) → TensorProto.dims (1), SparseTensorProto.dims (3). Weights stored
 * as external data keep their dims in the file, so they count as well.
 */

/** Elements over the main graph's initializers; null when the bytes are not a readable ONNX protobuf. */
export function countInitializerElements(bytes: Uint8Array): number | null {
  try {
    let total = 0;
    for (const graph of fields(bytes, 7)) {
      for (const tensor of fields(graph, 5)) total += elements(dims(tensor, 1));
      for (const sparse of fields(graph, 15)) total += elements(dims(sparse, 3));
    }
    return total;
  } catch {
    return null;
  }
}

function elements(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** The length-delimited values of field `wanted` in one message. */
function fields(message: Uint8Array, wanted: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  walk(message, (field, wire, value) => {
    if (field === wanted && wire === 2) out.push(value as Uint8Array);
  });
  return out;
}

/** A repeated int64 field, packed or not. */
function dims(message: Uint8Array, wanted: number): number[] {
  const out: number[] = [];
  walk(message, (field, wire, value) => {
    if (field !== wanted) return;
    if (wire === 0) out.push(value as number);
    else if (wire === 2) {
      const packed = value as Uint8Array;
      for (let at = 0; at < packed.length; ) {
        const [v, next] = varint(packed, at);
        out.push(v);
        at = next;
      }
    }
  });
  return out;
}

function walk(message: Uint8Array, visit: (field: number, wire: number, value: number | Uint8Array) => void): void {
  let at = 0;
  while (at < message.length) {
    const [key, afterKey] = varint(message, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    at = afterKey;
    if (wire === 0) {
      const [v, next] = varint(message, at);
      visit(field, wire, v);
      at = next;
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else if (wire === 2) {
      const [length, start] = varint(message, at);
      if (start + length > message.length) throw new Error('truncated field');
      visit(field, wire, message.subarray(start, start + length));
      at = start + length;
    } else {
      throw new Error(`wire type ${wire} is not protobuf 3`);
    }
    if (field === 0 || at > message.length) throw new Error('not a protobuf message');
  }
}

/** An unsigned varint (exact up to 2^53, which dims and lengths stay under) and the offset after it. */
function varint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    value += (bytes[i]! & 0x7f) * scale;
    scale *= 128;
    if ((bytes[i]! & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('truncated varint');
}
