"""A rule that builds a target with another //frontend:build_label."""

def _build_label_transition_impl(_settings, attr):
    return {"//frontend:build_label": attr.build_label}

_build_label_transition = transition(
    implementation = _build_label_transition_impl,
    inputs = [],
    outputs = ["//frontend:build_label"],
)

def _with_build_label_impl(ctx):
    # Links under this target's own name: the originals have the same
    # runfiles paths as the untransitioned files and would collide.
    outputs = []
    for target in ctx.attr.target:
        for file in target[DefaultInfo].files.to_list():
            output = ctx.actions.declare_file("{}/{}".format(ctx.label.name, file.basename))
            ctx.actions.symlink(output = output, target_file = file)
            outputs.append(output)
    return [DefaultInfo(files = depset(outputs), runfiles = ctx.runfiles(files = outputs))]

with_build_label = rule(
    implementation = _with_build_label_impl,
    doc = "Builds `target` with `//frontend:build_label` set, which changes only the frontend bundle.",
    attrs = {
        "build_label": attr.string(
            doc = "Value of //frontend:build_label for `target` and everything it depends on.",
            mandatory = True,
        ),
        "target": attr.label(
            doc = "The target to build, such as the image tarball.",
            cfg = _build_label_transition,
            mandatory = True,
        ),
    },
)
