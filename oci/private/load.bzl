"""Implementation of oci_load."""

load(":common.bzl", "IMAGETOOL_ATTR")

def _check_repo_tag(tag, label):
    name, _, version = tag.rpartition(":")
    if not name or not version or "/" in version or name != name.lower():
        fail("{}: repo_tags entry {} must be a lowercase name and a tag, such as \"webapp:latest\"".format(label, repr(tag)))

def _oci_load_impl(ctx):
    if not ctx.attr.repo_tags:
        fail("{}: repo_tags is empty: give at least one name:tag, such as \"webapp:latest\"".format(ctx.label))
    for tag in ctx.attr.repo_tags:
        _check_repo_tag(tag, ctx.label)

    layout = ctx.file.image
    tarball = ctx.actions.declare_file(ctx.label.name + ".tar")
    arguments = ctx.actions.args()
    arguments.add_all(["tarball", "--layout", layout.path, "--output", tarball.path])
    for tag in ctx.attr.repo_tags:
        arguments.add_all(["--repo-tag", tag])
    ctx.actions.run(
        executable = ctx.executable._imagetool,
        arguments = [arguments],
        inputs = [layout],
        outputs = [tarball],
        mnemonic = "OciTarball",
        progress_message = "Writing image tarball %{label}",
        use_default_shell_env = True,
    )

    loader = ctx.actions.declare_file(ctx.label.name + ".sh")
    ctx.actions.expand_template(
        template = ctx.file._loader_template,
        output = loader,
        substitutions = {
            "{{REPO_TAGS}}": " ".join(["'{}'".format(tag) for tag in ctx.attr.repo_tags]),
            "{{TARBALL}}": tarball.short_path,
        },
        is_executable = True,
    )
    return [
        DefaultInfo(
            executable = loader,
            files = depset([tarball]),
            runfiles = ctx.runfiles(files = [tarball]),
        ),
        OutputGroupInfo(tarball = depset([tarball])),
    ]

oci_load = rule(
    implementation = _oci_load_impl,
    doc = """Writes an image as a docker-archive tarball and loads it under `bazel run`.

`bazel build` produces `<name>.tar`, which `docker load` and `podman load`
accept; the `tarball` output group holds just that file. `bazel run`
loads it into docker when a docker engine answers, else into podman.
Setting CONTAINER_ENGINE to `docker` or `podman` picks one.

```starlark
oci_load(
    name = "load",
    image = ":image",
    repo_tags = ["webapp:latest"],
)
```
""",
    attrs = {
        "image": attr.label(
            doc = "An `oci_image` target: the OCI layout directory to write out.",
            allow_single_file = True,
            mandatory = True,
        ),
        "repo_tags": attr.string_list(
            doc = "Names under which the engine stores the image, each `name:tag`.",
            mandatory = True,
        ),
        "_imagetool": IMAGETOOL_ATTR,
        "_loader_template": attr.label(
            default = "//oci/private:load.sh.tpl",
            allow_single_file = True,
        ),
    },
    executable = True,
)
