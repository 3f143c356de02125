//! Builds the small C helper that saves and restores the register state at
//! the host→Wasm boundary (sigsetjmp/siglongjmp cannot be written in Rust),
//! and sets how the C API's shared library is linked.
/// A hash of every source file under `src/` and of Cargo.lock: the build
/// identity that precompiled files and code cache entries carry, so code
/// made by another build of the compiler (even of the same version) is
/// never loaded.
fn build_id(dir: &std::path::Path) -> u64 {
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        let Ok(read) = std::fs::read_dir(dir) else { return };
        for e in read.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, files);
            } else {
                files.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&dir.join("src"), &mut files);
    files.push(dir.join("Cargo.lock"));
    files.sort();
    // FNV-1a, 64 bits: stable across Rust versions and runs.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for f in files {
        let name = f.strip_prefix(dir).unwrap_or(&f).to_string_lossy().into_owned();
        for b in name.bytes().chain(std::fs::read(&f).unwrap_or_default()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

fn main() {
    println!("cargo:rerun-if-changed=src/runtime/sys/unwind.c");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    println!("cargo:rustc-env=WASI_RT_BUILD_ID={:016x}", build_id(&root));
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
