//! Building the benchmark kernels (`benches/build-kernels.sh`), shared by
//! the `kernels` and `calls` benchmarks.

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the kernels are built, relative to the repository.
const OUT: &str = "target/bench-kernels";

/// Builds the kernels (`.wasm` files and the native library) under the
/// repository `root` and returns their folder. With `only_if_missing`, a
/// folder holding every `NAME.wasm` of `names` is used as it is.
pub fn build(
    root: &Path,
    names: &[&str],
    only_if_missing: bool,
) -> Result<PathBuf, Box<dyn Error>> {
    let dir = root.join(OUT);
    if only_if_missing
        && names
            .iter()
            .all(|k| dir.join(format!("{k}.wasm")).is_file())
    {
        return Ok(dir);
    }
    let script = root.join("benches/build-kernels.sh");
    let status = Command::new("bash")
        .arg(&script)
        .arg(OUT)
        .current_dir(root)
        .status()
        .map_err(|e| format!("running {}: {e}", script.display()))?;
    if !status.success() {
        return Err(format!("{} failed ({status})", script.display()).into());
    }
    Ok(dir)
}
