"""The ``myriad`` console command of a pip install: runs the C program
shipped in the package (myriad/_bin/myriad) with the same arguments.

pip installs this Python entry point because a wheel's scripts are Python
or shell: the C executable stays inside the package, next to the
libmyriad.so it was built with, and this replaces the Python process with
it (``os.execv``: same process id, exit code and signals).  ``myriad
render`` is the exception: it is Python (:mod:`myriad.movie`) and runs in
this interpreter.
"""
import os
import sys


def cli_path():
    """The shipped executable, or None when the package has none."""
    p = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin",
                     "myriad")
    return p if os.access(p, os.X_OK) else None


def main():
    if sys.argv[1:2] == ["render"]:
        # `myriad render` is Python (myriad/movie.py): run it in this
        # Python, whose packages (Pillow) the user installed
        from .movie import main as render_main
        return render_main(sys.argv[2:])
    exe = cli_path()
    if exe is None:
        sys.stderr.write("myriad: this install has no myriad command "
                         "(built with MYRIAD_LIB and no MYRIAD_CLI?)\n")
        return 127
    lib = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "libmyriad.so")
    # `myriad bench compare` runs Python on this package's library
    if "MYRIAD_LIB" not in os.environ and os.path.isfile(lib):
        os.environ["MYRIAD_LIB"] = lib
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(exe, ["myriad"] + sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
