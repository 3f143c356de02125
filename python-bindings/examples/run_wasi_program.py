"""Runs a WASI program with arguments, an environment variable and a
preopened directory, and prints what it wrote and its exit code.

    python run_wasi_program.py PROGRAM.wasm|.wat DIR [ARGS...]
"""

import sys

import wasi_rt


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    program, directory, args = argv[1], argv[2], argv[3:]
    code, out, err = wasi_rt.run_wasi(
        program, args=[program, *args], env={"GREETING_NAME": "python"}, readonly_dirs={".": directory}
    )
    sys.stdout.write(out.decode(errors="replace"))
    sys.stderr.write(err.decode(errors="replace"))
    print(f"[exit code {code}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
