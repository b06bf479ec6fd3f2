"""Train the chapter 6 DCGAN and write the generator checkpoint the chapter loads.

The GAN, its training loop and the data loader all come from ``course_utils``
(``course_utils.gan`` and ``course_utils.data``), so the weights written here
are exactly the ones the chapter's code can load.

Usage (from the repository root)::

    python tools/train_gan.py                      # defaults: 1200 steps, batch 16, seed 0, --data auto
    python tools/train_gan.py --steps 3 --batch-size 8 --data offline --output /tmp/gan

``--data auto`` uses real MNIST when Keras can load it (its cache or a
download) and otherwise the offline stand-in of ``course_utils.data`` (scikit-learn's
digits enlarged to 28x28); ``--data offline`` always uses the stand-in and
``--data mnist`` insists on real MNIST.  The data set actually used is recorded.

Outputs, in ``--output`` (default: ``src/course_utils/checkpoints``):

- ``gan_generator.weights.h5``: the generator's weights (``generator.save_weights``);
- ``gan_generator.json``: how they were made (data, steps, batch size, seed,
  elapsed seconds, final losses, Keras/TensorFlow/Python versions, date).

Everything is seeded (``keras.utils.set_random_seed`` for the initial weights,
the noise of each step and the batches): two runs of the same command on the
same machine and versions gave bit-for-bit identical weights
(tests/test_train_gan_script.py checks this on a short run).  ``--max-seconds``
stops early (the JSON then records the steps actually done), which makes the
result depend on the machine's speed.

The committed checkpoint was made with the defaults on a shared 2-core CPU
without internet (so on the offline digits): 1,200 steps of batch 16 in about
9 minutes.  Its JSON records the exact command and time.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "src" / "course_utils" / "checkpoints"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train the chapter 6 DCGAN and save the generator's weights.")
    parser.add_argument("--steps", type=int, default=1200, help="training steps (one discriminator + one generator update each)")
    parser.add_argument("--batch-size", type=int, default=16, help="real images per step (as many generated ones)")
    parser.add_argument("--seed", type=int, default=0, help="seed for weights, noise and batches")
    parser.add_argument("--data", choices=["auto", "offline", "mnist"], default="auto",
                        help="auto: MNIST if Keras can load it, else the offline digits")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the .weights.h5 and the .json")
    parser.add_argument("--max-seconds", type=float, default=None, help="stop after this many seconds of training")
    parser.add_argument("--log-every", type=int, default=50, help="print the losses every N steps")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.batch_size < 1:
        parser.error("--steps and --batch-size must be positive")
    return args


def load_images(choice: str):
    """Training images in [-1, 1] with a channel axis, and a description of the data used."""
    from course_utils.data import load_mnist, to_tanh_range

    if choice == "offline":
        (x_train, _), _ = load_mnist(offline=True, verbose=False)
        source = "offline digits (scikit-learn digits enlarged to 28x28; --data offline)"
    else:
        try:
            (x_train, _), _ = load_mnist(offline=False, verbose=False)
            source = "MNIST (keras.datasets.mnist)"
        except Exception as error:  # no network and no cache
            if choice == "mnist":
                raise SystemExit(f"MNIST could not be loaded: {type(error).__name__}: {error}")
            (x_train, _), _ = load_mnist(offline=True, verbose=False)
            source = (
                "offline digits (scikit-learn digits enlarged to 28x28; "
                f"MNIST could not be loaded: {type(error).__name__})"
            )
    return to_tanh_range(x_train), source


def main(argv=None) -> dict:
    args = parse_args(argv)
    import keras
    import tensorflow as tf

    from course_utils.gan import CHECKPOINT_INFO_NAME, CHECKPOINT_NAME, make_gan, train

    images, source = load_images(args.data)
    print(f"data: {source}: {len(images):,} training images {images.shape[1:]}", flush=True)

    keras.utils.set_random_seed(args.seed)
    gan = make_gan(seed=args.seed)

    start = time.perf_counter()
    state = {"steps": 0}

    class _Stop(Exception):
        pass

    def on_step(step, logs):
        state["steps"] = step
        if step == 1 or step % args.log_every == 0 or step == args.steps:
            print(f"step {step:5d}/{args.steps}  d_loss {float(logs['d_loss']):.4f}  "
                  f"g_loss {float(logs['g_loss']):.4f}  elapsed {time.perf_counter() - start:7.1f} s", flush=True)
        if args.max_seconds is not None and time.perf_counter() - start > args.max_seconds and step < args.steps:
            print(f"stopping after {step} steps: --max-seconds {args.max_seconds:g} reached", flush=True)
            raise _Stop

    history = {"d_loss": [], "g_loss": []}

    def record(step, logs):
        history["d_loss"].append(float(logs["d_loss"]))
        history["g_loss"].append(float(logs["g_loss"]))
        on_step(step, logs)

    try:
        train(gan, images, args.steps, batch_size=args.batch_size, seed=args.seed, on_step=record)
    except _Stop:
        pass
    elapsed = time.perf_counter() - start

    args.output.mkdir(parents=True, exist_ok=True)
    weights_path = args.output / CHECKPOINT_NAME
    gan.generator.save_weights(weights_path)
    info = {
        "model": "course_utils.gan.build_generator (chapter 6 DCGAN generator, latent_dim=100)",
        "data": source,
        "training_images": int(len(images)),
        "steps": int(state["steps"]),
        "steps_requested": int(args.steps),
        "batch_size": int(args.batch_size),
        "seed": int(args.seed),
        "optimizer": "Adam(learning_rate=2e-4, beta_1=0.5) for each network",
        "elapsed_seconds": round(elapsed, 1),
        "final_d_loss": round(history["d_loss"][-1], 4),
        "final_g_loss": round(history["g_loss"][-1], 4),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "python_version": platform.python_version(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"),
        "command": "python tools/train_gan.py " + " ".join(sys.argv[1:] if argv is None else argv),
    }
    info_path = args.output / CHECKPOINT_INFO_NAME
    info_path.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    size_mb = weights_path.stat().st_size / 1e6
    print(f"trained {info['steps']} steps in {elapsed:.1f} s; wrote {weights_path} ({size_mb:.2f} MB) and {info_path}")
    return info


if __name__ == "__main__":
    main()
