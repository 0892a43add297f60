"""Implementation of oci_image."""

load(":common.bzl", "IMAGETOOL_ATTR", "check_image_path")

def _exposed_port(port, label):
    number, _, protocol = port.partition("/")
    protocol = protocol or "tcp"
    if not number.isdigit() or not (int(number) > 0 and int(number) < 65536) or protocol not in ("tcp", "udp", "sctp"):
        fail("{}: exposed_ports entry {} must be a port from 1 to 65535 with an optional /tcp, /udp or /sctp".format(label, repr(port)))
    return "{}/{}".format(int(number), protocol)

def _oci_image_impl(ctx):
    if ctx.attr.workdir:
        check_image_path(ctx.attr.workdir, "workdir", ctx.label)
    if ctx.attr.user and not ctx.attr.user.partition(":")[0]:
        fail("{}: user {} names no user: use a name or uid, such as \"65532\" or \"65532:65532\"".format(ctx.label, repr(ctx.attr.user)))

    layers = []
    for target in ctx.attr.layers:
        for layer in target[DefaultInfo].files.to_list():
            if not layer.basename.endswith(".tar.gz"):
                fail("{}: layer {} from {} is not a .tar.gz file: build layers with oci_layer".format(ctx.label, layer.short_path, target.label))
            layers.append(struct(file = layer, created_by = str(target.label)))

    stable_status = ctx.info_file if ctx.attr.stamp else None
    spec = {
        "architecture": ctx.attr.architecture,
        "cmd": ctx.attr.cmd,
        "entrypoint": ctx.attr.entrypoint,
        "env": [[name, value] for name, value in ctx.attr.env.items()],
        "exposed_ports": [_exposed_port(port, ctx.label) for port in ctx.attr.exposed_ports],
        "labels": ctx.attr.labels,
        "layers": [{"created_by": layer.created_by, "path": layer.file.path} for layer in layers],
        "os": ctx.attr.os,
        "stable_status": stable_status.path if stable_status else None,
        "user": ctx.attr.user or None,
        "variant": ctx.attr.variant or None,
        "workdir": ctx.attr.workdir or None,
    }
    spec_file = ctx.actions.declare_file(ctx.label.name + ".image.json")
    ctx.actions.write(spec_file, json.encode_indent(spec))

    layout = ctx.actions.declare_directory(ctx.label.name)
    ctx.actions.run(
        executable = ctx.executable._imagetool,
        arguments = ["image", "--spec", spec_file.path, "--output", layout.path],
        inputs = [spec_file] + [layer.file for layer in layers] + ([stable_status] if stable_status else []),
        outputs = [layout],
        mnemonic = "OciImage",
        progress_message = "Writing OCI image layout %{label}",
        use_default_shell_env = True,
    )
    return [DefaultInfo(files = depset([layout]))]

_oci_image = rule(
    implementation = _oci_image_impl,
    attrs = {
        "architecture": attr.string(
            doc = "CPU architecture in GOARCH spelling. Every ELF file in the layers must be built for it.",
            default = "amd64",
            values = ["386", "amd64", "arm", "arm64", "ppc64le", "riscv64", "s390x"],
        ),
        "cmd": attr.string_list(doc = "Default arguments to the entrypoint."),
        "entrypoint": attr.string_list(doc = "Command that the container runs, as an exec-form list."),
        "env": attr.string_dict(doc = "Environment variables, in the order given."),
        "exposed_ports": attr.string_list(doc = "Ports the service listens on, such as `\"3000\"` or `\"53/udp\"`; TCP when no protocol is given."),
        "labels": attr.string_dict(
            doc = "Config labels. `{KEY}` in a value is replaced with that key from the stable workspace status when stamping, and with `unknown` otherwise.",
        ),
        "layers": attr.label_list(
            doc = "Layers from the bottom up, each an `oci_layer` or another `.tar.gz` file.",
            allow_files = [".tar.gz"],
            mandatory = True,
        ),
        "os": attr.string(doc = "Operating system of the image.", default = "linux"),
        "stamp": attr.int(
            doc = "Whether to expand label placeholders from the workspace status: 1 or 0. The `oci_image` macro maps its -1 to `--stamp`.",
            default = 0,
            values = [0, 1],
        ),
        "user": attr.string(doc = "User (and optionally group) the process runs as, such as `\"65532\"`."),
        "variant": attr.string(doc = "CPU variant, such as `v8` for arm64; empty for none."),
        "workdir": attr.string(doc = "Absolute working directory of the process."),
        "_imagetool": IMAGETOOL_ATTR,
    },
)

def oci_image(name, stamp = -1, **kwargs):
    """Writes an OCI image layout directory from layers and config settings.

    The layout holds `oci-layout`, `index.json` and the blobs, ready for
    `oci_load`, `skopeo copy oci:DIR ...` or any registry client. The
    build fails if an ELF file in a layer is built for another
    architecture than `architecture`, or needs a dynamic loader that no
    layer contains.

    ```starlark
    oci_image(
        name = "image",
        layers = [":base_layer", ":binary_layer"],
        entrypoint = ["/app/backend"],
        user = "65532",
        exposed_ports = ["3000"],
    )
    ```

    Args:
        name: name of the target; the layout directory has the same name.
        stamp: whether to expand `{KEY}` placeholders in `labels` from the
            stable workspace status: 1 always, 0 never, -1 (the default)
            when Bazel runs with `--stamp`.
        **kwargs: attributes of `oci_image_rule`.
    """
    if stamp == -1:
        stamp = select({
            Label("//oci/private:stamp_enabled"): 1,
            "//conditions:default": 0,
        })
    _oci_image(name = name, stamp = stamp, **kwargs)

oci_image_rule = _oci_image
