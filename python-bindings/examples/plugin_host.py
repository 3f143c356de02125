"""A plugin host: loads several plugins, each in a store of its own with a
memory budget, gives them a `log` host function, calls each plugin's
`on_event` hook with a time budget, and keeps going when one traps, runs
away, or asks for too much memory.

    python plugin_host.py
"""

import threading

import wasi_rt

PLUGINS = {
    "doubler": """(module (import "host" "log" (func $log (param i32)))
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0)) (i32.mul (local.get 0) (i32.const 2))))""",
    "divider": """(module (import "host" "log" (func $log (param i32)))
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0)) (i32.div_u (i32.const 100) (i32.sub (local.get 0) (i32.const 2)))))""",
    # Never returns on event 3.
    "spinner": """(module (import "host" "log" (func $log (param i32)))
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0))
          (if (i32.eq (local.get 0) (i32.const 3)) (then (loop $l (br $l))))
          (local.get 0)))""",
    # Asks for one more 64 KiB page per event: memory.grow gives -1 past its budget.
    "hoarder": """(module (import "host" "log" (func $log (param i32))) (memory 1)
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0)) (memory.grow (i32.const 1))))""",
}

MEMORY_BUDGET = 3 * 65536  # bytes of linear memory per plugin
TIME_BUDGET = 0.2  # seconds per call
TICK = 0.01  # the watchdog advances the epoch this often


def watchdog(engine, stop):
    while not stop.wait(TICK):
        engine.increment_epoch()


def main():
    engine = wasi_rt.Engine(epoch_interruption=True)
    logged = []
    plugins = {}
    for name, src in PLUGINS.items():
        store = wasi_rt.Store(engine)  # one store per plugin: its own budget
        store.limit_memory(MEMORY_BUDGET)
        linker = wasi_rt.Linker(store)
        linker.define_func("host", "log", wasi_rt.FuncType([wasi_rt.I32], []), logged.append)
        plugins[name] = (store, linker.instantiate(wasi_rt.Module(engine, src)))
    stop = threading.Event()
    ticker = threading.Thread(target=watchdog, args=(engine, stop))
    ticker.start()
    try:
        for event in (1, 2, 3):
            for name, (store, plugin) in plugins.items():
                store.set_epoch_deadline(int(TIME_BUDGET / TICK))
                try:
                    print(f"event {event}: {name} -> {plugin['on_event'](event)}")
                except wasi_rt.Trap as trap:
                    print(f"event {event}: {name} trapped: {trap.message}")
    finally:
        stop.set()
        ticker.join()
    print(f"host still running; {len(logged)} log calls")


if __name__ == "__main__":
    main()
