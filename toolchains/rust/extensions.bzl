"""Module extension that declares the project's Rust toolchains.

rules_rust 0.54.1's own `rust` extension cannot attach a libc constraint
to a target triple, so this one calls `rust_repository_set` directly and
maps `x86_64-unknown-linux-musl` to the musl platform of //platforms.
"""

load("@rules_rust//rust:repositories.bzl", "rust_repository_set")

_EXEC_TRIPLE = "x86_64-unknown-linux-gnu"
_MUSL_TRIPLE = "x86_64-unknown-linux-musl"
_SET_NAME = "rust_linux_x86_64"

def _rust_toolchains_impl(module_ctx):
    tags = [tag for mod in module_ctx.modules if mod.is_root for tag in mod.tags.linux_x86_64]
    if len(tags) != 1:
        fail("rust_toolchains.linux_x86_64() must be called exactly once, in the root module; found {} calls".format(len(tags)))
    tag = tags[0]

    rust_repository_set(
        name = _SET_NAME,
        aliases = {
            "{}__{}__stable".format(_SET_NAME, _EXEC_TRIPLE): "rust_linux_x86_64_gnu",
            "{}__{}__stable".format(_SET_NAME, _MUSL_TRIPLE): "rust_linux_x86_64_musl",
        },
        edition = "2021",
        exec_triple = _EXEC_TRIPLE,
        extra_target_triples = {
            _MUSL_TRIPLE: [
                "@platforms//os:linux",
                "@platforms//cpu:x86_64",
                str(Label("//platforms:musl")),
            ],
        },
        register_toolchain = False,
        sha256s = tag.sha256s,
        versions = [tag.version],
    )
    return module_ctx.extension_metadata(reproducible = True)

rust_toolchains = module_extension(
    implementation = _rust_toolchains_impl,
    doc = "Declares Rust toolchains that run on linux/x86_64 and build for glibc and musl.",
    tag_classes = {
        "linux_x86_64": tag_class(
            doc = "Downloads one stable Rust release for linux/x86_64 hosts.",
            attrs = {
                "sha256s": attr.string_dict(
                    doc = "SHA-256 of each component archive, keyed by its name without extension, such as `rustc-1.88.0-x86_64-unknown-linux-gnu`.",
                    mandatory = True,
                ),
                "version": attr.string(
                    doc = "The stable Rust release, such as `1.88.0`.",
                    mandatory = True,
                ),
            },
        ),
    },
)
