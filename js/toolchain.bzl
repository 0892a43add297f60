"""The Node.js toolchain: the runtime and npm CLI that JavaScript actions use."""

NodeInfo = provider(
    doc = "A Node.js runtime and the npm CLI that goes with it.",
    fields = {
        "node": "File: the `node` executable.",
        "npm_cli": "File: npm's `bin/npm-cli.js`, run with `node`.",
        "npm_files": "depset of File: the npm package, which `npm_cli` needs at run time.",
    },
)

def _node_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        nodeinfo = NodeInfo(
            node = ctx.file.node,
            npm_cli = ctx.file.npm_cli,
            npm_files = depset(ctx.files.npm_files),
        ),
    )]

node_toolchain = rule(
    implementation = _node_toolchain_impl,
    doc = "Declares a Node.js runtime for `toolchain(toolchain_type = \"//js:toolchain_type\")`.",
    attrs = {
        "node": attr.label(
            doc = "The `node` executable.",
            allow_single_file = True,
            executable = True,
            cfg = "exec",
            mandatory = True,
        ),
        "npm_cli": attr.label(
            doc = "npm's `bin/npm-cli.js`.",
            allow_single_file = True,
            mandatory = True,
        ),
        "npm_files": attr.label_list(
            doc = "Every file of the npm package.",
            allow_files = True,
        ),
    },
)
