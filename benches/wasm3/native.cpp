// The native baselines of the Wasm 3.0 benchmarks (benches/wasm3.rs),
// doing the same work as throw_catch.wat and tail_loop.wat.

extern "C" {

// A C++ exception thrown by a function that is not inlined and caught in
// its caller, n times; returns the sum of the caught values.
__attribute__((noinline)) static void thrower(int i) { throw i; }

int throw_catch(int n) {
  int sum = 0;
  for (int i = 0; i < n; i++) {
    try {
      thrower(i);
    } catch (int v) {
      sum += v;
    }
  }
  return sum;
}

// Mutual recursion through guaranteed tail calls (clang's musttail).
__attribute__((noinline)) int odd_step(int n);

__attribute__((noinline)) int tail_loop(int n) {
  if (n == 0) return 1;
  __attribute__((musttail)) return odd_step(n - 1);
}

__attribute__((noinline)) int odd_step(int n) {
  if (n == 0) return 0;
  __attribute__((musttail)) return tail_loop(n - 1);
}
}
