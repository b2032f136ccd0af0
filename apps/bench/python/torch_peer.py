"""torch-peer: the seed LeNet in PyTorch (eager, on the CPU, all cores), measured the way apps/bench measures
every target (src/measure.ts), answering in the same one-line protocol (src/protocol.ts).

    python3 torch_peer.py --probe          one JSON line: this Python's and torch's versions; exit 3 without torch
    python3 torch_peer.py REQUEST_JSON     measure; the answer follows RESULT_MARKER on a line of its own

The request is the bench's ChildRequest plus `dataDir`, the folder the bench loaded (and verified)
Fashion-MNIST from. Only the standard library is needed until torch is imported, so the protocol, the data
loading and the timing logic run (and are tested) on a Python without torch; without torch the answer is
an unavailable result that says so.
"""

import gzip
import json
import os
import platform
import resource
import statistics
import sys
import time

RESULT_MARKER = "@@bench-result "
PEER = "torch-peer"
PROBE_NO_TORCH = 3
# Modes: every core (the comparison the issue asks for), and one thread, which stays fast when other work
# deschedules the threads of PyTorch's OpenMP team (each op then waits for the slowest one).
THREADS_BY_MODE = {"eager": None, "eager-1-thread": 1}


class RequestError(ValueError):
    """A request the bench would never send: a bug on the Node side, reported in one line."""


def parse_request(text):
    try:
        request = json.loads(text)
    except json.JSONDecodeError as error:
        raise RequestError(f"the request is not JSON: {error}") from None
    if not isinstance(request, dict):
        raise RequestError("the request is not a JSON object")
    for key in ("target", "trainBatches", "inferBatches", "budget", "dataDir"):
        if key not in request:
            raise RequestError(f"the request has no {key}")
    if request["target"].get("backend") != PEER:
        raise RequestError(f"this script measures {PEER}, not {request['target'].get('backend')}")
    if request["target"].get("mode") not in THREADS_BY_MODE:
        raise RequestError(f"unknown {PEER} mode {request['target'].get('mode')!r}; expected one of {', '.join(THREADS_BY_MODE)}")
    for key in ("trainBatches", "inferBatches"):
        if not all(isinstance(b, int) and b > 0 for b in request[key]):
            raise RequestError(f"{key} must be positive integers")
    for key in ("runSeconds", "runs", "warmupSteps", "minSteps", "maxSteps"):
        if not isinstance(request["budget"].get(key), (int, float)):
            raise RequestError(f"budget.{key} is missing")
    return request


# Fashion-MNIST files -------------------------------------------------------------------------------------


def read_idx(path):
    """The dims and raw unsigned bytes of an IDX file (gzip or not, told by its first two bytes)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(rank)]
    data = raw[4 + 4 * rank :]
    expected = 1
    for d in dims:
        expected *= d
    if len(data) != expected:
        raise ValueError(f"{path} holds {len(data)} bytes for dims {dims}")
    return dims, data


def find_file(data_dir, name):
    for candidate in (f"{name}.gz", name):
        path = os.path.join(data_dir, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"no {name}(.gz) in {data_dir}")


def load_split(data_dir, prefix):
    """(count, image bytes, label bytes) of `train` or `t10k`, like the bench's loader (the whole file)."""
    dims, images = read_idx(find_file(data_dir, f"{prefix}-images-idx3-ubyte"))
    label_dims, labels = read_idx(find_file(data_dir, f"{prefix}-labels-idx1-ubyte"))
    if len(dims) != 3 or dims[1:] != [28, 28] or label_dims != dims[:1]:
        raise ValueError(f"{prefix} files in {data_dir} are not one Fashion-MNIST split")
    return dims[0], images, labels


# Timing (src/measure.ts's measurePass, step for step) ----------------------------------------------------


