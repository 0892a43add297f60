//! Content digests and the blob store of an OCI layout.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{Context, Result};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A writer that hashes and counts everything passing through it.
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    /// Returns the inner writer, the hex SHA-256 and the byte count.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex(&self.hasher.finalize()), self.size)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        self.size += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A content descriptor: media type, `sha256:` digest and size in bytes.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Descriptor {
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Value>,
}

impl Descriptor {
    /// Returns the hex part of the digest, which names the blob file.
    pub fn hex(&self) -> &str {
        self.digest.trim_start_matches("sha256:")
    }
}

/// Stores `bytes` under `layout/blobs/sha256/` and describes them.
pub fn write_blob(layout: &Path, media_type: &str, bytes: &[u8]) -> Result<Descriptor> {
    let hex = sha256_hex(bytes);
    let dir = layout.join("blobs").join("sha256");
    fs::create_dir_all(&dir).context(|| format!("failed to create {}", dir.display()))?;
    let path = dir.join(&hex);
    fs::write(&path, bytes).context(|| format!("failed to write {}", path.display()))?;
    Ok(Descriptor {
        media_type: media_type.to_owned(),
        digest: format!("sha256:{hex}"),
        size: bytes.len() as u64,
        platform: None,
        annotations: None,
    })
}
