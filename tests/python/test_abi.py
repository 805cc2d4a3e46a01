"""The ctypes structures match include/myriad/myriad.h: a C program prints
sizeof and offsetof of every public struct the binding mirrors."""
import ctypes
import os
import shutil
import subprocess

import pytest

from myriad import _lib as L

STRUCTS = {
    "myr_param_info": L.myr_param_info,
    "myr_field_info": L.myr_field_info,
    "myr_space": L.myr_space,
    "myr_env_info": L.myr_env_info,
    "myr_param_setting": L.myr_param_setting,
    "myr_batch_def": L.myr_batch_def,
    "myr_step_out": L.myr_step_out,
    "myr_traj_chunk": L.myr_traj_chunk,
    "myr_rollout_def": L.myr_rollout_def,
    "myr_rollout_stats": L.myr_rollout_stats,
    "myr_model_opts": L.myr_model_opts,
}


def test_struct_layout_matches_header(tmp_path, root_dir):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to read the header's layout")
    lines = ["#include <signal.h>", "#include <stddef.h>", "#include <stdio.h>",
             '#include "myriad/myriad.h"', "int main(void) {",
             '  printf("sig_atomic_t size %zu\\n", sizeof(sig_atomic_t));']
    for name, cls in STRUCTS.items():
        lines.append('  printf("%s size %%zu\\n", sizeof(%s));' % (name, name))
        for field, _ in cls._fields_:
            lines.append('  printf("%s.%s %%zu\\n", offsetof(%s, %s));' %
                         (name, field, name, field))
    lines += ["  return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    subprocess.check_call([cc, "-std=c11", "-I", os.path.join(root_dir, "include"),
                           str(src), "-o", str(exe)])
    got = dict(line.rsplit(" ", 1) for line in
               subprocess.check_output([str(exe)]).decode().splitlines())
    for name, cls in STRUCTS.items():
        assert int(got["%s size" % name]) == ctypes.sizeof(cls), name
        for field, _ in cls._fields_:
            assert int(got["%s.%s" % (name, field)]) == getattr(cls, field).offset, \
                "%s.%s" % (name, field)
    # myr_rollout_def.stop points to a sig_atomic_t, mirrored as c_int
    assert int(got["sig_atomic_t size"]) == ctypes.sizeof(ctypes.c_int)
    # every field of the C structs is mirrored (no field missing at the end)
    assert len(L.myr_rollout_stats._fields_) == 14


def test_enum_values_match_header():
    assert L.myr_autoreset_name(0) == b"same_step"
    assert L.myr_autoreset_name(1) == b"next_step"
    assert L.myr_autoreset_name(2) == b"disabled"
    assert L.myr_precision_name(1) == b"float64"
    assert L.myr_strerror(L.MYR_ENOFIELD) == b"unknown state field"
    assert L.myr_strerror(L.MYR_EINTR) == b"interrupted"


def test_status_codes_match_header(tmp_path, root_dir):
    """_lib.STATUS lists every code of MYR_STATUS_LIST, with its value."""
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to read the header's status list")
    src = tmp_path / "status.c"
    src.write_text("\n".join([
        "#include <stdio.h>", '#include "myriad/myriad.h"',
        "int main(void) {",
        '#define P(name, value, text) printf("%s %d\\n", #name, value);',
        "  MYR_STATUS_LIST(P)", "  return 0;", "}"]) + "\n")
    exe = tmp_path / "status"
    subprocess.check_call([cc, "-std=c11", "-I", os.path.join(root_dir, "include"),
                           str(src), "-o", str(exe)])
    got = {name: int(value) for name, value in
           (line.split() for line in
            subprocess.check_output([str(exe)]).decode().splitlines())}
    assert got == L.STATUS
    for name, value in L.STATUS.items():
        assert getattr(L, name) == value
        assert L.myr_strerror(value) != b"unknown status", name


def test_status_exceptions():
    assert L.myr_strerror(L.MYR_EDEVICE) == b"device failure"
    e = L.error(L.MYR_EDEVICE, message=b"cuda: step kernel failed: x")
    assert isinstance(e, L.MyriadDeviceError)
    assert isinstance(e, RuntimeError) and e.status == -11
    assert isinstance(L.error(L.MYR_ENOMEM, message=b"m"), MemoryError)
    assert type(L.error(L.MYR_EBUSY, message=b"b")) is L.MyriadRuntimeError
