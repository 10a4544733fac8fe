"""The Arrow compute kernels the validator uses, called by name.

`import pyarrow.compute` builds a Python wrapper with a docstring for each of Arrow's ~400
kernels (about 20–30 ms of a validation that takes half a second in a fresh process). The same
kernels are reachable through `call_function` of the compiled module it wraps, which loads
without that. The functions here mirror `pyarrow.compute`'s of the same name.
"""

from __future__ import annotations

from typing import Any

try:
    import pyarrow._compute as _arrow
except ImportError:  # pragma: no cover - a pyarrow that moved its compiled module
    import pyarrow.compute as _arrow  # type: ignore[no-redef]

call_function = _arrow.call_function


def _plain(name: str) -> Any:
    def kernel(*args: Any) -> Any:
        return call_function(name, list(args))
    kernel.__name__ = name
    return kernel


and_kleene = _plain("and_kleene")
or_kleene = _plain("or_kleene")
is_valid = _plain("is_valid")
is_null = _plain("is_null")
if_else = _plain("if_else")
less_equal = _plain("less_equal")
unique = _plain("unique")
utf8_length = _plain("utf8_length")


def dictionary_encode(values: Any, null_encoding: str = "mask") -> Any:
    return call_function("dictionary_encode", [values],
                         _arrow.DictionaryEncodeOptions(null_encoding))


def is_in(values: Any, value_set: Any) -> Any:
    return call_function("is_in", [values], _arrow.SetLookupOptions(value_set))


def match_substring(values: Any, pattern: str) -> Any:
    return call_function("match_substring", [values], _arrow.MatchSubstringOptions(pattern))


def match_substring_regex(values: Any, pattern: str) -> Any:
    return call_function("match_substring_regex", [values], _arrow.MatchSubstringOptions(pattern))


def count_substring_regex(values: Any, pattern: str) -> Any:
    return call_function("count_substring_regex", [values], _arrow.MatchSubstringOptions(pattern))


def starts_with(values: Any, pattern: str) -> Any:
    return call_function("starts_with", [values], _arrow.MatchSubstringOptions(pattern))


def replace_substring(values: Any, pattern: str, replacement: str) -> Any:
    return call_function("replace_substring", [values],
                         _arrow.ReplaceSubstringOptions(pattern, replacement))


def utf8_slice_codeunits(values: Any, start: int, stop: int) -> Any:
    return call_function("utf8_slice_codeunits", [values], _arrow.SliceOptions(start, stop))


def cast(values: Any, target_type: Any) -> Any:
    return call_function("cast", [values], _arrow.CastOptions.safe(target_type))


def take(values: Any, indices: Any) -> Any:
    return call_function("take", [values, indices])
