"""Rules that assemble OCI images without a container engine.

They follow rules_oci's names and attributes: `oci_layer` packs files into
a layer, `oci_image` writes an OCI image layout, and `oci_load` writes a
docker-archive tarball and loads it into docker or podman under
`bazel run`. Every output is reproducible: the same inputs give the same
bytes on every host.
"""

load("//oci/private:image.bzl", _oci_image = "oci_image")
load("//oci/private:layer.bzl", _oci_layer = "oci_layer")
load("//oci/private:load.bzl", _oci_load = "oci_load")

oci_image = _oci_image
oci_layer = _oci_layer
oci_load = _oci_load
