"""ctypes bindings of libcredence_c.so (Sources/CredenceC/include/credence.h).

The library is the one bundled in ``credence/_lib`` by ``pip install``, or the file named by
the environment variable ``CREDENCE_LIBRARY`` (a development build:
``.build/release/libcredence_c.so``).
"""
from __future__ import annotations

import ctypes
import os
import threading
from ctypes import POINTER, c_char_p, c_double, c_int32, c_int64, c_size_t, c_uint64, c_void_p
from pathlib import Path

from .errors import error_for

ERROR_CAPACITY = 16384


def _library_path() -> str:
    given = os.environ.get("CREDENCE_LIBRARY")
    if given:
        return given
    bundled = Path(__file__).resolve().parent / "_lib" / "libcredence_c.so"
    if bundled.exists():
        return str(bundled)
    raise ImportError("credence: libcredence_c.so is not bundled with this installation; "
                      "reinstall with `pip install ./python` from the Credence repository, "
                      "or set CREDENCE_LIBRARY=/path/to/libcredence_c.so")


lib = ctypes.CDLL(_library_path())

_ERR = (ctypes.c_char_p, c_size_t)
_OUT = POINTER(c_void_p)

# name: (restype, argtypes); every status-returning call ends with (char *err, size_t cap).
_SIGNATURES = {
    "credence_version": (c_char_p, []),
    "credence_result_text": (c_void_p, [c_void_p, POINTER(c_size_t)]),
    "credence_result_free": (None, [c_void_p]),
    "credence_network_load": (c_int32, [c_char_p, _OUT, *_ERR]),
    "credence_network_parse": (c_int32, [c_char_p, c_char_p, _OUT, *_ERR]),
    "credence_network_save": (c_int32, [c_void_p, c_char_p, *_ERR]),
    "credence_network_text": (c_int32, [c_void_p, c_char_p, _OUT, *_ERR]),
    "credence_network_describe": (c_int32, [c_void_p, _OUT, *_ERR]),
    "credence_network_edit": (c_int32, [c_void_p, c_char_p, _OUT, *_ERR]),
    "credence_network_equal": (c_int32, [c_void_p, c_void_p]),
    "credence_network_free": (None, [c_void_p]),
    "credence_query": (c_int32, [c_void_p, c_char_p, c_char_p, c_void_p, c_size_t, c_void_p, *_ERR]),
    # the findings of credence_query_indexed are int32 pairs; c_char_p passes a bytes object
    # of them without a copy (credence.network packs each pair once per network)
    "credence_query_indexed": (c_int32, [c_void_p, c_int32, c_char_p, c_size_t, c_void_p, c_size_t, *_ERR]),
    "credence_query_json": (c_int32, [c_void_p, c_char_p, c_char_p, _OUT, *_ERR]),
    "credence_query_all": (c_int32, [c_void_p, c_char_p, c_void_p, c_size_t, c_void_p, *_ERR]),
    "credence_probability": (c_int32, [c_void_p, c_char_p, POINTER(c_double), POINTER(c_double), *_ERR]),
    "credence_mpe": (c_int32, [c_void_p, c_char_p, c_char_p, _OUT, *_ERR]),
    "credence_explain": (c_int32, [c_void_p, c_char_p, c_char_p, c_char_p, c_int32, _OUT, *_ERR]),
    "credence_render_svg": (c_int32, [c_void_p, c_char_p, c_char_p, _OUT, *_ERR]),
    "credence_sample": (c_int32, [c_void_p, c_int64, c_uint64, c_double, c_void_p, c_size_t, *_ERR]),
    "credence_table_new": (c_void_p, [c_int64]),
    "credence_table_add_categories": (c_int32, [c_void_p, c_char_p, c_void_p, c_char_p, c_int64, *_ERR]),
    "credence_table_add_numbers": (c_int32, [c_void_p, c_char_p, c_void_p, *_ERR]),
    "credence_table_add_states": (c_int32, [c_void_p, c_char_p, c_void_p, *_ERR]),
    "credence_table_free": (None, [c_void_p]),
    "credence_score": (c_int32, [c_void_p, c_void_p, c_char_p, c_int32, c_void_p, c_size_t, _OUT, *_ERR]),
    "credence_fit": (c_int32, [c_void_p, c_void_p, c_char_p, _OUT, _OUT, *_ERR]),
    "credence_learn": (c_int32, [c_void_p, c_char_p, _OUT, _OUT, *_ERR]),
    "credence_evaluate": (c_int32, [c_void_p, c_void_p, c_char_p, c_int32, c_uint64, _OUT, *_ERR]),
    "credence_table_set_weights": (c_int32, [c_void_p, c_void_p, *_ERR]),
    "credence_table_codes": (c_int32, [c_void_p, c_void_p, c_void_p, c_size_t, *_ERR]),
    "credence_family_count_length": (c_int64, [c_void_p]),
    "credence_set_threads": (c_int32, [c_int32]),
    "credence_family_counts": (c_int32, [c_void_p, c_void_p, c_void_p, c_size_t, *_ERR]),
    "credence_expected_counts": (c_int32, [c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, *_ERR]),
    "credence_estimate": (c_int32, [c_void_p, c_void_p, c_size_t, c_char_p, _OUT, *_ERR]),
    "credence_predict": (c_int32, [c_void_p, c_void_p, c_char_p, c_void_p, c_size_t, *_ERR]),
    "credence_session_new": (c_int32, [c_void_p, _OUT, *_ERR]),
    "credence_session_run": (c_int32, [c_void_p, c_char_p, _OUT, *_ERR]),
    "credence_session_network": (c_int32, [c_void_p, _OUT, *_ERR]),
    "credence_session_findings": (c_int32, [c_void_p, _OUT, *_ERR]),
    "credence_session_undo": (c_int32, [c_void_p, c_int32]),
    "credence_session_free": (None, [c_void_p]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

_local = threading.local()


def error_buffer() -> ctypes.Array:
    """This thread's error buffer (calls on one thread never overlap)."""
    buf = getattr(_local, "err", None)
    if buf is None:
        buf = _local.err = ctypes.create_string_buffer(ERROR_CAPACITY)
    return buf


def check(status: int, err: ctypes.Array) -> None:
    """Raises the CredenceError of a failed call."""
    if status != 0:
        raise error_for(status, err.value.decode("utf-8", "replace"))


def call(name: str, *args) -> None:
    """Calls a status-returning function with this thread's error buffer; raises on failure."""
    err = error_buffer()
    check(getattr(lib, name)(*args, err, ERROR_CAPACITY), err)


def take_text(result: int | None) -> str:
    """The text of a credence_result, which is freed."""
    if not result:
        return ""
    try:
        n = c_size_t()
        p = lib.credence_result_text(result, ctypes.byref(n))
        return ctypes.string_at(p, n.value).decode("utf-8")
    finally:
        lib.credence_result_free(result)


def version() -> str:
    """The C library's version."""
    return lib.credence_version().decode()
