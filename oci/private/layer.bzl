"""Implementation of oci_layer."""

load(":common.bzl", "IMAGETOOL_ATTR", "check_image_path", "parse_mode")

def _oci_layer_impl(ctx):
    uid_gid = ctx.attr.owner.split(":")
    if len(uid_gid) != 2 or not uid_gid[0].isdigit() or not uid_gid[1].isdigit():
        fail("{}: owner {} must be numeric \"uid:gid\", such as \"0:0\"".format(ctx.label, repr(ctx.attr.owner)))
    uid, gid = int(uid_gid[0]), int(uid_gid[1])
    default_mode = parse_mode(ctx.attr.mode, "mode", ctx.label)

    entries = []
    sources = []
    seen = {}
    for target, path in ctx.attr.files.items():
        check_image_path(path, "files", ctx.label)
        files = target[DefaultInfo].files.to_list()
        if len(files) != 1:
            fail("{}: files entry {} provides {} files; give each path a target with exactly one file or directory".format(
                ctx.label,
                target.label,
                len(files),
            ))
        source = files[0]
        sources.append(source)
        seen[path] = True
        mode = ctx.attr.modes.get(path)
        entries.append({
            "gid": gid,
            "kind": "tree" if source.is_directory else "file",
            "mode": parse_mode(mode, "modes", ctx.label) if mode else default_mode,
            "path": path,
            "source": source.path,
            "uid": uid,
        })
    for path, mode in ctx.attr.directories.items():
        check_image_path(path, "directories", ctx.label)
        seen[path] = True
        entries.append({
            "gid": gid,
            "kind": "directory",
            "mode": parse_mode(mode, "directories", ctx.label),
            "path": path,
            "uid": uid,
        })
    for path in ctx.attr.modes:
        if path not in seen:
            fail("{}: modes names {}, which is not a path in files".format(ctx.label, repr(path)))

    spec = ctx.actions.declare_file(ctx.label.name + ".layer.json")
    ctx.actions.write(spec, json.encode_indent({"entries": entries}))

    output = ctx.actions.declare_file(ctx.label.name + ".tar.gz")
    ctx.actions.run(
        executable = ctx.executable._imagetool,
        arguments = ["layer", "--spec", spec.path, "--output", output.path],
        inputs = [spec] + sources,
        outputs = [output],
        mnemonic = "OciLayer",
        progress_message = "Writing image layer %{label}",
        use_default_shell_env = True,
    )
    return [DefaultInfo(files = depset([output]))]

oci_layer = rule(
    implementation = _oci_layer_impl,
    doc = """Packs files and directories into one gzip-compressed image layer.

Entries are sorted, owned by `owner`, stamped with SOURCE_DATE_EPOCH (or
0), and parent directories are added as root-owned 0755, so the layer's
digest depends only on the listed contents.

```starlark
oci_layer(
    name = "binary_layer",
    files = {"//backend:backend_linux_x86_64_musl": "/app/backend"},
    modes = {"/app/backend": "0755"},
)
```
""",
    attrs = {
        "directories": attr.string_dict(
            doc = "Empty directories to create: absolute path to octal mode, such as `{\"/tmp\": \"1777\"}`.",
        ),
        "files": attr.label_keyed_string_dict(
            doc = "Targets to copy, each to its absolute path in the image. A target that is a directory (tree artifact) is copied recursively.",
            allow_files = True,
        ),
        "mode": attr.string(
            doc = "Octal mode of the copied files unless `modes` names them. Directories inside copied trees are 0755.",
            default = "0644",
        ),
        "modes": attr.string_dict(
            doc = "Octal modes of single paths from `files`, such as `{\"/app/backend\": \"0755\"}`.",
        ),
        "owner": attr.string(
            doc = "Numeric `uid:gid` that owns every entry.",
            default = "0:0",
        ),
        "_imagetool": IMAGETOOL_ATTR,
    },
)
