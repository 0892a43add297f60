"""Implementation of vite_build and node_test."""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")

_TOOLCHAIN = "//js:toolchain_type"

def _package_path(file, package):
    """Returns where `file` goes inside a copy of `package`."""
    path = file.short_path
    if package and path.startswith(package + "/"):
        return path[len(package) + 1:]
    fail("{} is outside package {}: list only files of the package in srcs".format(file.short_path, package))

def _write_runner(ctx, name, files, extra_files, commands, for_runfiles):
    """Writes the manifest and the runner script for one Node.js step.

    Args:
        ctx: the rule context.
        name: base name of the files to declare.
        files: sources to copy to their path inside the package.
        extra_files: dict of File to a path inside the scratch directory.
        commands: shell lines to run in the scratch directory.
        for_runfiles: whether paths are relative to runfiles (tests) or to
            the execution root (build actions).

    Returns:
        A tuple of the runner script and the manifest it reads.
    """
    path = (lambda f: f.short_path) if for_runfiles else (lambda f: f.path)
    lines = ["{}\t{}".format(path(f), _package_path(f, ctx.label.package)) for f in files]
    lines += ["{}\t{}".format(path(f), destination) for f, destination in extra_files.items()]
    manifest = ctx.actions.declare_file(name + ".manifest")
    ctx.actions.write(manifest, "\n".join(lines) + "\n")

    node = ctx.toolchains[_TOOLCHAIN].nodeinfo.node
    runner = ctx.actions.declare_file(name + ".sh")
    ctx.actions.expand_template(
        template = ctx.file._runner_template,
        output = runner,
        substitutions = {
            "{{COMMANDS}}": "\n".join(commands),
            "{{MANIFEST}}": path(manifest),
            "{{NODE}}": path(node),
            "{{NODE_MODULES_TAR}}": path(ctx.file.node_modules),
        },
        is_executable = True,
    )
    return runner, manifest

def _vite_build_impl(ctx):
    output = ctx.actions.declare_directory(ctx.label.name)
    commands = ['"$node" node_modules/vite/bin/vite.js build --outDir "$OUT_DIR" --emptyOutDir --logLevel warn']
    extra = {}
    if ctx.attr.precompress:
        extra[ctx.file._precompress] = ".bazel/precompress.mjs"
        commands.append('"$node" .bazel/precompress.mjs "$OUT_DIR"')
    runner, manifest = _write_runner(ctx, ctx.label.name + "_build", ctx.files.srcs, extra, commands, for_runfiles = False)

    env = dict(ctx.attr.env, OUT_DIR = output.path)
    for flag, name in ctx.attr.env_from_flags.items():
        env[name] = str(flag[BuildSettingInfo].value)

    ctx.actions.run(
        executable = runner,
        inputs = depset(
            ctx.files.srcs + [manifest, ctx.file.node_modules] + extra.keys(),
            transitive = [depset([ctx.toolchains[_TOOLCHAIN].nodeinfo.node])],
        ),
        outputs = [output],
        env = env,
        mnemonic = "ViteBuild",
        progress_message = "Bundling %{label} with Vite",
    )
    return [DefaultInfo(files = depset([output]))]

_COMMON_ATTRS = {
    "node_modules": attr.label(
        doc = "`node_modules.tar` from the `node.npm_install` extension tag.",
        allow_single_file = [".tar"],
        mandatory = True,
    ),
    "srcs": attr.label_list(
        doc = "Every file of the package that the command reads: sources, configs, package.json. Paths inside the package are kept.",
        allow_files = True,
        mandatory = True,
    ),
    "_runner_template": attr.label(
        default = "//js/private:run_node.sh.tpl",
        allow_single_file = True,
    ),
}

vite_build = rule(
    implementation = _vite_build_impl,
    doc = """Bundles a Vite app into a directory, in the sandbox and without network.

The output directory is what `vite build` writes to `dist/`, plus `.gz`
and `.br` copies of compressible files when `precompress` is set.

```starlark
vite_build(
    name = "bundle",
    srcs = glob(["src/**", "index.html", "*.json", "vite.config.ts"]),
    node_modules = "@npm//:node_modules.tar",
)
```
""",
    attrs = dict(_COMMON_ATTRS, **{
        "env": attr.string_dict(
            doc = "Environment of `vite build`; Vite exposes `VITE_*` variables to the app as `import.meta.env`.",
        ),
        "env_from_flags": attr.label_keyed_string_dict(
            doc = "Build settings whose values to pass as environment variables: setting label to variable name.",
            providers = [BuildSettingInfo],
        ),
        "precompress": attr.bool(
            doc = "Write gzip and brotli copies of compressible files next to them.",
            default = True,
        ),
        "_precompress": attr.label(
            default = "//js/private:precompress.mjs",
            allow_single_file = True,
        ),
    }),
    toolchains = [_TOOLCHAIN],
)

def _node_test_impl(ctx):
    command = '"$node" node_modules/{} {}'.format(
        ctx.attr.entry_point,
        " ".join(["'{}'".format(a) for a in ctx.attr.arguments]),
    )
    runner, manifest = _write_runner(ctx, ctx.label.name, ctx.files.srcs, {}, ["exec " + command], for_runfiles = True)
    node = ctx.toolchains[_TOOLCHAIN].nodeinfo.node
    runfiles = ctx.runfiles(files = ctx.files.srcs + [manifest, node, ctx.file.node_modules])
    return [DefaultInfo(executable = runner, runfiles = runfiles)]

node_test = rule(
    implementation = _node_test_impl,
    doc = """Runs a command-line tool from node_modules as a test, such as vitest or tsc.

```starlark
node_test(
    name = "typecheck_test",
    srcs = glob(["src/**", "tsconfig.json"]),
    entry_point = "typescript/bin/tsc",
    arguments = ["--noEmit"],
    node_modules = "@npm//:node_modules.tar",
)
```
""",
    attrs = dict(_COMMON_ATTRS, **{
        "arguments": attr.string_list(doc = "Arguments to the entry point."),
        "entry_point": attr.string(
            doc = "Script to run with node, relative to node_modules, such as `vitest/vitest.mjs`.",
            mandatory = True,
        ),
    }),
    test = True,
    toolchains = [_TOOLCHAIN],
)
