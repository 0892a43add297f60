"""Attributes and checks shared by the OCI rules."""

# The tool that writes layers, layouts and tarballs, built for the exec
# platform.
IMAGETOOL_ATTR = attr.label(
    default = "//oci/imagetool",
    executable = True,
    cfg = "exec",
)

def check_image_path(path, attribute, label):
    """Fails unless `path` is an absolute, normalized path inside an image.

    Args:
        path: the path to check.
        attribute: the attribute that holds the path, for the message.
        label: the target being analyzed, for the message.
    """
    parts = path.split("/")
    if not path.startswith("/") or path == "/" or path.endswith("/"):
        fail("{}: {} path {} must be absolute, such as /app/backend, and not end in /".format(label, attribute, repr(path)))
    for part in parts[1:]:
        if part in ("", ".", ".."):
            fail("{}: {} path {} must not contain empty, '.' or '..' parts".format(label, attribute, repr(path)))

def parse_mode(mode, attribute, label):
    """Returns the octal permission string `mode` as an int.

    Args:
        mode: permission bits in octal, such as "0755" or "1777".
        attribute: the attribute that holds the mode, for the message.
        label: the target being analyzed, for the message.

    Returns:
        The permission bits.
    """
    digits = mode[1:] if mode.startswith("0") and len(mode) > 1 else mode
    if not digits or len(digits) > 4 or [c for c in digits.elems() if c not in "01234567"]:
        fail("{}: {} mode {} is not an octal permission such as \"0644\" or \"1777\"".format(label, attribute, repr(mode)))
    return int(digits, 8)
