"""ctypes declarations of the wasi-rt C ABI (include/wasm.h, include/wasi_rt.h)."""

import ctypes
import os
from ctypes import (
    POINTER,
    Structure,
    Union,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_float,
    c_int,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path


def _load() -> ctypes.CDLL:
    path = os.environ.get("WASI_RT_LIB") or str(Path(__file__).with_name("libwasi_rt.so"))
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(f"cannot load the wasi-rt library {path}: {e}") from e


lib = _load()


class ByteVec(Structure):
    _fields_ = [("size", c_size_t), ("data", POINTER(c_char))]

    def to_bytes(self) -> bytes:
        return ctypes.string_at(self.data, self.size) if self.size else b""



class ValUnion(Union):
    _fields_ = [("i32", c_int32), ("i64", c_int64), ("f32", c_float), ("f64", c_double), ("ref", c_void_p)]


class Val(Structure):
    _fields_ = [("kind", c_uint8), ("of", ValUnion)]


class ValVec(Structure):
    _fields_ = [("size", c_size_t), ("data", POINTER(Val))]


class PtrVec(Structure):
    """Any vector of object pointers (externs, value types, import/export types, frames)."""

    _fields_ = [("size", c_size_t), ("data", POINTER(c_void_p))]

    def items(self):
        return [self.data[i] for i in range(self.size)]


I32, I64, F32, F64, V128 = 0, 1, 2, 3, 4
EXTERNREF, FUNCREF, EXNREF, ANYREF = 128, 129, 130, 131
EXTERN_FUNC, EXTERN_GLOBAL, EXTERN_TABLE, EXTERN_MEMORY, EXTERN_TAG = 0, 1, 2, 3, 4


def _fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


engine_new = _fn("wasm_engine_new", c_void_p)
config_new = _fn("wasm_config_new", c_void_p)
config_delete = _fn("wasm_config_delete", None, c_void_p)
config_epoch_interruption = _fn("wasi_rt_engine_config_epoch_interruption", None, c_void_p, c_bool)
config_max_wasm_stack = _fn("wasi_rt_engine_config_max_wasm_stack", None, c_void_p, c_size_t)
config_wasm_feature = _fn("wasi_rt_engine_config_wasm_feature", c_bool, c_void_p, c_char_p, c_bool)
engine_new_with_config = _fn("wasm_engine_new_with_config", c_void_p, c_void_p)
engine_increment_epoch = _fn("wasi_rt_engine_increment_epoch", None, c_void_p)
store_set_epoch_deadline = _fn("wasi_rt_store_set_epoch_deadline", None, c_void_p, ctypes.c_uint64)
store_limit_memory = _fn("wasi_rt_store_limit_memory", None, c_void_p, ctypes.c_uint64)
engine_delete = _fn("wasm_engine_delete", None, c_void_p)
store_new = _fn("wasm_store_new", c_void_p, c_void_p)
store_delete = _fn("wasm_store_delete", None, c_void_p)
byte_vec_new = _fn("wasm_byte_vec_new", None, POINTER(ByteVec), c_size_t, c_char_p)
byte_vec_delete = _fn("wasm_byte_vec_delete", None, POINTER(ByteVec))
module_new = _fn("wasm_module_new", c_void_p, c_void_p, POINTER(ByteVec))
module_validate = _fn("wasm_module_validate", c_bool, c_void_p, POINTER(ByteVec))
module_delete = _fn("wasm_module_delete", None, c_void_p)
module_imports = _fn("wasm_module_imports", None, c_void_p, POINTER(PtrVec))
module_exports = _fn("wasm_module_exports", None, c_void_p, POINTER(PtrVec))
importtype_module = _fn("wasm_importtype_module", POINTER(ByteVec), c_void_p)
importtype_name = _fn("wasm_importtype_name", POINTER(ByteVec), c_void_p)
importtype_type = _fn("wasm_importtype_type", c_void_p, c_void_p)
importtype_vec_delete = _fn("wasm_importtype_vec_delete", None, POINTER(PtrVec))
exporttype_name = _fn("wasm_exporttype_name", POINTER(ByteVec), c_void_p)
exporttype_type = _fn("wasm_exporttype_type", c_void_p, c_void_p)
exporttype_vec_delete = _fn("wasm_exporttype_vec_delete", None, POINTER(PtrVec))
externtype_kind = _fn("wasm_externtype_kind", c_uint8, c_void_p)
instance_new = _fn("wasm_instance_new", c_void_p, c_void_p, c_void_p, POINTER(PtrVec), POINTER(c_void_p))
instance_delete = _fn("wasm_instance_delete", None, c_void_p)
instance_exports = _fn("wasm_instance_exports", None, c_void_p, POINTER(PtrVec))
extern_vec_delete = _fn("wasm_extern_vec_delete", None, POINTER(PtrVec))
extern_kind = _fn("wasm_extern_kind", c_uint8, c_void_p)
extern_copy = _fn("wasm_extern_copy", c_void_p, c_void_p)
extern_delete = _fn("wasm_extern_delete", None, c_void_p)
extern_type = _fn("wasm_extern_type", c_void_p, c_void_p)
externtype_delete = _fn("wasm_externtype_delete", None, c_void_p)
externtype_tag_params = _fn("wasi_rt_externtype_tag_params", POINTER(PtrVec), c_void_p)
tag_new = _fn("wasi_rt_tag_new", c_void_p, c_void_p, c_void_p)
extern_as_func = _fn("wasm_extern_as_func", c_void_p, c_void_p)
extern_as_memory = _fn("wasm_extern_as_memory", c_void_p, c_void_p)
extern_as_global = _fn("wasm_extern_as_global", c_void_p, c_void_p)
func_type = _fn("wasm_func_type", c_void_p, c_void_p)
func_call = _fn("wasm_func_call", c_void_p, c_void_p, POINTER(ValVec), POINTER(ValVec))
functype_params = _fn("wasm_functype_params", POINTER(PtrVec), c_void_p)
functype_results = _fn("wasm_functype_results", POINTER(PtrVec), c_void_p)
functype_delete = _fn("wasm_functype_delete", None, c_void_p)
valtype_kind = _fn("wasm_valtype_kind", c_uint8, c_void_p)
trap_message = _fn("wasm_trap_message", None, c_void_p, POINTER(ByteVec))
trap_trace = _fn("wasm_trap_trace", None, c_void_p, POINTER(PtrVec))
trap_delete = _fn("wasm_trap_delete", None, c_void_p)
frame_func_index = _fn("wasm_frame_func_index", c_uint32, c_void_p)
frame_vec_delete = _fn("wasm_frame_vec_delete", None, POINTER(PtrVec))
frame_func_name = _fn("wasi_rt_frame_func_name", c_bool, c_void_p, POINTER(ByteVec))
trap_code = _fn("wasi_rt_trap_code", c_bool, c_void_p, POINTER(c_uint8))
trap_exit_status = _fn("wasi_rt_trap_exit_status", c_bool, c_void_p, POINTER(c_int))
memory_data = _fn("wasm_memory_data", c_void_p, c_void_p)
memory_data_size = _fn("wasm_memory_data_size", c_size_t, c_void_p)
memory_size = _fn("wasm_memory_size", c_uint32, c_void_p)
memory_grow = _fn("wasm_memory_grow", c_bool, c_void_p, c_uint32)
sharedmemory_new = _fn("wasi_rt_sharedmemory_new", c_void_p, c_void_p, c_void_p, POINTER(c_void_p))
sharedmemory_delete = _fn("wasi_rt_sharedmemory_delete", None, c_void_p)
sharedmemory_size = _fn("wasi_rt_sharedmemory_size", c_uint64, c_void_p)
sharedmemory_data_size = _fn("wasi_rt_sharedmemory_data_size", c_size_t, c_void_p)
sharedmemory_data = _fn("wasi_rt_sharedmemory_data", c_void_p, c_void_p)
sharedmemory_grow = _fn("wasi_rt_sharedmemory_grow", c_bool, c_void_p, c_uint64, POINTER(c_uint64))
memory_sharedmemory = _fn("wasi_rt_memory_sharedmemory", c_void_p, c_void_p)
sharedmemory_to_memory = _fn("wasi_rt_sharedmemory_to_memory", c_void_p, c_void_p, c_void_p)
memory_size64 = _fn("wasi_rt_memory_size64", c_uint64, c_void_p)
memory_grow64 = _fn("wasi_rt_memory_grow64", c_bool, c_void_p, c_uint64, POINTER(c_uint64))
global_get = _fn("wasm_global_get", None, c_void_p, POINTER(Val))
global_set = _fn("wasm_global_set", None, c_void_p, POINTER(Val))
wasi_config_new = _fn("wasi_config_new", c_void_p)
wasi_config_delete = _fn("wasi_config_delete", None, c_void_p)
wasi_config_set_argv = _fn("wasi_config_set_argv", c_bool, c_void_p, c_size_t, POINTER(c_char_p))
wasi_config_set_env = _fn("wasi_config_set_env", c_bool, c_void_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p))
wasi_config_set_stdin_bytes = _fn("wasi_config_set_stdin_bytes", None, c_void_p, POINTER(ByteVec))
wasi_config_preopen_dir = _fn("wasi_config_preopen_dir", c_bool, c_void_p, c_char_p, c_char_p, c_bool)
capture_stdout = _fn("wasi_rt_config_capture_stdout", c_void_p, c_void_p)
capture_stderr = _fn("wasi_rt_config_capture_stderr", c_void_p, c_void_p)
output_contents = _fn("wasi_rt_output_contents", None, c_void_p, POINTER(ByteVec))
output_delete = _fn("wasi_rt_output_delete", None, c_void_p)
output_limit = _fn("wasi_rt_output_limit", None, c_void_p, c_size_t)
output_overflowed = _fn("wasi_rt_output_overflowed", c_bool, c_void_p)
linker_new = _fn("wasi_rt_linker_new", c_void_p, c_void_p)
linker_delete = _fn("wasi_rt_linker_delete", None, c_void_p)
linker_define_wasi = _fn("wasi_rt_linker_define_wasi", c_void_p, c_void_p, c_void_p)
linker_run = _fn("wasi_rt_linker_run", c_void_p, c_void_p, c_void_p, POINTER(c_int), POINTER(c_void_p))
error_message = _fn("wasi_rt_error_message", None, c_void_p, POINTER(ByteVec))
error_delete = _fn("wasi_rt_error_delete", None, c_void_p)


