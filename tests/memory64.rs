//! 64-bit memories and tables, and memories with 1-byte pages, through the
//! Rust API: addresses beyond 4 GiB trap instead of wrapping, sizes come
//! back as `i64`, growth is seen by code that cached the old length, and
//! imports must agree on the index type and page size.

use wasi_rt::*;

const MEM64: &str = r#"(module
  (memory (export "mem") i64 1 100)
  (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load_far") (param i64) (result i32)
    (i32.load offset=0xffffffff00000000 (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  ;; Sums the i32s in [0, n*4), growing the memory to fit first: the loop
  ;; runs with the length cached before the growth.
  (func (export "grow_then_sum") (param $n i64) (result i32)
    (local $i i64) (local $sum i32)
    (drop (i32.load (i64.const 0)))
    (drop (memory.grow (i64.const 1)))
    (i32.store (i64.const 65536) (i32.const 7))
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.load (i64.mul (local.get $i) (i64.const 4)))))
      (br_if $l (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1))) (local.get $n))))
    (local.get $sum)))"#;

struct Setup {
    store: Store,
    inst: Instance,
}

fn setup(wat: &str) -> Setup {
    let engine = Engine::default();
    let module = Module::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine);
    let inst = Instance::new(&mut store, &module, &[]).unwrap();
    Setup { store, inst }
}

fn call(s: &mut Setup, name: &str, args: &[Val]) -> Result<Vec<Val>, Error> {
    let f = s.inst.get_func(&s.store, name).unwrap();
    let mut out = vec![Val::I32(0); f.ty(&s.store).results().len()];
    f.call(&mut s.store, args, &mut out).map(|()| out)
}

fn trap_code(r: Result<Vec<Val>, Error>) -> Option<TrapCode> {
    r.unwrap_err().as_trap().and_then(|t| t.code())
}

#[test]
fn a_64_bit_memory_loads_and_stores_within_its_length() {
    let mut s = setup(MEM64);
    call(&mut s, "store", &[Val::I64(65532), Val::I32(-5)]).unwrap();
    assert_eq!(call(&mut s, "load", &[Val::I64(65532)]).unwrap(), vec![Val::I32(-5)]);
}

#[test]
fn an_address_past_the_length_traps_even_beyond_4_gib() {
    let mut s = setup(MEM64);
    for addr in [65533i64, 65536, 1 << 32, (1 << 32) + 4, i64::MAX, -1, -4] {
        assert_eq!(
            trap_code(call(&mut s, "load", &[Val::I64(addr)])),
            Some(TrapCode::MemoryOutOfBounds),
            "load at {addr:#x}"
        );
    }
}

#[test]
fn an_address_plus_offset_that_wraps_around_traps() {
    let mut s = setup(MEM64);
    // 0x1_0000_0000 + 0xffff_ffff_0000_0000 wraps to 0 in 64 bits.
    assert_eq!(
        trap_code(call(&mut s, "load_far", &[Val::I64(1 << 32)])),
        Some(TrapCode::MemoryOutOfBounds)
    );
}

