//! The on-disk code cache (`Config::cache`): a module compiled once is
//! loaded from the cache by later engines with the same settings; bad
//! entries are never run; the directory stays within its size limit.

use std::path::{Path, PathBuf};
use wasi_rt::*;

const ADD: &str = r#"(module
  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "middle") (param i32) (result i32) (call $leaf (i32.mul (local.get 0) (i32.const 2))))
  (func (export "seven") (result i32) (i32.const 7))
  (func (export "trap") (result i32) (unreachable)))"#;

/// A fresh cache directory for one test, removed when it ends.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cache_dir(test: &str) -> TempDir {
    let d = std::env::temp_dir().join(format!("wasi-rt-cache-test-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    TempDir(d)
}

fn engine_with(dir: &Path, tweak: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config {
        cache: Some(CacheConfig {
            directory: Some(dir.to_path_buf()),
            max_size: 1 << 30,
        }),
        lazy_compilation: false,
        ..Config::default()
    };
    tweak(&mut config);
    Engine::new(&config).unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn call_i32(engine: &Engine, module: &Module, name: &str, args: &[Val]) -> Result<i32> {
    let mut store = Store::new(engine);
    let instance = Instance::new(&mut store, module, &[])?;
    let f = instance.get_func(&store, name).unwrap();
    let mut out = [Val::I32(0)];
    f.call(&mut store, args, &mut out)?;
    Ok(out[0].i32().unwrap())
}

#[test]
fn a_later_engine_loads_the_module_from_the_cache() {
    let dir = cache_dir("later");
    let first = Module::new(&engine_with(&dir, |_| {}), ADD).unwrap();
    assert!(!first.loaded_from_cache());
    assert_eq!(entries(&dir).len(), 1, "one entry written");
    let engine = engine_with(&dir, |_| {});
    let again = Module::new(&engine, ADD).unwrap();
    assert!(again.loaded_from_cache());
    assert_eq!(call_i32(&engine, &again, "middle", &[Val::I32(20)]).unwrap(), 41);
    let err = call_i32(&engine, &again, "trap", &[]).unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::Unreachable));
}

#[test]
fn a_corrupt_entry_is_ignored_and_replaced() {
    let dir = cache_dir("corrupt");
    Module::new(&engine_with(&dir, |_| {}), ADD).unwrap();
    let entry = entries(&dir).remove(0);
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&entry, &bytes).unwrap();
    let engine = engine_with(&dir, |_| {});
    let m = Module::new(&engine, ADD).unwrap();
    assert!(!m.loaded_from_cache(), "a corrupt entry is not run");
    assert_eq!(call_i32(&engine, &m, "seven", &[]).unwrap(), 7);
    assert!(Module::new(&engine, ADD).unwrap().loaded_from_cache(), "and it was replaced");
}

#[test]
fn a_truncated_entry_is_ignored_and_replaced() {
    let dir = cache_dir("truncated");
    Module::new(&engine_with(&dir, |_| {}), ADD).unwrap();
    let entry = entries(&dir).remove(0);
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..bytes.len() / 3]).unwrap();
    let engine = engine_with(&dir, |_| {});
    assert!(!Module::new(&engine, ADD).unwrap().loaded_from_cache());
    assert_eq!(std::fs::read(&entry).unwrap().len(), bytes.len());
}

#[test]
fn an_entry_of_another_module_in_this_modules_place_is_not_run() {
    let dir = cache_dir("foreign");
    let other = r#"(module (func (export "seven") (result i32) (i32.const 1000)))"#;
    let engine = engine_with(&dir, |_| {});
    Module::new(&engine, other).unwrap();
    let foreign = entries(&dir).remove(0);
    Module::new(&engine, ADD).unwrap();
    let mine = entries(&dir).into_iter().find(|p| *p != foreign).unwrap();
    std::fs::copy(&foreign, &mine).unwrap();
    let m = Module::new(&engine, ADD).unwrap();
    assert!(!m.loaded_from_cache());
    assert_eq!(call_i32(&engine, &m, "seven", &[]).unwrap(), 7);
}

#[test]
fn engines_with_other_settings_keep_separate_entries() {
    let dir = cache_dir("settings");
    Module::new(&engine_with(&dir, |_| {}), ADD).unwrap();
    let epoch = engine_with(&dir, |c| c.epoch_interruption = true);
    assert!(!Module::new(&epoch, ADD).unwrap().loaded_from_cache());
    assert_eq!(entries(&dir).len(), 2);
    assert!(Module::new(&epoch, ADD).unwrap().loaded_from_cache());
}

#[test]
fn writers_racing_for_one_entry_never_leave_a_torn_file() {
    let dir = cache_dir("race");
    let start = std::sync::Barrier::new(8);
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let engine = engine_with(&dir, |_| {});
                start.wait();
                let m = Module::new(&engine, ADD).unwrap();
                assert_eq!(call_i32(&engine, &m, "middle", &[Val::I32(1)]).unwrap(), 3);
            });
        }
    });
    let files = entries(&dir);
    assert_eq!(files.len(), 1, "one entry and no temporary files: {files:?}");
    assert!(Module::new(&engine_with(&dir, |_| {}), ADD).unwrap().loaded_from_cache());
}

