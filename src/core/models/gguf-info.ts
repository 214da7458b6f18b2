// What the registry records about a GGUF file, read from its header without loading it: architecture,
// parameter count, quantisation, context length and chat template, and a SHA-256 so results can name the exact
// file. A missing, truncated or foreign file gets a message that says which.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { GgufFileType, readGgufFileInfo } from 'node-llama-cpp';
import { UserError } from '../errors.js';

export interface GgufInfo {
  architecture: string;
  /** Sum of the tensors' elements. */
  parameterCount: number;
  /** The file type, as llama.cpp names it: MOSTLY_Q4_K_M, ALL_F32, ... */
  quantisation: string;
  contextLength: number | null;
  chatTemplate: string | null;
  fileSize: number;
  sha256: string;
}

/**
 * The fixed start of a GGUF file: magic, version, tensor and metadata counts. node-llama-cpp's header reader
 * waits forever on a file that starts with "GGUF" but is not one, so this check comes first.
 */
export async function checkGgufHeader(file: string): Promise<number> {
  const size = (
    await stat(file).catch(() => {
      throw new UserError('model-file-missing', `there is no model file at ${file}`, { file });
    })
  ).size;
  const handle = await open(file, 'r');
  const start = Buffer.alloc(24);
  const { bytesRead } = await handle.read(start, 0, 24, 0);
  await handle.close();
  if (bytesRead < 4 || start.toString('latin1', 0, 4) !== 'GGUF') {
    throw new UserError(
      'not-gguf',
      `the file is not a GGUF model (it does not start with "GGUF"); convert the model to GGUF or download a .gguf file`,
      { file },
    );
  }
  const version = bytesRead >= 8 ? start.readUInt32LE(4) : 0;
  const tensors = bytesRead >= 16 ? start.readBigUInt64LE(8) : -1n;
  const entries = bytesRead >= 24 ? start.readBigUInt64LE(16) : -1n;
  if (
    bytesRead < 24 ||
    version < 2 ||
    version > 3 ||
    tensors < 0n ||
    tensors > 100_000n ||
    entries < 0n ||
    entries > 100_000n
  ) {
    throw new UserError(
      'not-gguf',
      `the file starts like a GGUF model but its header is not one (version ${version}); the file may be damaged: download it again`,
      { file },
    );
  }
  return size;
}

export async function inspectGguf(
  file: string,
  options: { onHashProgress?: (done: number, total: number) => void } = {},
): Promise<GgufInfo> {
  const size = await checkGgufHeader(file);
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(file, { readTensorInfo: true });
  } catch (error) {
    throw new UserError(
      'gguf-unreadable',
      `the GGUF header cannot be read (${(error as Error).message}); the file may be truncated: download it again`,
      { file },
    );
  }
  const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
  // A truncated file can have a complete header while its tensor data runs past the end of the file. Offsets
  // count from the start of the data section, so the data alone must fit (at least a byte per element).
  const dataEnd = tensors.reduce(
    (end, t) => Math.max(end, Number(t.offset) + t.dimensions.reduce<number>((n, d) => n * Number(d), 1) / 2),
    0,
  );
  if (size < dataEnd) {
    throw new UserError(
      'gguf-truncated',
      `the file is shorter than its header says (${size} bytes); the download may be incomplete: download it again`,
      { file },
    );
  }
  const fileType = info.metadata.general?.file_type;
  const metadata = info.architectureMetadata as { context_length?: number };
  const tokenizer = info.metadata.tokenizer as { chat_template?: string } | undefined;
  return {
    architecture: String(info.metadata.general?.architecture ?? 'unknown'),
    parameterCount: tensors.reduce((sum, t) => sum + t.dimensions.reduce<number>((n, d) => n * Number(d), 1), 0),
    quantisation: fileType === undefined ? 'unknown' : (GgufFileType[fileType] ?? `type ${fileType}`),
    contextLength: metadata.context_length ?? null,
    chatTemplate: tokenizer?.chat_template ?? null,
    fileSize: size,
    sha256: await sha256OfFile(file, size, options.onHashProgress),
  };
}

export async function sha256OfFile(
  file: string,
  size: number,
  onProgress?: (done: number, total: number) => void,
): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done, size);
  }
  return hash.digest('hex');
}