CALLBACK = ctypes.CFUNCTYPE(c_void_p, c_void_p, POINTER(ValVec), POINTER(ValVec))
FINALIZER = ctypes.CFUNCTYPE(None, c_void_p)
valtype_new = _fn("wasm_valtype_new", c_void_p, c_uint8)
valtype_vec_new = _fn("wasm_valtype_vec_new", None, POINTER(PtrVec), c_size_t, POINTER(c_void_p))
valtype_vec_new_empty = _fn("wasm_valtype_vec_new_empty", None, POINTER(PtrVec))
functype_new = _fn("wasm_functype_new", c_void_p, POINTER(PtrVec), POINTER(PtrVec))
func_new_with_env = _fn("wasm_func_new_with_env", c_void_p, c_void_p, c_void_p, CALLBACK, c_void_p, FINALIZER)
func_delete = _fn("wasm_func_delete", None, c_void_p)
func_as_extern = _fn("wasm_func_as_extern", c_void_p, c_void_p)
trap_new = _fn("wasm_trap_new", c_void_p, c_void_p, POINTER(ByteVec))
linker_define = _fn("wasi_rt_linker_define", c_void_p, c_void_p, c_char_p, c_char_p, c_void_p)
linker_instantiate = _fn("wasi_rt_linker_instantiate", c_void_p, c_void_p, c_void_p, POINTER(c_void_p), POINTER(c_void_p))


