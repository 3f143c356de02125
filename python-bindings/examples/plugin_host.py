"""A plugin host: loads several plugins, gives them a `log` host function,
calls each plugin's `on_event` hook, and keeps going when one traps.

    python plugin_host.py
"""

import wasi_rt

PLUGINS = {
    "doubler": """(module (import "host" "log" (func $log (param i32)))
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0)) (i32.mul (local.get 0) (i32.const 2))))""",
    "divider": """(module (import "host" "log" (func $log (param i32)))
        (func (export "on_event") (param i32) (result i32)
          (call $log (local.get 0)) (i32.div_u (i32.const 100) (i32.sub (local.get 0) (i32.const 2)))))""",
}


def main():
    engine = wasi_rt.Engine()
    store = wasi_rt.Store(engine)
    linker = wasi_rt.Linker(store)
    logged = []
    linker.define_func("host", "log", wasi_rt.FuncType([wasi_rt.I32], []), logged.append)
    plugins = {name: linker.instantiate(wasi_rt.Module(engine, src)) for name, src in PLUGINS.items()}
    for event in (1, 2, 3):
        for name, plugin in plugins.items():
            try:
                print(f"event {event}: {name} -> {plugin['on_event'](event)}")
            except wasi_rt.Trap as trap:
                print(f"event {event}: {name} trapped: {trap.message}")
    print(f"host still running; {len(logged)} log calls")


if __name__ == "__main__":
    main()
