//! Tar entries with every header field set explicitly.

use std::io::{Read, Write};

use tar::{Builder, EntryType, Header};

use crate::{Context, Result};

/// Owner and mode of one entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ownership {
    pub uid: u64,
    pub gid: u64,
    pub mode: u32,
}

/// Writes tar entries with fixed times and no host user or group names.
pub struct TarWriter<W: Write> {
    builder: Builder<W>,
    mtime: u64,
}

impl<W: Write> TarWriter<W> {
    pub fn new(inner: W, mtime: u64) -> Self {
        Self {
            builder: Builder::new(inner),
            mtime,
        }
    }

    fn header(&self, kind: EntryType, owner: Ownership, size: u64) -> Header {
        let mut header = Header::new_gnu();
        header.set_entry_type(kind);
        header.set_mtime(self.mtime);
        header.set_uid(owner.uid);
        header.set_gid(owner.gid);
        header.set_mode(owner.mode);
        header.set_size(size);
        header
    }

    /// Adds a directory; `path` has no leading slash.
    pub fn directory(&mut self, path: &str, owner: Ownership) -> Result<()> {
        let mut header = self.header(EntryType::Directory, owner, 0);
        let name = format!("{}/", path.trim_end_matches('/'));
        self.builder
            .append_data(&mut header, &name, std::io::empty())
            .context(|| format!("failed to add directory {name} to the archive"))
    }

    /// Adds a regular file of `size` bytes read from `data`.
    pub fn file(&mut self, path: &str, owner: Ownership, size: u64, data: impl Read) -> Result<()> {
        let mut header = self.header(EntryType::Regular, owner, size);
        self.builder
            .append_data(&mut header, path, data)
            .context(|| format!("failed to add file {path} to the archive"))
    }

    /// Writes the end-of-archive marker and returns the inner writer.
    pub fn finish(self) -> Result<W> {
        self.builder
            .into_inner()
            .context(|| "failed to finish the archive".to_owned())
    }
}