module_serialize = _fn("wasm_module_serialize", None, c_void_p, POINTER(ByteVec))
module_precompile = _fn("wasi_rt_module_precompile", c_void_p, c_void_p, POINTER(ByteVec), POINTER(ByteVec))
module_from_precompiled = _fn(
    "wasi_rt_module_from_precompiled", c_void_p, c_void_p, POINTER(ByteVec), POINTER(c_void_p)
)
module_deserialize = _fn("wasm_module_deserialize", c_void_p, c_void_p, POINTER(ByteVec))
module_new_checked = _fn("wasi_rt_module_new", c_void_p, c_void_p, POINTER(ByteVec), POINTER(c_void_p))


wasi_config_inherit_argv = _fn("wasi_config_inherit_argv", None, c_void_p)
wasi_config_inherit_env = _fn("wasi_config_inherit_env", None, c_void_p)
config_wasi_threads = _fn("wasi_rt_config_wasi_threads", None, c_void_p, c_bool)
wasi_config_inherit_stdin = _fn("wasi_config_inherit_stdin", None, c_void_p)
wasi_config_inherit_stdout = _fn("wasi_config_inherit_stdout", None, c_void_p)
wasi_config_inherit_stderr = _fn("wasi_config_inherit_stderr", None, c_void_p)
wasi_config_set_stdin_file = _fn("wasi_config_set_stdin_file", c_bool, c_void_p, c_char_p)
wasi_config_set_stdout_file = _fn("wasi_config_set_stdout_file", c_bool, c_void_p, c_char_p)
wasi_config_set_stderr_file = _fn("wasi_config_set_stderr_file", c_bool, c_void_p, c_char_p)
extern_as_table = _fn("wasm_extern_as_table", c_void_p, c_void_p)
table_size = _fn("wasm_table_size", c_uint32, c_void_p)
table_grow = _fn("wasm_table_grow", c_bool, c_void_p, c_uint32, c_void_p)
table_size64 = _fn("wasi_rt_table_size64", c_uint64, c_void_p)
table_grow64 = _fn("wasi_rt_table_grow64", c_bool, c_void_p, c_uint64, c_void_p, POINTER(c_uint64))

