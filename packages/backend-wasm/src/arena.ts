/** Bytes a kernel may read past the end of a buffer (a 16-lane vector of a ragged row); every block has them. */
export const READ_SLACK = 64;
const ALIGN = 64;
const PAGE = 65536;
/** The memory's maximum (2 GiB, 32768 pages), as the kernels are compiled for. */
export const MAXIMUM_PAGES = 32768;

/**
 * A heap in the shared WebAssembly memory: bump allocation from `base`, blocks recycled by exact size, so
 * that once a training step has run, later steps allocate nothing. The memory grows (never shrinks) when
 * the bump pointer reaches its end; `onGrow` lets the owner refresh its views.
 */
export class Arena {
  private top: number;
  private readonly free = new Map<number, number[]>();

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    private readonly onGrow: () => void,
  ) {
    this.top = roundUp(base, ALIGN);
  }

  /** Block size (bytes, slack included) that holds `bytes`. */
  static blockSize(bytes: number): number {
    return roundUp(bytes, ALIGN) + READ_SLACK;
  }

  /** A block of `blockSize` bytes (from Arena.blockSize); returns its address. Contents are stale. */
  allocate(blockSize: number): number {
    const reused = this.free.get(blockSize)?.pop();
    if (reused !== undefined) return reused;
    const address = this.top;
    const end = address + blockSize;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      const current = have / PAGE;
      // Grow by at least a quarter, so that a model's first steps do not grow it block by block.
      const grow = Math.min(Math.max(pages, Math.ceil(current / 4)), MAXIMUM_PAGES - current);
      if (grow < pages) throw new RangeError(`wasm backend: out of memory (${MAXIMUM_PAGES / 16384} GiB of WebAssembly memory in use); use a smaller batch`);
      this.memory.grow(grow);
      this.onGrow();
    }
    this.top = end;
    return address;
  }

  release(address: number, blockSize: number): void {
    let list = this.free.get(blockSize);
    if (list === undefined) {
      list = [];
      this.free.set(blockSize, list);
    }
    list.push(address);
  }
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** A tensor's storage in the shared memory. Opaque to core; owned by the backend that made it. */
export class WasmTensor {
  /** @internal */ live = true;
  constructor(
    /** Byte address of the first element. */
    readonly address: number,
    readonly length: number,
    /** @internal */ readonly blockSize: number,
    /** @internal The registry that made it: handles of another backend instance are refused. */
    readonly owner: object,
  ) {}
}

/**
 * Live-handle accounting over the arena: a handle counts from creation until its first dispose, which
 * returns its block. A handle collected without a dispose returns its block too and stops counting.
 */
export class HandleRegistry {
  private readonly forgotten = new FinalizationRegistry<{ address: number; blockSize: number; length: number }>((held) => this.collected(held));
  private handleCount = 0;
  private byteCount = 0;

  constructor(private readonly arena: Arena) {}

  allocate(length: number): WasmTensor {
    const blockSize = Arena.blockSize(length * 4);
    const handle = new WasmTensor(this.arena.allocate(blockSize), length, blockSize, this);
    this.forgotten.register(handle, { address: handle.address, blockSize, length }, handle);
    this.handleCount += 1;
    this.byteCount += length * 4;
    return handle;
  }

  /** Stops counting a handle and recycles its block; a second dispose (or a foreign object) is a no-op. */
  release(handle: WasmTensor): void {
    if (!this.owns(handle) || !handle.live) return;
    handle.live = false;
    this.forgotten.unregister(handle);
    this.handleCount -= 1;
    this.byteCount -= handle.length * 4;
    this.arena.release(handle.address, handle.blockSize);
  }

  owns(handle: unknown): handle is WasmTensor {
    return handle instanceof WasmTensor && handle.owner === this;
  }

  get handles(): number {
    return this.handleCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  private collected(held: { address: number; blockSize: number; length: number }): void {
    this.handleCount -= 1;
    this.byteCount -= held.length * 4;
    this.arena.release(held.address, held.blockSize);
  }
}

/** A scratch block that grows (never shrinks) to the largest size asked for: partial sums, packed filters. */
export class Scratch {
  private address = 0;
  private blockSize = 0;

  constructor(private readonly arena: Arena) {}

  /** Address of at least `bytes` bytes; contents are stale. */
  reserve(bytes: number): number {
    const needed = Arena.blockSize(bytes);
    if (needed > this.blockSize) {
      if (this.blockSize > 0) this.arena.release(this.address, this.blockSize);
      this.blockSize = Math.max(needed, Arena.blockSize(1 << 16));
      this.address = this.arena.allocate(this.blockSize);
    }
    return this.address;
  }
}
