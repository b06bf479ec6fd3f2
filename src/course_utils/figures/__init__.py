"""Figures drawn by the chapters, one module per topic (chapters 2-7).

- :mod:`course_utils.figures.boxes`: the two-step box model of chapter 2;
- :mod:`course_utils.figures.grids`: kernels, pooling and receptive fields on grids (chapters 3-4);
- :mod:`course_utils.figures.images`: image rows, loss curves, codes and small arrays (chapters 5-7).
- :mod:`course_utils.figures.diagnostics`: measurements drawn, e.g. the digit histograms of mode collapse (chapter 6).

The contract of every public figure function (checked by ``tests/package/test_figures.py``):

1. **Data first.** The positional parameters are what the figure shows (and their
   labels, as in ``show_image_rows(rows, row_titles)``); every option is keyword-only.
2. **One size keyword.** ``figsize=(width, height)`` in inches; ``None`` (the default)
   sizes the figure from its content.
3. **``ax=``** where the figure is a single Axes: given, the function draws into the
   caller's Axes and leaves the caller's figure as it is; ``None``, it makes its own
   figure.  Figures with several panels always make their own.
4. **Returns the** ``matplotlib.figure.Figure`` and never calls ``plt.show()``.  A
   figure the function made is closed in pyplot before it is returned, so Jupyter
   shows it exactly once: as the value of the cell's last line, or where the cell
   calls ``display(fig)`` (``display(show_codes(...))`` when more code follows).
5. **Korean labels** (English terms in parentheses where the chapter uses them): titles,
   axis labels, legends and annotations, drawn with the NanumGothic font that course_utils
   brings along (:mod:`course_utils.figures._font`, registered by ``setup_notebook()``), so
   Colab, which has no Korean font, shows no empty boxes.  The chapter's code cell that shows
   a figure carries its Korean alternative text in the cell metadata
   (``{"mystnb": {"image": {"alt": ...}}}``, see CONTRIBUTING).
"""
