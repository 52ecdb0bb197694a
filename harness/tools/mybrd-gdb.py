# SPDX-License-Identifier: GPL-2.0
"""gdb commands for debugging mybrd in the lab VM (harness/tools/gdb.sh).

  set mybrd-ko PATH    the mybrd.ko whose symbols to load (gdb.sh sets it)
  mybrd-symbols        load mybrd.ko's symbols at the addresses the kernel
                       gave its sections: the values the guest shows in
                       /sys/module/mybrd/sections/, read here from the
                       kernel's struct module (add-symbol-file)
  mybrd-break-init     stop in the module's init function the next time
                       mybrd is loaded (symbols are loaded first)
  mybrd-break-io       break where bios or requests enter the driver:
                       mybrd_submit_bio or mybrd_queue_rq, whichever exists

The kernel must run with nokaslr (gdb.sh adds it), so that vmlinux's
addresses are the running kernel's.
"""

import os
import subprocess

import gdb

MODULE_NAME = "mybrd"


class MybrdKo(gdb.Parameter):
    """The mybrd.ko file whose symbols mybrd-symbols loads."""

    set_doc = "Set the mybrd.ko file to load symbols from."
    show_doc = "Show the mybrd.ko file to load symbols from."

    def __init__(self):
        super().__init__("mybrd-ko", gdb.COMMAND_DATA, gdb.PARAM_FILENAME)
        self.value = "mybrd.ko"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "mybrd.ko file: " + svalue


KO = MybrdKo()
# An address of the symbols loaded now (to remove them on a reload).
loaded_at = None


def find_module(name):
    """The struct module * named name, from the kernel's modules list."""
    head = gdb.parse_and_eval("&modules")
    mod_ptr = gdb.lookup_type("struct module").pointer()
    offset = int(gdb.parse_and_eval("&((struct module *)0)->list"))
    node = head["next"]
    while int(node) != int(head):
        mod = gdb.Value(int(node) - offset).cast(mod_ptr)
        if mod["name"].string() == name:
            return mod
        node = node["next"]
    return None


def section_addresses(mod):
    """[(name, address)] of the module's sections, as sysfs shows them."""
    attrs = mod["sect_attrs"]
    if int(attrs) == 0:
        return fallback_text(mod)
    result = []
    for i in range(int(attrs["nsections"])):
        attr = attrs["attrs"][i]
        name = attr["battr"]["attr"]["name"].string()
        result.append((name, int(attr["address"])))
    return result


def fallback_text(mod):
    """Without sect_attrs (no CONFIG_KALLSYMS): .text only."""
    try:
        base = mod["mem"][0]["base"]  # 6.4 and later
    except gdb.error:
        base = mod["core_layout"]["base"]  # 6.1
    return [(".text", int(base))]


def relocatable_copy(ko):
    """ko, or a copy of it whose sections all have address 0.

    gdb places the sections of a relocatable file (and so relocates its
    debug information correctly) only when all their addresses are 0; 6.12's
    modules link .data and __patchable_function_entries at small non-zero
    addresses, and gdb then puts every function at .text's address.
    """
    out = subprocess.run(["objdump", "-h", ko], capture_output=True,
                         text=True, check=True).stdout
    moved = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[0].isdigit() and int(fields[3], 16):
            moved += ["--change-section-address", fields[1] + "=0"]
    if not moved:
        return ko
    copy = os.path.splitext(ko)[0] + "-gdb.ko"
    subprocess.run(["objcopy"] + moved + [ko, copy], check=True)
    return copy


def load_symbols(mod):
    global loaded_at
    sections = {name: addr for name, addr in section_addresses(mod)
                if name.startswith(".") and addr}
    # A module can lack .text (its code all in .init.text and .exit.text,
    # as an untouched skeleton's may): then every section goes by -s.
    text = sections.pop(".text", None)
    if not sections and text is None:
        raise gdb.GdbError("mybrd has no section addresses")
    if loaded_at is not None:
        gdb.execute("remove-symbol-file -a 0x%x" % loaded_at, to_string=True)
        loaded_at = None
    args = " ".join("-s %s 0x%x" % (name, addr)
                    for name, addr in sorted(sections.items()))
    gdb.execute("add-symbol-file %s %s %s"
                % (relocatable_copy(KO.value), "0x%x" % text if text else "",
                   args),
                to_string=True)
    loaded_at = text or min(sections.values())
    shown = [(".text", text)] if text else []
    shown += [(n, a) for n, a in sorted(sections.items())
              if n in (".data", ".bss", ".rodata", ".init.text", ".exit.text")]
    print("mybrd-symbols: %s loaded at %s"
          % (KO.value, ", ".join("%s 0x%x" % (n, a) for n, a in shown)))


class MybrdSymbols(gdb.Command):
    """Load mybrd.ko's symbols at the module's real section addresses.

Usage: mybrd-symbols [MODULE-ADDRESS]
Reads the addresses from the kernel's struct module of "mybrd" (the ones
/sys/module/mybrd/sections/ shows in the guest) and runs add-symbol-file
with the file set by "set mybrd-ko PATH"."""

    def __init__(self):
        super().__init__("mybrd-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        if arg.strip():
            mod = gdb.parse_and_eval("(struct module *)(%s)" % arg)
        else:
            mod = find_module(MODULE_NAME)
        if mod is None:
            raise gdb.GdbError("mybrd is not loaded in the guest "
                               "(no \"mybrd\" in the kernel's modules list)")
        load_symbols(mod)


class InitBreakpoint(gdb.Breakpoint):
    """do_init_module(), stopping only for the module named mybrd."""

    def stop(self):
        try:
            return gdb.parse_and_eval("mod")["name"].string() == MODULE_NAME
        except gdb.error:
            return False


class MybrdBreakInit(gdb.Command):
    """Stop in mybrd's init function when the module is loaded.

A breakpoint on do_init_module() for the module named mybrd: when it is
hit, the symbols are loaded (mybrd-symbols), a temporary breakpoint is set
on the module's init function and execution goes on to stop there."""

    def __init__(self):
        super().__init__("mybrd-break-init", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        # A hardware breakpoint works before the kernel's text is mapped,
        # under KVM too.
        bp = InitBreakpoint("do_init_module",
                            type=gdb.BP_HARDWARE_BREAKPOINT)
        bp.commands = ("silent\n"
                       "mybrd-symbols\n"
                       "tbreak *mod->init\n"
                       "continue\n")


class MybrdBreakIo(gdb.Command):
    """Break where I/O enters mybrd: mybrd_submit_bio or mybrd_queue_rq."""

    def __init__(self):
        super().__init__("mybrd-break-io", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        for name in ("mybrd_submit_bio", "mybrd_queue_rq"):
            if gdb.lookup_static_symbol(name) or gdb.lookup_global_symbol(name):
                gdb.execute("break " + name)
                return
        raise gdb.GdbError("the module has no mybrd_submit_bio or "
                           "mybrd_queue_rq (symbols not loaded yet, code the "
                           "compiler left out as unused, or another name): "
                           "break on your own function's name")


MybrdSymbols()
MybrdBreakInit()
MybrdBreakIo()