table_get = _fn("wasm_table_get", c_void_p, c_void_p, c_uint32)
table_set = _fn("wasm_table_set", c_bool, c_void_p, c_uint32, c_void_p)
table_new = _fn("wasm_table_new", c_void_p, c_void_p, c_void_p, c_void_p)
table_type = _fn("wasm_table_type", c_void_p, c_void_p)
table_delete = _fn("wasm_table_delete", None, c_void_p)
table_as_extern = _fn("wasm_table_as_extern", c_void_p, c_void_p)
global_new = _fn("wasm_global_new", c_void_p, c_void_p, c_void_p, POINTER(Val))
global_type = _fn("wasm_global_type", c_void_p, c_void_p)
global_delete = _fn("wasm_global_delete", None, c_void_p)
global_as_extern = _fn("wasm_global_as_extern", c_void_p, c_void_p)
memory_new = _fn("wasm_memory_new", c_void_p, c_void_p, c_void_p)
memory_type = _fn("wasm_memory_type", c_void_p, c_void_p)
memory_delete = _fn("wasm_memory_delete", None, c_void_p)
memory_copy = _fn("wasm_memory_copy", c_void_p, c_void_p)
global_copy = _fn("wasm_global_copy", c_void_p, c_void_p)
table_copy = _fn("wasm_table_copy", c_void_p, c_void_p)
memory_as_extern = _fn("wasm_memory_as_extern", c_void_p, c_void_p)
val_delete = _fn("wasm_val_delete", None, POINTER(Val))
ref_delete = _fn("wasm_ref_delete", None, c_void_p)
ref_copy = _fn("wasm_ref_copy", c_void_p, c_void_p)
ref_as_func = _fn("wasm_ref_as_func", c_void_p, c_void_p)
ref_as_foreign = _fn("wasm_ref_as_foreign", c_void_p, c_void_p)
ref_get_host_info = _fn("wasm_ref_get_host_info", c_void_p, c_void_p)
func_as_ref = _fn("wasm_func_as_ref", c_void_p, c_void_p)
func_copy = _fn("wasm_func_copy", c_void_p, c_void_p)
foreign_new = _fn("wasm_foreign_new", c_void_p, c_void_p)
foreign_delete = _fn("wasm_foreign_delete", None, c_void_p)
foreign_as_ref = _fn("wasm_foreign_as_ref", c_void_p, c_void_p)
foreign_set_host_info = _fn("wasm_foreign_set_host_info", None, c_void_p, c_void_p)
valtype_delete = _fn("wasm_valtype_delete", None, c_void_p)
globaltype_new = _fn("wasm_globaltype_new", c_void_p, c_void_p, c_uint8)
globaltype_content = _fn("wasm_globaltype_content", c_void_p, c_void_p)
globaltype_mutability = _fn("wasm_globaltype_mutability", c_uint8, c_void_p)
globaltype_delete = _fn("wasm_globaltype_delete", None, c_void_p)
tabletype_element = _fn("wasm_tabletype_element", c_void_p, c_void_p)
tabletype_delete = _fn("wasm_tabletype_delete", None, c_void_p)
memorytype_new64 = _fn(
    "wasi_rt_memorytype_new", c_void_p, c_uint64, c_bool, c_uint64, c_bool, c_bool, c_uint8, POINTER(c_void_p)
)
memorytype_minimum = _fn("wasi_rt_memorytype_minimum", c_uint64, c_void_p)
memorytype_maximum = _fn("wasi_rt_memorytype_maximum", c_bool, c_void_p, POINTER(c_uint64))
memorytype_is64 = _fn("wasi_rt_memorytype_is64", c_bool, c_void_p)
memorytype_isshared = _fn("wasi_rt_memorytype_isshared", c_bool, c_void_p)
memorytype_page_size_log2 = _fn("wasi_rt_memorytype_page_size_log2", c_uint8, c_void_p)
tabletype_new64 = _fn("wasi_rt_tabletype_new", c_void_p, c_void_p, c_uint64, c_bool, c_uint64, c_bool, POINTER(c_void_p))
tabletype_minimum = _fn("wasi_rt_tabletype_minimum", c_uint64, c_void_p)
tabletype_maximum = _fn("wasi_rt_tabletype_maximum", c_bool, c_void_p, POINTER(c_uint64))
tabletype_is64 = _fn("wasi_rt_tabletype_is64", c_bool, c_void_p)
memorytype_delete = _fn("wasm_memorytype_delete", None, c_void_p)
externtype_as_functype = _fn("wasm_externtype_as_functype_const", c_void_p, c_void_p)
externtype_as_globaltype = _fn("wasm_externtype_as_globaltype_const", c_void_p, c_void_p)
externtype_as_tabletype = _fn("wasm_externtype_as_tabletype_const", c_void_p, c_void_p)
externtype_as_memorytype = _fn("wasm_externtype_as_memorytype_const", c_void_p, c_void_p)
linker_define_instance = _fn("wasi_rt_linker_define_instance", c_void_p, c_void_p, c_char_p, c_void_p)


