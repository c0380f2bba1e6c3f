"""The `textnn` command group and its error handling: a TextnnError (bad input, a missing
file) becomes a one-line message and exit status 2, never a traceback."""

from __future__ import annotations

import sys
import warnings

import click

from textnn.compile_cache import enable_compile_cache
from textnn.errors import DataWarning, TextnnError
from textnn.memory import keep_freed_memory


class _FriendlyErrors(click.Group):
    """A TextnnError becomes a one-line message and exit status 2, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TextnnError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A DataWarning as one `warning:` line on stderr; other warnings as Python shows them."""
    if issubclass(category, DataWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


@click.group(cls=_FriendlyErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textnn")
def main() -> None:
    """textnn: train, evaluate and explain neural text classifiers on word embeddings.

    \b
    Data come from the cache (TEXTNN_HOME), an offline mirror (TEXTNN_MIRROR) or the
    canonical download, in that order. Start with:
      textnn datasets            what is built in, and where each file would come from
      textnn datasets --stats    load them and show counts and token lengths
      textnn models              the model zoo
      textnn presets             the classic set-ups by name
      textnn train --preset d2l-textcnn-imdb --out runs/imdb
      textnn predict runs/imdb "A moving film."
      textnn explain runs/imdb "A moving film."   the words behind the decision
      textnn finetune runs/imdb --data uci_sentences --out runs/uci
      textnn vectors --data imdb --unlabeled --out imdb.txt   word vectors from your text
      textnn report runs/imdb    one HTML page: curves, metrics, mistakes, explanations

    \b
    On Linux the command keeps the memory XLA frees for reuse (faster steps; textnn/memory.py);
    TEXTNN_MALLOC=system leaves glibc's allocator at its defaults. Compiled programs are kept
    in TEXTNN_HOME/xla-cache and read back by later commands (textnn/compile_cache.py);
    TEXTNN_COMPILE_CACHE=off turns that off.
    """
    warnings.showwarning = _show_warning
    keep_freed_memory()  # before any JAX computation starts XLA's threads
    enable_compile_cache()  # before the first compile: JAX opens its cache once
