//! `imagetool layer`: one gzip-compressed tar layer from a JSON spec.
//!
//! The spec lists entries by their absolute path in the image:
//!
//! ```json
//! {"entries": [
//!   {"kind": "file", "path": "/app/backend", "source": "bazel-out/.../backend", "mode": 493, "uid": 0, "gid": 0},
//!   {"kind": "tree", "path": "/app/frontend", "source": "bazel-out/.../dist", "mode": 420, "uid": 0, "gid": 0},
//!   {"kind": "directory", "path": "/tmp", "mode": 1023, "uid": 0, "gid": 0}
//! ]}
//! ```
//!
//! A `tree` copies a source directory recursively: its files get `mode`,
//! its directories 0755. Parent directories that no entry names are added
//! as root-owned 0755. Entries are written sorted by path.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::{Compression, GzBuilder};
use serde::Deserialize;

use crate::tarwrite::{Ownership, TarWriter};
use crate::{source_date_epoch, Context, Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    entries: Vec<SpecEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Kind {
    File,
    Tree,
    Directory,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecEntry {
    kind: Kind,
    path: String,
    #[serde(default)]
    source: Option<PathBuf>,
    mode: u32,
    #[serde(default)]
    uid: u64,
    #[serde(default)]
    gid: u64,
}

/// The entry at one path of the layer: a directory, or a file and its source.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    Directory(Ownership),
    File(Ownership, PathBuf),
}

const PARENT_DIRECTORY: Ownership = Ownership {
    uid: 0,
    gid: 0,
    mode: 0o755,
};

/// Checks that `path` is absolute and normalized, and returns it without
/// the leading slash, as tar entries name it.
fn archive_path(path: &str) -> Result<String> {
    let relative = path.strip_prefix('/').ok_or_else(|| {
        Error::new(format!(
            "layer path {path:?} is not absolute: start it with /"
        ))
    })?;
    let normal = !relative.is_empty()
        && relative
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if !normal {
        return Err(Error::new(format!(
            "layer path {path:?} is not normalized: remove empty, '.' and '..' parts and any trailing slash"
        )));
    }
    Ok(relative.to_owned())
}

/// The layer's contents: every path, parents included, in sorted order.
#[derive(Default)]
struct Tree {
    nodes: BTreeMap<String, Node>,
}

impl Tree {
    fn insert(&mut self, path: String, node: Node) -> Result<()> {
        let mut parent = path.as_str();
        while let Some((dir, _)) = parent.rsplit_once('/') {
            match self.nodes.get(dir) {
                Some(Node::File(..)) => {
                    return Err(Error::new(format!(
                        "layer entry /{path} lies under /{dir}, which is a file"
                    )));
                }
                Some(Node::Directory(_)) => {}
                None => {
                    self.nodes
                        .insert(dir.to_owned(), Node::Directory(PARENT_DIRECTORY));
                }
            }
            parent = dir;
        }
        match self.nodes.get(&path) {
            None => {}
            // An implicit parent directory may be given its owner and mode later.
            Some(Node::Directory(owner))
                if *owner == PARENT_DIRECTORY && matches!(node, Node::Directory(_)) => {}
            Some(_) => {
                return Err(Error::new(format!(
                    "layer path /{path} is given twice: keep one entry for it"
                )));
            }
        }
        self.nodes.insert(path, node);
        Ok(())
    }

    fn insert_tree(&mut self, path: &str, source: &Path, file_owner: Ownership) -> Result<()> {
        let dir_owner = Ownership {
            mode: 0o755,
            ..file_owner
        };
        self.insert(path.to_owned(), Node::Directory(dir_owner))?;
        let mut children: Vec<_> = fs::read_dir(source)
            .context(|| format!("failed to read directory {}", source.display()))?
            .collect::<std::io::Result<_>>()
            .context(|| format!("failed to read directory {}", source.display()))?;
        children.sort_by_key(|child| child.file_name());
        for child in children {
            let name = child.file_name().into_string().map_err(|name| {
                Error::new(format!(
                    "file name {name:?} in {} is not UTF-8",
                    source.display()
                ))
            })?;
            let child_source = child.path();
            let child_path = format!("{path}/{name}");
            // Follow symlinks: Bazel stages inputs as links to the output tree.
            let metadata = fs::metadata(&child_source)
                .context(|| format!("failed to read {}", child_source.display()))?;
            if metadata.is_dir() {
                self.insert_tree(&child_path, &child_source, file_owner)?;
            } else {
                self.insert(child_path, Node::File(file_owner, child_source))?;
            }
        }
        Ok(())
    }

    fn add(&mut self, entry: SpecEntry) -> Result<()> {
        let path = archive_path(&entry.path)?;
        let owner = Ownership {
            uid: entry.uid,
            gid: entry.gid,
            mode: entry.mode,
        };
        if entry.mode > 0o7777 {
            return Err(Error::new(format!(
                "mode {:o} of layer path {} is out of range: use permission bits up to 7777 (octal)",
                entry.mode, entry.path
            )));
        }
        let source = || {
            entry
                .source
                .clone()
                .ok_or_else(|| Error::new(format!("layer entry {} has no source", entry.path)))
        };
        match entry.kind {
            Kind::Directory => self.insert(path, Node::Directory(owner)),
            Kind::File => self.insert(path, Node::File(owner, source()?)),
            Kind::Tree => self.insert_tree(&path, &source()?, owner),
        }
    }

    fn write(&self, out: impl Write, mtime: u64) -> Result<()> {
        let mut tar = TarWriter::new(out, mtime);
        for (path, node) in &self.nodes {
            match node {
                Node::Directory(owner) => tar.directory(path, *owner)?,
                Node::File(owner, source) => {
                    let file = File::open(source)
                        .context(|| format!("failed to open {}", source.display()))?;
                    let size = file
                        .metadata()
                        .context(|| format!("failed to read {}", source.display()))?
                        .len();
                    tar.file(path, *owner, size, BufReader::new(file))?;
                }
            }
        }
        tar.finish()?
            .flush()
            .context(|| "failed to flush the layer".to_owned())
    }
}

/// Reads the spec at `spec_path` and writes the layer to `output`.
pub fn write(spec_path: &Path, output: &Path) -> Result<()> {
    let text = fs::read_to_string(spec_path)
        .context(|| format!("failed to read layer spec {}", spec_path.display()))?;
    let spec: Spec = serde_json::from_str(&text)
        .context(|| format!("invalid layer spec {}", spec_path.display()))?;

    let mut tree = Tree::default();
    for entry in spec.entries {
        tree.add(entry)?;
    }

    let mtime = source_date_epoch()?;
    let file = File::create(output).context(|| format!("failed to create {}", output.display()))?;
    // A zero gzip MTIME and a fixed OS byte keep the compressed bytes stable.
    let mut gzip = GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(BufWriter::new(file), Compression::best());
    tree.write(&mut gzip, mtime)?;
    gzip.finish()
        .and_then(|mut inner| inner.flush())
        .context(|| format!("failed to write {}", output.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_path_strips_leading_slash() {
        assert_eq!(archive_path("/app/backend").unwrap(), "app/backend");
    }

    #[test]
    fn archive_path_rejects_relative_and_unnormalized() {
        for bad in ["app", "/", "/app/", "/app//x", "/app/./x", "/app/../etc"] {
            assert!(archive_path(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn parents_are_added_as_root_0755() {
        let mut tree = Tree::default();
        let owner = Ownership {
            uid: 1,
            gid: 2,
            mode: 0o644,
        };
        tree.insert("a/b/c".into(), Node::File(owner, "x".into()))
            .unwrap();
        let paths: Vec<_> = tree.nodes.keys().cloned().collect();
        assert_eq!(paths, ["a", "a/b", "a/b/c"]);
        assert_eq!(tree.nodes["a/b"], Node::Directory(PARENT_DIRECTORY));
    }

    #[test]
    fn explicit_directory_overrides_implicit_parent() {
        let mut tree = Tree::default();
        let owner = Ownership {
            uid: 0,
            gid: 0,
            mode: 0o644,
        };
        tree.insert("tmp/x".into(), Node::File(owner, "x".into()))
            .unwrap();
        let sticky = Ownership {
            uid: 0,
            gid: 0,
            mode: 0o1777,
        };
        tree.insert("tmp".into(), Node::Directory(sticky)).unwrap();
        assert_eq!(tree.nodes["tmp"], Node::Directory(sticky));
    }

    #[test]
    fn duplicate_path_is_rejected() {
        let mut tree = Tree::default();
        let owner = Ownership {
            uid: 0,
            gid: 0,
            mode: 0o644,
        };
        tree.insert("etc/passwd".into(), Node::File(owner, "a".into()))
            .unwrap();
        let error = tree
            .insert("etc/passwd".into(), Node::File(owner, "b".into()))
            .unwrap_err();
        assert!(
            error.to_string().contains("/etc/passwd is given twice"),
            "{error}"
        );
    }

    #[test]
    fn entry_under_file_is_rejected() {
        let mut tree = Tree::default();
        let owner = Ownership {
            uid: 0,
            gid: 0,
            mode: 0o644,
        };
        tree.insert("app".into(), Node::File(owner, "a".into()))
            .unwrap();
        assert!(tree
            .insert("app/x".into(), Node::File(owner, "b".into()))
            .is_err());
    }
}
