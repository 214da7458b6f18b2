// A minimal writer of GGUF v3 files (ggml's model format, read by llama.cpp): typed metadata, tensor infos and
// f32 tensor data, aligned as the format demands. It exists so the project can make its own tiny test model;
// it writes only what that needs (no quantised types, no big-endian variant).

import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** GGUF metadata value types, as numbered by the format. */
const VALUE_TYPE = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

/** The ggml tensor types written here. */
const GGML_TYPE_F32 = 0;
const GGML_TYPE_F16 = 1;
const GGML_TYPE_Q4_0 = 2;

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const VERSION = 3;
/** ggml's default; written explicitly as `general.alignment` so no reader has to assume it. */
export const GGUF_ALIGNMENT = 32;

export type GgufValue =
  | { type: 'uint32'; value: number }
  | { type: 'int32'; value: number }
  | { type: 'uint64'; value: bigint }
  | { type: 'float32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'float32[]'; value: readonly number[] | Float32Array }
  | { type: 'int32[]'; value: readonly number[] | Int32Array };

export interface GgufTensor {
  name: string;
  /** Sizes in ggml order: the first dimension varies fastest (a row of a weight matrix is its first dimension). */
  shape: readonly number[];
  /**
   * f32 values, one per element; or a pattern of encoded values repeated until the tensor is full, for models of
   * a real model's shape (billions of parameters) whose values only need to give real timings, never to sit in
   * memory: f16 bits, or whole Q4_0 blocks (32 values in 18 bytes: an f16 scale, then 16 bytes of 4-bit values).
   */
  data: Float32Array | TiledData;
}

export interface TiledData {
  tiled: 'f16' | 'q4_0';
  /** A whole number of elements (f16) or blocks (q4_0). */
  pattern: Uint8Array;
}

const Q4_0_BLOCK = { values: 32, bytes: 18 };

function isTiled(data: GgufTensor['data']): data is TiledData {
  return !(data instanceof Float32Array);
}

function tensorBytes(tensor: GgufTensor): number {
  const elements = tensorElements(tensor);
  if (!isTiled(tensor.data)) return elements * 4;
  return tensor.data.tiled === 'f16' ? elements * 2 : (elements / Q4_0_BLOCK.values) * Q4_0_BLOCK.bytes;
}

function ggmlType(tensor: GgufTensor): number {
  if (!isTiled(tensor.data)) return GGML_TYPE_F32;
  return tensor.data.tiled === 'f16' ? GGML_TYPE_F16 : GGML_TYPE_Q4_0;
}

export interface GgufWriteResult {
  fileSize: number;
  sha256: string;
}

/** Little-endian byte builder: GGUF is little-endian on every machine that reads the files we write. */
class ByteWriter {
  private readonly chunks: Buffer[] = [];
  length = 0;

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  uint32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  int32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }

  uint64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }

  float32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }

  bool(value: boolean): void {
    this.push(Buffer.from([value ? 1 : 0]));
  }

  /** GGUF strings: a uint64 byte length, then UTF-8 without a terminating NUL. */
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.uint64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const pad = paddingFor(this.length, alignment);
    if (pad > 0) this.push(Buffer.alloc(pad));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function paddingFor(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}

function writeValue(out: ByteWriter, value: GgufValue): void {
  switch (value.type) {
    case 'uint32':
      out.uint32(VALUE_TYPE.uint32);
      out.uint32(value.value);
      return;
    case 'int32':
      out.uint32(VALUE_TYPE.int32);
      out.int32(value.value);
      return;
    case 'uint64':
      out.uint32(VALUE_TYPE.uint64);
      out.uint64(value.value);
      return;
    case 'float32':
      out.uint32(VALUE_TYPE.float32);
      out.float32(value.value);
      return;
    case 'bool':
      out.uint32(VALUE_TYPE.bool);
      out.bool(value.value);
      return;
    case 'string':
      out.uint32(VALUE_TYPE.string);
      out.string(value.value);
      return;
    // Arrays: the array type, then the item type and count, then the bare items (no per-item type tag).
    case 'string[]':
      out.uint32(VALUE_TYPE.array);
      out.uint32(VALUE_TYPE.string);
      out.uint64(value.value.length);
      for (const item of value.value) out.string(item);
      return;
    case 'float32[]':
      out.uint32(VALUE_TYPE.array);
      out.uint32(VALUE_TYPE.float32);
      out.uint64(value.value.length);
      for (const item of value.value) out.float32(item);
      return;
    case 'int32[]':
      out.uint32(VALUE_TYPE.array);
      out.uint32(VALUE_TYPE.int32);
      out.uint64(value.value.length);
      for (const item of value.value) out.int32(item);
      return;
  }
}

