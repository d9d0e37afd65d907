"""Errors that commands report by message, importable without loading the stages that raise them."""


class RuleFileError(Exception):
    """A rule file is malformed. The message names the file, the rule and the key."""


__all__ = ["RuleFileError"]
