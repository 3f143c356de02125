//! Builds the small C helper that saves and restores the register state at
//! the host→Wasm boundary (sigsetjmp/siglongjmp cannot be written in Rust),
//! and sets how the C API's shared library is linked.
fn main() {
    println!("cargo:rerun-if-changed=src/runtime/sys/unwind.c");
    cc::Build::new()
        .file("src/runtime/sys/unwind.c")
        .opt_level(2)
        // Its `wasi_rt_*` functions are internal: hidden, so that libwasi_rt.so
        // never exports them (their names fit the `wasi_*` of the version script).
        .flag_if_supported("-fvisibility=hidden")
        .compile("wasi_rt_unwind");

    // libwasi_rt.so: a versioned SONAME (libwasi_rt.so.MAJOR; cmake/ installs
    // the library under that name) and only the C API's symbols exported.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(os.as_str(), "linux" | "android" | "freebsd") {
        let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
        println!("cargo:rerun-if-changed=cmake/wasi_rt.map");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwasi_rt.so.{major}");
        println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/cmake/wasi_rt.map");
    }
}