def measure_pass(task, run_pass, count, batch_size, requested):
    """Steady-state throughput of `run_pass(n, batch_size) -> seconds` over the first n samples (n <= count).

    Warm-up steps first, then a calibration that sizes each timed run to about budget.runSeconds (within
    minSteps..maxSteps batches); the result is the median of budget.runs runs. A first batch slower than
    slowStepSeconds switches to the slow budget.
    """

    def sized(budget):
        def steps(n):
            most = max(1, min(budget["maxSteps"], count // batch_size))
            return min(count, max(1, min(n, most)) * batch_size)

        return steps

    first = sized(requested)(1)
    per_step = run_pass(first, batch_size) / (first / batch_size)
    slow_after = requested.get("slowStepSeconds")
    budget = requested["slow"] if requested.get("slow") and slow_after is not None and per_step > slow_after else requested
    most = max(1, min(budget["maxSteps"], count // batch_size))
    steps = sized(budget)
    if budget["warmupSteps"] > 1:
        n = steps(budget["warmupSteps"] - 1)
        per_step = run_pass(n, batch_size) / (n / batch_size)
    if per_step * budget["minSteps"] < budget["runSeconds"]:
        n = steps(budget["minSteps"])
        per_step = run_pass(n, batch_size) / (n / batch_size)
    run_steps = max(budget["minSteps"], min(most, round(budget["runSeconds"] / per_step) if per_step > 0 else most))
    n = steps(run_steps)
    runs = [n / run_pass(n, batch_size) for _ in range(int(budget["runs"]))]
    return {"task": task, "batchSize": batch_size, "samplesPerSecond": statistics.median(runs), "runs": runs, "samples": n}


def peak_rss_mb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def result(request, started, description, available, measurements=(), last_loss=None):
    answer = {
        "target": request["target"],
        "description": description,
        "available": available,
        "measurements": list(measurements),
        "peakRssMB": peak_rss_mb(),
        "seconds": time.perf_counter() - started,
    }
    if last_loss is not None:
        # JSON has no NaN: a loss that is not a number stays out, which the bench reports as not trained.
        answer["lastLoss"] = last_loss if last_loss == last_loss and abs(last_loss) != float("inf") else None
    return answer


def progress(line):
    print(line, file=sys.stderr, flush=True)


# The model (only this part needs torch) ------------------------------------------------------------------


def lenet(torch):
    """d2l 5.5 in PyTorch: sigmoid conv 6@5x5, max-pool, conv 16@5x5, max-pool, dense 120, 84, 10, all sigmoid;
    Glorot-uniform weights and zero biases, as Keras starts them."""
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10), nn.Sigmoid(),
    )
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def tf2_sparse_cross_entropy(torch, p, y):
    """TF 2.0's sparse categorical cross-entropy on probabilities (the recipe's sigmoid outputs):
    q = clip(p, 1e-7, 1 - 1e-7); L = -log(q_y / sum_j q_j), mean over the batch."""
    q = p.clamp(1e-7, 1 - 1e-7)
    return (q.sum(1).log() - q.gather(1, y.unsqueeze(1)).squeeze(1).log()).mean()


def measure(request, started):
    train_count, train_images, train_labels = load_split(request["dataDir"], "train")
    test_count, test_images, test_labels = load_split(request["dataDir"], "t10k")
    try:
        import torch
    except ImportError as error:
        return result(request, started, f"{sys.executable} (Python {platform.python_version()}) cannot import torch: {error}", False)
    torch.set_num_threads(THREADS_BY_MODE[request["target"]["mode"]] or os.cpu_count() or 1)
    torch.manual_seed(0)
    # The bytes stay bytes (as in the Node children); each pass converts its slice before its clock starts.

    def as_tensor(raw, shape):
        return torch.frombuffer(bytearray(raw), dtype=torch.uint8).reshape(shape)

    train_x, train_y = as_tensor(train_images, (train_count, 1, 28, 28)), as_tensor(train_labels, (train_count,)).long()
    test_x = as_tensor(test_images, (test_count, 1, 28, 28))
    del train_images, test_images, test_labels
    model = lenet(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.9)
    shuffle = torch.Generator().manual_seed(0)
    last_loss = [float("nan")]

    def train(n, batch_size):
        x, y = train_x[:n].float(), train_y[:n]
        model.train()
        clock = time.perf_counter()
        order = torch.randperm(n, generator=shuffle)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = tf2_sparse_cross_entropy(torch, model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            # One readback a step, as Keras' fit and Sequential.fit do for the epoch loss.
            total += loss.item() * len(batch)
        seconds = time.perf_counter() - clock
        last_loss[0] = total / n
        return seconds

    def infer(n, batch_size):
        x = test_x[:n].float()
        model.eval()
        clock = time.perf_counter()
        with torch.no_grad():
            for start in range(0, n, batch_size):
                model(x[start : start + batch_size])
        return time.perf_counter() - clock

    label = f"  {PEER} ({request['target']['mode']})"
    measurements = []
    for batch_size in request["trainBatches"]:
        m = measure_pass("train", train, train_count, batch_size, request["budget"])
        progress(f"{label} train batch {batch_size}: {m['samplesPerSecond']:.1f} samples/s")
        measurements.append(m)
    for batch_size in request["inferBatches"]:
        m = measure_pass("infer", infer, test_count, batch_size, request["budget"])
        progress(f"{label} infer batch {batch_size}: {m['samplesPerSecond']:.1f} samples/s")
        measurements.append(m)
    threads = torch.get_num_threads()
    description = f"PyTorch {torch.__version__} eager on the CPU, {threads} thread{'' if threads == 1 else 's'} (Python {platform.python_version()})"
    return result(request, started, description, True, measurements, last_loss[0])


def probe():
    """For discovery: prints {"python", "executable", "torch"} and exits 0, or exits 3 naming what is missing."""
    try:
        import torch
    except ImportError as error:
        print(f"{sys.executable} cannot import torch: {error}", file=sys.stderr)
        return PROBE_NO_TORCH
    print(json.dumps({"python": platform.python_version(), "executable": sys.executable, "torch": torch.__version__}))
    return 0


def main(argv):
    if argv == ["--probe"]:
        return probe()
    if len(argv) != 1:
        print("usage: torch_peer.py --probe | torch_peer.py REQUEST_JSON", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        request = parse_request(argv[0])
    except RequestError as error:
        print(f"torch_peer.py: {error}", file=sys.stderr)
        return 2
    answer = measure(request, started)
    print(f"\n{RESULT_MARKER}{json.dumps(answer)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
