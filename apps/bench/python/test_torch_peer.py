"""The parts of torch_peer.py that need no torch: the request, the IDX files, the timing, the answer line.
Run by src/torch-peer.test.ts (python3 -m unittest), so apps/bench's tests cover them wherever python3 is."""

import gzip
import io
import json
import os
import sys
import tempfile
import time
import unittest
from contextlib import redirect_stdout

import torch_peer

BUDGET = {"runSeconds": 0.02, "runs": 3, "warmupSteps": 2, "minSteps": 2, "maxSteps": 50}


def idx_bytes(dims, data):
    header = bytes([0, 0, 0x08, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims)
    return header + bytes(data)


class WorkingPass:
    """A pass that does real work in proportion to its samples and records what it was asked."""

    def __init__(self, seconds_per_sample=0.0):
        self.calls = []
        self.seconds_per_sample = seconds_per_sample

    def __call__(self, n, batch_size):
        self.calls.append(n)
        started = time.perf_counter()
        total = 0
        for i in range(n * 200):
            total += i
        if self.seconds_per_sample:
            time.sleep(n * self.seconds_per_sample)
        return time.perf_counter() - started


class RequestTest(unittest.TestCase):
    def request(self, **changes):
        request = {"target": {"backend": "torch-peer", "mode": "eager"}, "trainBatches": [32], "inferBatches": [256], "budget": BUDGET, "dataDir": "/x"}
        request.update(changes)
        return json.dumps(request)

    def test_accepts_what_the_bench_sends(self):
        self.assertEqual(torch_peer.parse_request(self.request())["trainBatches"], [32])

    def test_rejects_in_one_line_what_it_would_never_send(self):
        for text, message in [
            ("{", "not JSON"),
            ("[]", "not a JSON object"),
            (self.request(target={"backend": "cpu", "mode": "2"}), "not cpu"),
            (self.request(trainBatches=[0]), "positive integers"),
            (self.request(target={"backend": "torch-peer", "mode": "compiled"}), "unknown torch-peer mode 'compiled'; expected one of eager, eager-1-thread"),
            (json.dumps({"target": {"backend": "torch-peer"}}), "no trainBatches"),
        ]:
            with self.assertRaisesRegex(torch_peer.RequestError, message):
                torch_peer.parse_request(text)


class IdxTest(unittest.TestCase):
    def test_reads_plain_and_gzip_files_and_finds_either(self):
        with tempfile.TemporaryDirectory() as d:
            images = idx_bytes([3, 28, 28], [i % 256 for i in range(3 * 784)])
            with open(os.path.join(d, "train-images-idx3-ubyte.gz"), "wb") as f:
                f.write(gzip.compress(images))
            with open(os.path.join(d, "train-labels-idx1-ubyte"), "wb") as f:
                f.write(idx_bytes([3], [7, 0, 9]))
            count, image_bytes, labels = torch_peer.load_split(d, "train")
            self.assertEqual(count, 3)
            self.assertEqual(image_bytes[785], 785 % 256)
            self.assertEqual(list(labels), [7, 0, 9])

    def test_rejects_truncated_and_mismatched_files(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t10k-images-idx3-ubyte")
            with open(path, "wb") as f:
                f.write(idx_bytes([2, 28, 28], [0] * 100))
            with self.assertRaisesRegex(ValueError, "holds 100 bytes"):
                torch_peer.read_idx(path)
            with open(path, "wb") as f:
                f.write(idx_bytes([2, 28, 28], [0] * (2 * 784)))
            with open(os.path.join(d, "t10k-labels-idx1-ubyte"), "wb") as f:
                f.write(idx_bytes([3], [0, 1, 2]))
            with self.assertRaisesRegex(ValueError, "not one Fashion-MNIST split"):
                torch_peer.load_split(d, "t10k")
            with self.assertRaisesRegex(FileNotFoundError, "no train-images"):
                torch_peer.load_split(d, "train")


class MeasurePassTest(unittest.TestCase):
    def test_warms_up_calibrates_and_takes_the_median_of_whole_batches(self):
        run = WorkingPass()
        m = torch_peer.measure_pass("train", run, 6400, 32, BUDGET)
        self.assertEqual(sorted(m), ["batchSize", "runs", "samples", "samplesPerSecond", "task"])
        self.assertEqual((m["task"], m["batchSize"], len(m["runs"])), ("train", 32, 3))
        self.assertEqual(m["samples"] % 32, 0)
        self.assertLessEqual(m["samples"], 50 * 32)
        self.assertEqual(m["samplesPerSecond"], sorted(m["runs"])[1])
        # one first batch, warmupSteps - 1 more, then the calibration and three timed runs
        self.assertEqual(run.calls[:2], [32, 32])
        self.assertEqual(run.calls[-3:], [m["samples"]] * 3)

    def test_a_slow_first_batch_switches_to_the_slow_budget(self):
        slow = {"runSeconds": 0.01, "runs": 1, "warmupSteps": 1, "minSteps": 1, "maxSteps": 2}
        run = WorkingPass(seconds_per_sample=0.001)
        m = torch_peer.measure_pass("infer", run, 1000, 16, {**BUDGET, "slowStepSeconds": 0.005, "slow": slow})
        self.assertEqual(len(m["runs"]), 1)
        self.assertLessEqual(m["samples"], 2 * 16)


class ProtocolTest(unittest.TestCase):
    def test_the_answer_follows_the_marker_on_a_line_of_its_own(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "train-images-idx3-ubyte"), "wb") as f:
                f.write(idx_bytes([1, 28, 28], [0] * 784))
            out = io.StringIO()
            with redirect_stdout(out):
                # No labels file: the data check fails before torch is needed, and says which file.
                with self.assertRaisesRegex(FileNotFoundError, "train-labels"):
                    torch_peer.main([json.dumps({"target": {"backend": "torch-peer", "mode": "eager"}, "trainBatches": [32], "inferBatches": [], "budget": BUDGET, "dataDir": d})])
            self.assertEqual(out.getvalue(), "")
        self.assertEqual(torch_peer.main(["a", "b"]), 2)


if __name__ == "__main__":
    sys.exit(unittest.main())
