"""Figures drawn by the chapters, one module per topic.

Plots use English or numeric labels only (Colab and the build machine have no
Korean font); the Korean explanation lives in the chapter's markdown.
"""
