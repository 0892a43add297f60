"""C toolchain configuration for Debian's musl-gcc wrapper.

musl-gcc runs the build root's gcc with a specs file that swaps glibc's
headers, start files and libraries for musl's, so C code built with it
(jemalloc, through its build script) links into a static musl binary.
"""

load("@bazel_tools//tools/build_defs/cc:action_names.bzl", "ACTION_NAMES")
load(
    "@bazel_tools//tools/cpp:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
    "with_feature_set",
)

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
    ACTION_NAMES.cpp_module_compile,
    ACTION_NAMES.preprocess_assemble,
]

def _flags(actions, flags, when = None):
    return flag_set(
        actions = actions,
        flag_groups = [flag_group(flags = flags)],
        with_features = [with_feature_set(features = [when])] if when else [],
    )

def _musl_gcc_config_impl(ctx):
    tools = {
        "ar": "/usr/bin/ar",
        "cpp": "/usr/bin/cpp",
        "gcc": ctx.attr.compiler_path,
        "gcov": "/usr/bin/gcov",
        "ld": "/usr/bin/ld",
        "nm": "/usr/bin/nm",
        "objcopy": "/usr/bin/objcopy",
        "objdump": "/usr/bin/objdump",
        "strip": "/usr/bin/strip",
    }

    # No _FORTIFY_SOURCE: musl has none of glibc's __*_chk functions, and
    # objects that call them do not link.
    compile_flags = feature(
        name = "default_compile_flags",
        enabled = True,
        flag_sets = [
            _flags(_COMPILE_ACTIONS, ["-fstack-protector-strong", "-Wall", "-fPIC"]),
            _flags(_COMPILE_ACTIONS, ["-g"], when = "dbg"),
            _flags(
                _COMPILE_ACTIONS,
                ["-O2", "-DNDEBUG", "-ffunction-sections", "-fdata-sections"],
                when = "opt",
            ),
        ],
    )

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        toolchain_identifier = "musl-gcc-x86_64",
        host_system_name = "x86_64-linux-gnu",
        target_system_name = "x86_64-linux-musl",
        target_cpu = "k8",
        target_libc = "musl",
        compiler = "gcc",
        abi_version = "musl",
        abi_libc_version = "musl",
        tool_paths = [tool_path(name = name, path = path) for name, path in tools.items()],
        features = [
            compile_flags,
            feature(name = "dbg"),
            feature(name = "opt"),
            feature(name = "supports_pic", enabled = True),
        ],
        cxx_builtin_include_directories = ctx.attr.builtin_include_directories,
    )

musl_gcc_config = rule(
    implementation = _musl_gcc_config_impl,
    doc = "Configures a cc_toolchain that compiles and links with musl-gcc.",
    attrs = {
        "builtin_include_directories": attr.string_list(
            doc = "Directories whose headers the compiler includes on its own, for Bazel's include checking.",
            mandatory = True,
        ),
        "compiler_path": attr.string(
            doc = "Absolute path of the musl-gcc wrapper.",
            default = "/usr/bin/musl-gcc",
        ),
    },
    provides = [CcToolchainConfigInfo],
)
