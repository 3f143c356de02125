//! Builds the small C helper that saves and restores the register state at
//! the host→Wasm boundary (sigsetjmp/siglongjmp cannot be written in Rust).
fn main() {
    println!("cargo:rerun-if-changed=src/runtime/sys/unwind.c");
    cc::Build::new()
        .file("src/runtime/sys/unwind.c")
        .opt_level(2)
        .compile("wasi_rt_unwind");
}
