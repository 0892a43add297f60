//! `imagetool tarball`: a docker-archive tarball from an OCI image layout.
//!
//! The archive contains `manifest.json` (the docker-archive index, with the
//! repo tags) and the config and layer blobs under `blobs/sha256/`, the
//! layout `docker save` has written since Docker 25. Both `docker load` and
//! `podman load` read it; layers stay gzip-compressed.

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use serde_json::json;

use crate::image::read_layout;
use crate::tarwrite::{Ownership, TarWriter};
use crate::{source_date_epoch, Context, Error, Result};

const OWNER: Ownership = Ownership {
    uid: 0,
    gid: 0,
    mode: 0o644,
};
const DIRECTORY_OWNER: Ownership = Ownership {
    uid: 0,
    gid: 0,
    mode: 0o755,
};

/// Writes the docker-archive of the single image in `layout` to `output`.
pub fn write(layout: &Path, repo_tags: &[String], output: &Path) -> Result<()> {
    if repo_tags.is_empty() {
        return Err(Error::new(
            "no --repo-tag given: name the image, such as --repo-tag webapp:latest",
        ));
    }
    let image = read_layout(layout)?;
    let blob_path = |hex: &str| format!("blobs/sha256/{hex}");

    let manifest = json!([{
        "Config": blob_path(image.config.hex()),
        "RepoTags": repo_tags,
        "Layers": image.layers.iter().map(|layer| blob_path(layer.hex())).collect::<Vec<_>>(),
    }]);
    let manifest_bytes = serde_json::to_vec(&manifest).expect("JSON values always serialize");

    let mut blobs: Vec<&str> = std::iter::once(image.config.hex())
        .chain(image.layers.iter().map(|layer| layer.hex()))
        .collect();
    blobs.sort_unstable();
    blobs.dedup();

    let file = File::create(output).context(|| format!("failed to create {}", output.display()))?;
    let mut tar = TarWriter::new(BufWriter::new(file), source_date_epoch()?);
    tar.directory("blobs", DIRECTORY_OWNER)?;
    tar.directory("blobs/sha256", DIRECTORY_OWNER)?;
    for hex in blobs {
        let source = layout.join(blob_path(hex));
        let size = fs::metadata(&source)
            .context(|| format!("failed to read {}", source.display()))?
            .len();
        let reader = BufReader::new(
            File::open(&source).context(|| format!("failed to open {}", source.display()))?,
        );
        tar.file(&blob_path(hex), OWNER, size, reader)?;
    }
    tar.file(
        "manifest.json",
        OWNER,
        manifest_bytes.len() as u64,
        manifest_bytes.as_slice(),
    )?;
    tar.finish()?
        .flush()
        .context(|| format!("failed to write {}", output.display()))
}