#[test]
fn memory_size_and_grow_are_64_bit() {
    let mut s = setup(MEM64);
    assert_eq!(call(&mut s, "size", &[]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(call(&mut s, "grow", &[Val::I64(2)]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(call(&mut s, "size", &[]).unwrap(), vec![Val::I64(3)]);
    // Past the declared maximum, and a delta that does not fit in 32 bits.
    assert_eq!(call(&mut s, "grow", &[Val::I64(98)]).unwrap(), vec![Val::I64(-1)]);
    assert_eq!(call(&mut s, "grow", &[Val::I64(1 << 40)]).unwrap(), vec![Val::I64(-1)]);
    let mem = s.inst.get_memory(&s.store, "mem").unwrap();
    assert_eq!(mem.size(&s.store), 3);
    assert_eq!(mem.data_size(&s.store), 3 << 16);
    let ty = mem.ty(&s.store);
    assert!(ty.memory64);
    assert_eq!((ty.min, ty.max), (3, Some(100)));
}

#[test]
fn code_that_read_the_length_before_a_grow_sees_the_new_pages() {
    let mut s = setup(MEM64);
    // 16385 i32s: the whole first page plus the 7 stored in the new one.
    assert_eq!(
        call(&mut s, "grow_then_sum", &[Val::I64(16385)]).unwrap(),
        vec![Val::I32(7)]
    );
}

#[test]
fn a_bulk_operation_with_a_64_bit_length_traps_out_of_bounds() {
    let mut s = setup(MEM64);
    assert_eq!(
        trap_code(call(&mut s, "fill", &[Val::I64(0), Val::I32(1), Val::I64(1 << 33)])),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        trap_code(call(&mut s, "fill", &[Val::I64(-1), Val::I32(1), Val::I64(2)])),
        Some(TrapCode::MemoryOutOfBounds)
    );
    call(&mut s, "fill", &[Val::I64(100), Val::I32(9), Val::I64(4)]).unwrap();
    assert_eq!(call(&mut s, "load", &[Val::I64(100)]).unwrap(), vec![Val::I32(0x09090909)]);
}

#[test]
fn a_host_made_64_bit_memory_is_importable_only_as_a_64_bit_memory() {
    let engine = Engine::default();
    let mut store = Store::new(&engine);
    let mem = Memory::new(&mut store, MemoryType::new64(1, Some(1 << 20))).unwrap();
    assert!(mem.ty(&store).memory64);
    let wants64 = Module::new(&engine, r#"(module (import "m" "mem" (memory i64 1)))"#).unwrap();
    let wants32 = Module::new(&engine, r#"(module (import "m" "mem" (memory 1)))"#).unwrap();
    Instance::new(&mut store, &wants64, &[Extern::Memory(mem)]).unwrap();
    let err = Instance::new(&mut store, &wants32, &[Extern::Memory(mem)]).unwrap_err();
    assert!(err.to_string().contains("incompatible"), "{err}");
}

const TABLE64: &str = r#"(module
  (type $t (func (result i32)))
  (table $tab (export "tab") i64 2 funcref)
  (elem (table $tab) (i64.const 1) func $seven)
  (func $seven (result i32) (i32.const 7))
  (func (export "call") (param i64) (result i32) (call_indirect $tab (type $t) (local.get 0)))
  (func (export "size") (result i64) (table.size $tab))
  (func (export "grow") (param i64) (result i64) (table.grow $tab (ref.null func) (local.get 0))))"#;

#[test]
fn a_64_bit_table_is_indexed_and_grown_with_i64() {
    let mut s = setup(TABLE64);
    assert_eq!(call(&mut s, "call", &[Val::I64(1)]).unwrap(), vec![Val::I32(7)]);
    // An index whose low 32 bits would select the function.
    assert_eq!(
        trap_code(call(&mut s, "call", &[Val::I64((1 << 32) + 1)])),
        Some(TrapCode::UndefinedElement)
    );
    assert_eq!(call(&mut s, "size", &[]).unwrap(), vec![Val::I64(2)]);
    assert_eq!(call(&mut s, "grow", &[Val::I64(3)]).unwrap(), vec![Val::I64(2)]);
    assert_eq!(call(&mut s, "grow", &[Val::I64(1 << 40)]).unwrap(), vec![Val::I64(-1)]);
    let tab = s.inst.get_table(&s.store, "tab").unwrap();
    assert_eq!(tab.size(&s.store), 5);
    assert!(tab.ty(&s.store).table64);
}

const SMALL_PAGES: &str = r#"(module
  (memory (export "mem") 3 10 (pagesize 1))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load16") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[test]
fn a_memory_with_1_byte_pages_ends_exactly_at_its_length() {
    let mut s = setup(SMALL_PAGES);
    assert_eq!(call(&mut s, "load8", &[Val::I32(2)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(call(&mut s, "load16", &[Val::I32(1)]).unwrap(), vec![Val::I32(0)]);
    // Inside the OS page, past the memory.
    assert_eq!(
        trap_code(call(&mut s, "load8", &[Val::I32(3)])),
        Some(TrapCode::MemoryOutOfBounds)
    );
    assert_eq!(
        trap_code(call(&mut s, "load16", &[Val::I32(2)])),
        Some(TrapCode::MemoryOutOfBounds)
    );
}

#[test]
fn a_memory_with_1_byte_pages_grows_byte_by_byte() {
    let mut s = setup(SMALL_PAGES);
    assert_eq!(call(&mut s, "size", &[]).unwrap(), vec![Val::I32(3)]);
    assert_eq!(call(&mut s, "grow", &[Val::I32(1)]).unwrap(), vec![Val::I32(3)]);
    assert_eq!(call(&mut s, "load8", &[Val::I32(3)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(call(&mut s, "grow", &[Val::I32(7)]).unwrap(), vec![Val::I32(-1)]);
    let mem = s.inst.get_memory(&s.store, "mem").unwrap();
    assert_eq!(mem.data_size(&s.store), 4);
    assert_eq!(mem.ty(&s.store).page_size(), 1);
}

#[test]
fn memory64_switched_off_refuses_a_64_bit_memory_naming_the_feature() {
    let mut config = Config::default();
    assert!(config.features.set("memory64", false));
    let engine = Engine::new(&config).unwrap();
    let err = Module::new(&engine, MEM64).unwrap_err();
    assert!(err.to_string().contains("memory64"), "{err}");
}
