#!/usr/bin/python3
"""The PyTorch peer of the reference configuration, for side-by-side throughput runs (benchmarks/training/routes.sh).

Fashion-MNIST from an MNIST-family IDX folder, pixels /255 (not binarised); encoder 784-400 ReLU -> (mu, logvar) 20 each,
decoder 20-400 ReLU -784 (logits); loss BCE-with-logits summed over pixels + closed-form KL; Adam lr 1e-3 (0.9 / 0.999 /
1e-8); batch 128, fresh shuffle per epoch; PyTorch's default Linear init; seed 1 (docs/benchmarks.md, the reference
configuration). Prints one JSON line: samples/s of each epoch (training steps only) and the test -ELBO of the last.
Needs Debian's python3-torch (PyTorch 1.13, its SGEMMs on oneDNN).
"""
import argparse
import gzip
import json
import os
import struct
import time

import torch
import torch.nn.functional as F
from torch import nn


def read_images(path, limit):
    with gzip.open(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise SystemExit(f"{path}: not an IDX image file (magic {magic}, expected 2051)")
        count = min(count, limit) if limit > 0 else count
        data = f.read(count * rows * cols)
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).view(count, rows * cols).float() / 255.0


class Vae(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 400)
        self.mu = nn.Linear(400, 20)
        self.logvar = nn.Linear(400, 20)
        self.decode1 = nn.Linear(20, 400)
        self.decode2 = nn.Linear(400, 784)

    def forward(self, x):
        h = F.relu(self.hidden(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode2(F.relu(self.decode1(z))), mu, logvar


def neg_elbo_sum(model, x):
    logits, mu, logvar = model(x)
    reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return reconstruction + kl


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist", help="MNIST-family IDX folder")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--train-rows", type=int, default=0, help="first N training images only (0 = all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    train = read_images(os.path.join(args.data, "train-images-idx3-ubyte.gz"), args.train_rows)
    test = read_images(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"), 0)
    model = Vae()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    rates = []
    for _ in range(args.epochs):
        order = torch.randperm(train.shape[0])
        start = time.perf_counter()
        for i in range(0, train.shape[0], args.batch):
            x = train[order[i:i + args.batch]]
            optimizer.zero_grad()
            loss = neg_elbo_sum(model, x) / x.shape[0]
            loss.backward()
            optimizer.step()
        rates.append(train.shape[0] / (time.perf_counter() - start))
    with torch.no_grad():
        test_neg_elbo = sum(neg_elbo_sum(model, test[i:i + 2000]).item() for i in range(0, test.shape[0], 2000)) / test.shape[0]
    print(json.dumps({"samples_per_s": rates, "test_neg_elbo": test_neg_elbo, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
