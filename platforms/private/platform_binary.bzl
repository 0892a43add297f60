"""Implementation of platform_binary."""

def _platform_transition_impl(_settings, attr):
    return {
        "//command_line_option:compilation_mode": attr.compilation_mode,
        "//command_line_option:platforms": str(attr.platform),
    }

_platform_transition = transition(
    implementation = _platform_transition_impl,
    inputs = [],
    outputs = [
        "//command_line_option:compilation_mode",
        "//command_line_option:platforms",
    ],
)

def _platform_binary_impl(ctx):
    binary = ctx.attr.binary[0]
    executable = binary[DefaultInfo].files_to_run.executable
    if executable == None:
        fail("binary {} is not executable: point platform_binary at a *_binary target".format(binary.label))
    output = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = output, target_file = executable, is_executable = True)
    return [DefaultInfo(
        executable = output,
        files = depset([output]),
        runfiles = ctx.runfiles(files = [output]).merge(binary[DefaultInfo].default_runfiles),
    )]

platform_binary = rule(
    implementation = _platform_binary_impl,
    doc = """Builds a binary for a given platform and compilation mode.

The output is a link named after the target, whatever the host platform
and the command line's `--platforms` and `-c` are. Use it to put a
cross-built binary into an image:

```starlark
platform_binary(
    name = "backend_linux_x86_64_musl",
    binary = ":backend",
    platform = "//platforms:linux_x86_64_musl",
)
```
""",
    attrs = {
        "binary": attr.label(
            doc = "The binary to build, such as a `rust_binary`.",
            cfg = _platform_transition,
            executable = True,
            mandatory = True,
        ),
        "compilation_mode": attr.string(
            doc = "Bazel's compilation mode for the binary and its dependencies.",
            default = "opt",
            values = ["dbg", "fastbuild", "opt"],
        ),
        "platform": attr.label(
            doc = "The target platform to build the binary for.",
            mandatory = True,
        ),
    },
    executable = True,
)