function tensorElements(tensor: GgufTensor): number {
  return tensor.shape.reduce((product, size) => product * size, 1);
}

/** f32 values as little-endian bytes, whatever the machine's own byte order. */
function f32Bytes(data: Float32Array): Buffer {
  const bytes = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) bytes.writeFloatLE(data[i]!, i * 4);
  return bytes;
}

/**
 * Everything before the tensor data: header, metadata, tensor infos and the padding up to the aligned start of
 * the data. `general.alignment` is added first; tensors are laid out in the order given, each at an aligned offset.
 */
export function encodeGgufHeader(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Buffer {
  if (metadata.has('general.alignment')) throw new Error('general.alignment is written by the GGUF writer itself');
  const entries: [string, GgufValue][] = [
    ['general.alignment', { type: 'uint32', value: GGUF_ALIGNMENT }],
    ...metadata,
  ];
  const out = new ByteWriter();
  out.uint32(MAGIC);
  out.uint32(VERSION);
  out.uint64(tensors.length);
  out.uint64(entries.length);
  for (const [key, value] of entries) {
    out.string(key);
    writeValue(out, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    if (!isTiled(tensor.data) && tensor.data.length !== tensorElements(tensor)) {
      throw new Error(
        `tensor ${tensor.name}: shape [${tensor.shape.join(', ')}] needs ${tensorElements(tensor)} values, got ${tensor.data.length}`,
      );
    }
    if (
      isTiled(tensor.data) &&
      tensor.data.tiled === 'q4_0' &&
      (tensor.shape[0]! % Q4_0_BLOCK.values !== 0 || tensor.data.pattern.length % Q4_0_BLOCK.bytes !== 0)
    ) {
      throw new Error(
        `tensor ${tensor.name}: Q4_0 needs rows of a multiple of 32 values and a pattern of whole blocks`,
      );
    }
    out.string(tensor.name);
    out.uint32(tensor.shape.length);
    for (const size of tensor.shape) out.uint64(size);
    out.uint32(ggmlType(tensor));
    // Offsets count from the start of the tensor data section, not from the start of the file.
    out.uint64(offset);
    offset += tensorBytes(tensor);
    offset += paddingFor(offset, GGUF_ALIGNMENT);
  }
  out.padTo(GGUF_ALIGNMENT);
  return out.toBuffer();
}

/**
 * Writes a GGUF file, one tensor at a time so the whole model never sits in memory twice, and returns its size
 * and SHA-256 (hashed while writing, so callers need not read the file back).
 */
export async function writeGguf(
  file: string,
  metadata: ReadonlyMap<string, GgufValue>,
  tensors: readonly GgufTensor[],
): Promise<GgufWriteResult> {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  let size = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    hash.update(chunk);
    await handle.write(chunk);
    size += chunk.length;
  };
  try {
    await write(encodeGgufHeader(metadata, tensors));
    for (const tensor of tensors) {
      if (isTiled(tensor.data)) {
        const pattern = Buffer.from(
          tensor.data.pattern.buffer,
          tensor.data.pattern.byteOffset,
          tensor.data.pattern.byteLength,
        );
        for (let left = tensorBytes(tensor); left > 0; left -= pattern.length)
          await write(left >= pattern.length ? pattern : pattern.subarray(0, left));
      } else {
        await write(f32Bytes(tensor.data));
      }
      const pad = paddingFor(tensorBytes(tensor), GGUF_ALIGNMENT);
      if (pad > 0) await write(Buffer.alloc(pad));
    }
  } finally {
    await handle.close();
  }
  return { fileSize: size, sha256: hash.digest('hex') };
}
