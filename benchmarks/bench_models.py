"""Quality of the pretrained models of chapters 5-7, and each chapter's wall time.

For every model of ``course_utils.pretrained``, on the held-out test split of
``course_utils.data.load_mnist`` (offline: the 1,000 test images of the fixed
split; no model saw them in training):

- digit classifier: its accuracy on the real test images (target >= 97%);
- autoencoders: the classifier's accuracy on the reconstructions (target >= 90%)
  and the binary cross-entropy per pixel (the Keras blog reports 0.094 for its
  conv autoencoder trained on all 60,000 MNIST images);
- the denoising autoencoder: the same on test inputs with Gaussian noise of the
  recorded factor (target >= 85%), next to the classifier's accuracy on the
  noisy inputs themselves;
- generator (``ch06_generator``, the book's final, conditional one): of 1,000
  samples from seeded noise, the share the classifier reads with probability
  >= 0.9 (target >= 80%), the number of digits among those (target 10) and the
  largest digit's share of them (target <= 20%); the same figures for
  ``ch06_dcgan``, the chapter's DCGAN, for comparison.

Then it executes chapters 5, 6 and 7 with nbclient as the book build does
(offline data, default settings) and prints each one's wall time (target < 60 s).

Run:  COURSE_OFFLINE_DATA=1 python -m benchmarks.bench_models   [--no-chapters]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ["ch05_transposed_conv_autoencoder", "ch06_gan", "ch07_autoencoders"]
KERAS_BLOG_BCE = 0.094
GENERATOR_SAMPLES, GENERATOR_SEED = 1000, 2026
NOISE_SEED = 7


def status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def bce(target, output) -> float:
    """Binary cross-entropy per pixel, as Keras computes it (outputs clipped to [1e-7, 1 - 1e-7])."""
    p = np.clip(output, 1e-7, 1 - 1e-7)
    return float(np.mean(-(target * np.log(p) + (1 - target) * np.log(1 - p))))


def bench_models() -> list:
    from course_utils import pretrained
    from course_utils.data import load_mnist, to_unit_interval

    _, (x_test_raw, y_test) = load_mnist(verbose=False)
    x_test = to_unit_interval(x_test_raw)
    classifier = pretrained.load("digit_classifier")

    def read_acc(images):
        probs = classifier.predict(images.reshape(-1, 28, 28, 1), verbose=0, batch_size=250)
        return float((probs.argmax(axis=1) == y_test).mean())

    failures = []
    acc = read_acc(x_test)
    print(f"test split: {len(x_test)} images")
    print(f"{'digit_classifier':20s} accuracy on the real test images {acc:6.1%}   target >= 97%  {status(acc >= 0.97)}")
    failures += [] if acc >= 0.97 else ["digit_classifier"]
    print()
    print(f"{'autoencoder':20s} {'read right':>10s} {'BCE':>7s}  (Keras blog conv AE, 60,000 images: {KERAS_BLOG_BCE})")
    for name in pretrained.names():
        meta = pretrained.info(name)
        if meta["kind"] != "autoencoder":
            continue
        model = pretrained.load(name)
        flat = model.input_shape[-1] == 784
        inputs = x_test.reshape(len(x_test), -1) if flat else x_test
        target = 0.85 if "noise" in meta else 0.90
        if "noise" in meta:
            noisy_inputs = pretrained.add_noise(inputs, meta["noise"], seed=NOISE_SEED)
            out = model.predict(noisy_inputs, verbose=0, batch_size=250)
            acc, loss = read_acc(out), bce(inputs, out)
            print(f"{name:20s} {acc:10.1%} {loss:7.4f}  noise {meta['noise']}: classifier on the noisy inputs "
                  f"{read_acc(noisy_inputs):.1%}; target >= {target:.0%}  {status(acc >= target)}")
        else:
            out = model.predict(inputs, verbose=0, batch_size=250)
            acc, loss = read_acc(out), bce(inputs, out)
            print(f"{name:20s} {acc:10.1%} {loss:7.4f}  target >= {target:.0%}  {status(acc >= target)}")
        if acc < target:
            failures.append(name)
    print()
    for name in ("ch06_generator", "ch06_dcgan"):
        quality = pretrained.generator_census(pretrained.load(name), seed=GENERATOR_SEED, samples=GENERATOR_SAMPLES,
                                              classifier=classifier)
        ok = quality["confident"] >= 0.8 and quality["digits"] == 10 and quality["largest_share"] <= 0.2
        # the targets are the book's final generator's; ch06_dcgan (the chapter's DCGAN) is printed for comparison
        verdict = status(ok) if name == "ch06_generator" else "(reference, no target)"
        print(f"{name}: of {GENERATOR_SAMPLES} samples (seed {GENERATOR_SEED}) {quality['confident']:.1%} read with "
              f"p >= 0.9 (target >= 80%); digits among them {quality['digits']} (target 10); largest digit's share "
              f"{quality['largest_share']:.1%} (target <= 20%)  {verdict}")
        print(f"  confident samples per digit 0-9: {quality['counts']}")
        if name == "ch06_generator" and not ok:
            failures.append(name)
    return failures


def bench_chapters() -> list:
    import nbformat
    from nbclient import NotebookClient

    from tools.notebooks import chapter_notebook

    failures = []
    env = dict(os.environ, COURSE_OFFLINE_DATA="1", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("COURSE_QUICK", None)
    print()
    print(f"chapter wall time (nbclient, offline data, default settings; {os.cpu_count()} CPU cores)")
    for chapter in CHAPTERS:
        path = chapter_notebook(chapter)
        nb = nbformat.read(path, as_version=4)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            start = time.perf_counter()
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            seconds = time.perf_counter() - start
        finally:
            os.environ.clear()
            os.environ.update(saved)
        print(f"{chapter:36s} {seconds:6.1f} s   target < 60 s  {status(seconds < 60)}")
        if seconds >= 60:
            failures.append(chapter)
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-chapters", action="store_true", help="skip executing the chapters")
    args = parser.parse_args(argv)
    from course_utils.runtime import BOOK_ONEDNN, configure

    configure(log_level=2, onednn=BOOK_ONEDNN)  # before TensorFlow loads: the book's numerics
    failures = bench_models()
    if not args.no_chapters:
        failures += bench_chapters()
    print()
    print("all targets met" if not failures else f"targets missed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
