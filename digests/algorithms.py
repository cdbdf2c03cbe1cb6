"""The summarizers' names, importable without loading sumy (the command line lists them)."""

DEFAULT_ALGORITHM = "newsbot"
SUMY_ALGORITHM_NAMES = ("lexrank", "textrank", "lsa", "luhn", "edmundson", "sumbasic", "kl", "reduction", "random")
ALGORITHMS: tuple[str, ...] = (DEFAULT_ALGORITHM, *SUMY_ALGORITHM_NAMES)