def byte_vec(data: bytes) -> ByteVec:
    v = ByteVec()
    byte_vec_new(ctypes.byref(v), len(data), data)
    return v


def take_bytes(v: ByteVec) -> bytes:
    """The contents of an own byte vector, which is then deleted."""
    data = v.to_bytes()
    byte_vec_delete(ctypes.byref(v))
    return data


class FieldType(ctypes.Structure):
    """``wasi_rt_fieldtype_t``."""

    _fields_ = [("kind", c_uint8), ("packed", c_uint8), ("mutable", c_bool)]


class GcStats(ctypes.Structure):
    """``wasi_rt_gc_stats_t``."""

    _fields_ = [
        ("collections", c_uint64),
        ("allocated_objects", c_uint64),
        ("live_objects", c_uint64),
        ("live_bytes", c_uint64),
        ("heap_bytes", c_uint64),
    ]


config_gc_heap_limit = _fn("wasi_rt_engine_config_gc_heap_limit", None, c_void_p, c_uint64)
engine_register_struct = _fn(
    "wasi_rt_engine_register_struct", c_void_p, c_void_p, POINTER(FieldType), c_size_t, POINTER(c_uint32)
)
engine_register_array = _fn("wasi_rt_engine_register_array", c_void_p, c_void_p, POINTER(FieldType), POINTER(c_uint32))
struct_new = _fn("wasi_rt_struct_new", c_void_p, c_void_p, c_uint32, POINTER(Val), c_size_t, POINTER(c_void_p))
array_new = _fn("wasi_rt_array_new", c_void_p, c_void_p, c_uint32, POINTER(Val), c_uint32, POINTER(c_void_p))
i31_new = _fn("wasi_rt_i31_new", c_void_p, c_void_p, ctypes.c_int32)
ref_i31_get = _fn("wasi_rt_ref_i31_get", c_bool, c_void_p, c_bool, POINTER(ctypes.c_int32))
ref_is_struct = _fn("wasi_rt_ref_is_struct", c_bool, c_void_p)
ref_is_array = _fn("wasi_rt_ref_is_array", c_bool, c_void_p)
ref_gc_type = _fn("wasi_rt_ref_gc_type", c_bool, c_void_p, POINTER(c_uint32))
struct_get = _fn("wasi_rt_struct_get", c_void_p, c_void_p, c_uint32, POINTER(Val))
struct_set = _fn("wasi_rt_struct_set", c_void_p, c_void_p, c_uint32, POINTER(Val))
array_len = _fn("wasi_rt_array_len", c_void_p, c_void_p, POINTER(c_uint32))
array_get = _fn("wasi_rt_array_get", c_void_p, c_void_p, c_uint32, POINTER(Val))
array_set = _fn("wasi_rt_array_set", c_void_p, c_void_p, c_uint32, POINTER(Val))
store_gc = _fn("wasi_rt_store_gc", None, c_void_p)
store_gc_stats = _fn("wasi_rt_store_gc_stats", c_bool, c_void_p, POINTER(GcStats))
store_set_gc_heap_limit = _fn("wasi_rt_store_set_gc_heap_limit", c_void_p, c_void_p, c_uint64)
config_profiler = _fn("wasi_rt_engine_config_profiler", c_bool, c_void_p, ctypes.c_char_p)
config_lazy_compilation = _fn("wasi_rt_engine_config_lazy_compilation", None, c_void_p, c_bool, c_bool)
module_compiled_functions = _fn(
    "wasi_rt_module_compiled_functions", None, c_void_p, POINTER(c_size_t), POINTER(c_size_t)
)
module_compile_all = _fn("wasi_rt_module_compile_all", c_void_p, c_void_p)
config_cache = _fn("wasi_rt_engine_config_cache", c_bool, c_void_p, ctypes.c_char_p, c_uint64)
module_update_cache = _fn("wasi_rt_module_update_cache", c_void_p, c_void_p, POINTER(c_bool))
module_loaded_from_cache = _fn("wasi_rt_module_loaded_from_cache", c_bool, c_void_p)