#[test]
fn the_least_recently_used_entries_go_when_the_cache_is_full() {
    let dir = cache_dir("lru");
    let module = |n: i32| format!("(module (func (export \"f\") (result i32) (i32.const {n})))");
    let one = {
        Module::new(&engine_with(&dir, |_| {}), module(0)).unwrap();
        std::fs::metadata(&entries(&dir)[0]).unwrap().len()
    };
    std::fs::remove_dir_all(&*dir).unwrap();
    // Room for two entries and a half.
    let engine = engine_with(&dir, |c| c.cache.as_mut().unwrap().max_size = one * 5 / 2);
    for n in 0..3 {
        Module::new(&engine, module(n)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        if n == 1 {
            // Using entry 0 again makes entry 1 the least recently used.
            assert!(Module::new(&engine, module(0)).unwrap().loaded_from_cache());
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    assert_eq!(entries(&dir).len(), 2);
    assert!(Module::new(&engine, module(0)).unwrap().loaded_from_cache());
    assert!(Module::new(&engine, module(2)).unwrap().loaded_from_cache());
    assert!(!Module::new(&engine, module(1)).unwrap().loaded_from_cache(), "entry 1 was evicted");
}

#[test]
fn stats_count_the_entries_and_clear_removes_them() {
    let dir = cache_dir("stats");
    let config = CacheConfig {
        directory: Some(dir.to_path_buf()),
        max_size: 1 << 30,
    };
    let engine = engine_with(&dir, |_| {});
    Module::new(&engine, ADD).unwrap();
    Module::new(&engine, "(module (func (export \"g\")))").unwrap();
    let stats = wasi_rt::module::cache::stats(&config).unwrap();
    assert_eq!(stats.entries, 2);
    assert!(stats.bytes > 0);
    assert_eq!(wasi_rt::module::cache::clear(&config).unwrap(), 2);
    assert_eq!(wasi_rt::module::cache::stats(&config).unwrap().entries, 0);
}

#[cfg(target_arch = "x86_64")]
#[test]
fn a_lazily_compiled_module_saves_what_it_compiled_for_the_next_load() {
    let dir = cache_dir("lazy");
    let lazy = |dir: &Path| {
        engine_with(dir, |c| {
            c.lazy_compilation = true;
            c.background_compilation = false;
        })
    };
    let engine = lazy(&dir);
    let m = Module::new(&engine, ADD).unwrap();
    assert_eq!(m.compiled_functions(), (0, 4));
    assert!(!m.update_cache().unwrap(), "nothing compiled: nothing to save");
    assert_eq!(call_i32(&engine, &m, "middle", &[Val::I32(3)]).unwrap(), 7);
    assert!(m.update_cache().unwrap());
    assert!(!m.update_cache().unwrap(), "saved already");

    let engine = lazy(&dir);
    let m = Module::new(&engine, ADD).unwrap();
    assert!(m.loaded_from_cache());
    assert_eq!(m.compiled_functions(), (2, 4), "middle and leaf came from the cache");
    assert_eq!(call_i32(&engine, &m, "middle", &[Val::I32(3)]).unwrap(), 7);
    assert_eq!(m.compiled_functions(), (2, 4));
    let err = call_i32(&engine, &m, "trap", &[]).unwrap_err();
    assert_eq!(err.as_trap().and_then(|t| t.code()), Some(TrapCode::Unreachable));
    assert!(m.update_cache().unwrap(), "trap was compiled: saved");

    // An engine that compiles at once also loads the partial entry (the
    // functions missing from it are compiled on first call).
    let engine = engine_with(&dir, |c| c.background_compilation = false);
    let m = Module::new(&engine, ADD).unwrap();
    assert!(m.loaded_from_cache());
    assert_eq!(m.compiled_functions(), (3, 4));
    assert_eq!(call_i32(&engine, &m, "seven", &[]).unwrap(), 7);
}

#[cfg(target_arch = "x86_64")]
#[test]
fn a_lazily_compiled_module_saves_itself_once_every_function_has_code() {
    let dir = cache_dir("complete");
    let engine = engine_with(&dir, |c| {
        c.lazy_compilation = true;
        c.background_compilation = false;
    });
    let m = Module::new(&engine, ADD).unwrap();
    assert!(entries(&dir).is_empty(), "nothing compiled, nothing saved");
    m.compile_all().unwrap();
    assert!(!m.update_cache().unwrap(), "saved already, when the last function got its code");
    let again = Module::new(&engine_with(&dir, |_| {}), ADD).unwrap();
    assert!(again.loaded_from_cache());
    assert_eq!(again.compiled_functions(), (4, 4));
}
