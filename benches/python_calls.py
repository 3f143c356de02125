"""Per-call overhead of Func.__call__ for add(i32, i32): the wasi_rt Python
package against wasmtime-py, measured in one run.

    target/venv/bin/python benches/python_calls.py

(needs `pip install ./python-bindings wasmtime` in that venv.)
"""

import timeit

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
N = 200_000


def best(stmt, setup_globals):
    return min(timeit.repeat(stmt, globals=setup_globals, number=N, repeat=5)) / N * 1e9


def main():
    import wasi_rt

    engine = wasi_rt.Engine()
    add = wasi_rt.Instance(wasi_rt.Store(engine), wasi_rt.Module(engine, ADD))["add"]
    assert add(1, 2) == 3
    ours = best("add(1, 2)", {"add": add})
    print(f"wasi_rt   Func.__call__ add(i32,i32): {ours:8.1f} ns per call")
    try:
        import wasmtime
    except ImportError:
        print("wasmtime-py not installed: pip install wasmtime")
        return
    store = wasmtime.Store()
    module = wasmtime.Module(store.engine, ADD)
    wt_add = wasmtime.Instance(store, module, []).exports(store)["add"]
    assert wt_add(store, 1, 2) == 3
    theirs = best("add(store, 1, 2)", {"add": wt_add, "store": store})
    print(f"wasmtime  Func.__call__ add(i32,i32): {theirs:8.1f} ns per call")
    print(f"ratio wasi_rt / wasmtime: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
