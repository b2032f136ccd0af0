// The kernel module. Every thread instantiates it over one shared memory; the main thread writes a task
// (an op and its arguments) into the task block, and each thread runs the chunks it claims through
// runChunk. Slot numbers are mirrored in src/task.ts.
import { ConvGeometry, conv2dBackwardFilterSamples, conv2dBackwardInputRows, conv2dRows } from './conv2d';
import { conv2dBackwardFilterChannelPairs, conv2dBackwardFilterSingleChannel, conv2dBackwardInputFilterRows, conv2dPixelQuadRows, conv2dSingleChannelRows } from './conv2d-lenet';
import { adaptiveRange } from './adaptive';
import { activationBackwardRange, activationRange, columnSums, sgdRange } from './elementwise';
import { matMul } from './gemm';
import { useConstants } from './simd';
import { maxPoolBackwardSamples, maxPoolRows, PoolGeometry } from './pool';

export { transposeTaps } from './conv2d';
export { packFilterRows } from './conv2d-lenet';
export { sumPartials } from './elementwise';
export { lossRows, softmaxRows } from './loss';

const OP_CONV2D = 1;
const OP_CONV2D_BACKWARD_INPUT = 2;
const OP_CONV2D_BACKWARD_FILTER = 3;
const OP_MATMUL = 4;
const OP_MAX_POOL = 5;
const OP_MAX_POOL_BACKWARD = 6;
const OP_ACTIVATION = 7;
const OP_ACTIVATION_BACKWARD = 8;
const OP_SGD = 9;
const OP_BIAS_GRAD = 10;
const OP_ADAPTIVE = 11;

// Byte offsets in the task block.
const OP = 0;
const UNITS = 4;
const CHUNK = 8;
const POINTERS = 12; // six
const ACT = 36;
const FLAGS = 40;
const SCRATCH = 44;
const SCRATCH_STRIDE = 48;
const GEOMETRY = 52; // thirteen
const LEARNING_RATE = 104;
const MOMENTUM = 108;

let task: usize = 0;

/** Where the task block is; every instance is told once, before its first chunk. */
export function init(taskBlock: usize): void {
  task = taskBlock;
  // The vector constants sit after the task's 128 bytes; every instance writes the same values.
  useConstants(taskBlock + 128);
}

/** First byte the module itself does not use (nothing: it has no data), from where the host may allocate. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function pointer(i: i32): usize {
  return load<u32>(task + POINTERS + (<usize>i << 2));
}

@inline function geometry(i: i32): i32 {
  return load<i32>(task + GEOMETRY + (<usize>i << 2));
}

/** Runs chunk `chunk` of the current task on thread `thread` (0 is the main thread). */
export function runChunk(chunk: i32, thread: i32): void {
  const op = load<i32>(task + OP);
  const units = load<i32>(task + UNITS);
  const size = load<i32>(task + CHUNK);
  const from = chunk * size;
  const to = min(from + size, units);
  const act = load<i32>(task + ACT);
  const flags = load<i32>(task + FLAGS);
  const scratch = <usize>load<u32>(task + SCRATCH) + <usize>thread * load<u32>(task + SCRATCH_STRIDE);
  const conv = changetype<ConvGeometry>(task + GEOMETRY);
  const pool = changetype<PoolGeometry>(task + GEOMETRY);
  switch (op) {
    case OP_CONV2D:
      // Kernel variants as src/kernel-choice.ts picks them.
      if (flags == 1) conv2dSingleChannelRows(pointer(0), pointer(1), pointer(2), pointer(3), conv, act, from, to);
      else if (flags == 2) conv2dPixelQuadRows(pointer(0), pointer(1), pointer(2), pointer(3), conv, act, from, to);
      else conv2dRows(pointer(0), pointer(1), pointer(2), pointer(3), conv, act, from, to);
      break;
    case OP_CONV2D_BACKWARD_INPUT:
      if (flags == 1) conv2dBackwardInputFilterRows(pointer(0), pointer(1), pointer(2), conv, from, to);
      else conv2dBackwardInputRows(pointer(0), pointer(1), pointer(2), conv, from, to);
      break;
    case OP_CONV2D_BACKWARD_FILTER: {
      const filterBytes = <usize>(conv.filterHeight * conv.filterWidth * conv.inChannels * conv.outChannels) << 2;
      const partial = pointer(2) + <usize>chunk * filterBytes;
      if (flags == 1) conv2dBackwardFilterChannelPairs(pointer(0), pointer(1), partial, conv, from, to);
      else if (flags == 2) conv2dBackwardFilterSingleChannel(pointer(0), pointer(1), partial, conv, from, to);
      else conv2dBackwardFilterSamples(pointer(0), pointer(1), partial, conv, from, to);
      break;
    }
    case OP_MATMUL: {
      const splitRows = geometry(7) != 0;
      const rowBlocks = geometry(8), colPanels = geometry(9);
      matMul(
        pointer(0), pointer(1), pointer(2), pointer(3),
        geometry(0), geometry(1), geometry(2), geometry(3), geometry(4), geometry(5), geometry(6), act,
        splitRows ? from : 0, splitRows ? to : rowBlocks, splitRows ? 0 : from, splitRows ? colPanels : to, scratch,
      );
      break;
    }
    case OP_MAX_POOL:
      maxPoolRows(pointer(0), pointer(1), pointer(2), pool, from, to);
      break;
    case OP_MAX_POOL_BACKWARD:
      maxPoolBackwardSamples(pointer(0), pointer(1), pointer(2), pool, from, to);
      break;
    case OP_ACTIVATION:
      activationRange(pointer(0), pointer(1), from, to, act);
      break;
    case OP_ACTIVATION_BACKWARD:
      activationBackwardRange(pointer(0), pointer(1), pointer(2), from, to, act);
      break;
    case OP_SGD:
      sgdRange(pointer(0), pointer(1), pointer(2), from, to, load<f32>(task + LEARNING_RATE), load<f32>(task + MOMENTUM), flags != 0);
      break;
    case OP_BIAS_GRAD: {
      const channels = geometry(0);
      columnSums(pointer(0), pointer(1) + ((<usize>chunk * channels) << 2), channels, from, to);
      break;
    }
    case OP_ADAPTIVE: {
      // Its six float32 parameters travel in the geometry slots: lr, b1, 1 - b1, b2, 1 - b2, epsilon.
      const f = task + GEOMETRY;
      adaptiveRange(pointer(0), pointer(1), pointer(2), pointer(3), from, to, load<f32>(f), load<f32>(f + 4), load<f32>(f + 8), load<f32>(f + 12), load<f32>(f + 16), load<f32>(f + 20));
      break;
    }
    default:
      unreachable();
  }
}
